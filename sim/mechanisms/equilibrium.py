"""Stationary equilibrium values of two-party bargaining with discounting, interim payoffs and outside options.

Each month one of the two veto players proposes (alternately, Rubinstein 1982; or drawn with probabilities in
proportion to capability, Baron & Ferejohn 1989). Values are average per-month utilities, V = (1 - d) sum d^t u_t:

* talks that go on give each player the *interim* utility f_i of the state that holds meanwhile (the status quo
  with the bases at their current presence) this month, then the value C_i of the next month: the value of
  continuing is cont_i = (1 - d_i) f_i + d_i C_i;
* walking away ends the talks with both players at their outside options o_i (breakdown), so what a player keeps
  by saying no is keep_i = max(o_i, cont_i) (Binmore, Rubinstein & Wolinsky 1986: outside options bound deals);
* the proposer p offers the package that maximises its utility subject to the responder r getting keep_r and to
  every bottom line (``frontier.Frontier``), and does so only if that beats its own keep_p; r accepts;
* without a deal, a player walks away if o_i > cont_i; otherwise both continue.

The values are the fixed point of this month-to-month map, found by value iteration (a contraction with modulus
max d_i, started from max(o_i, f_i)). With one issue, zero interim and outside options, the alternating
proposer's share is (1 - d_r) / (1 - d_p d_r), Rubinstein's closed form (tests/test_coercive.py pins it).
Arrays carry any leading batch axes (replications, viewers, types of the other player).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.equilibrium_scalar import SCALAR_ELEMENTS, iterate_elements
from sim.mechanisms.frontier import TOLERANCE, Frontier, FrontierValues

Frontiers = tuple[Frontier | FrontierValues, Frontier | FrontierValues]


@dataclass
class Turn:
    """What happens in a month in which player ``k`` proposes, given the players' continuation values."""

    keep: np.ndarray  # (..., 2) what each player keeps by saying no (max of outside option and continuing)
    cont: np.ndarray  # (..., 2) value of continuing without a deal this month
    deal: np.ndarray  # (...,) the proposer makes an offer the responder accepts
    walk: np.ndarray  # (..., 2) without a deal this month, this player prefers breakdown to continuing
    values: np.ndarray  # (..., 2) the players' values of the month


def play_turn(frontier: Frontier | FrontierValues, k: int, cnext: np.ndarray, outside: np.ndarray, flow: np.ndarray,
              delta: np.ndarray) -> Turn:
    """One month with proposer ``k`` (0 or 1) given next month's values ``cnext`` (..., 2)."""
    r = 1 - k
    cont = (1.0 - delta) * flow + delta * cnext
    keep = np.maximum(outside, cont)
    v_p, v_r, feasible = frontier.value(keep[..., r])
    deal = feasible & (v_p >= keep[..., k] - TOLERANCE)
    walk = outside > cont + TOLERANCE
    no_deal = np.where((walk[..., 0] | walk[..., 1])[..., None], outside, cont)
    values = np.empty_like(cont)
    values[..., k] = np.where(deal, v_p, no_deal[..., k])
    values[..., r] = np.where(deal, v_r, no_deal[..., r])
    return Turn(keep, cont, deal, walk, values)


@dataclass
class Equilibrium:
    """Converged stationary values; ``values[k]`` (..., 2) holds each player's value of a month in which k
    proposes (alternate), or both rows hold the value before the proposer is drawn (recognition)."""

    frontiers: tuple[Frontier, Frontier]
    outside: np.ndarray
    flow: np.ndarray
    delta: np.ndarray
    recognition: np.ndarray | None  # (..., 2) probabilities, None for alternating proposers
    values: np.ndarray  # (2, ..., 2)
    iterations: int

    def turn(self, k: int) -> Turn:
        """The month in which ``k`` proposes, under the converged values."""
        cnext = self.values[1 - k] if self.recognition is None else self.values[0]
        return play_turn(self.frontiers[k], k, cnext, self.outside, self.flow, self.delta)


def _step(frontiers: Frontiers, values: np.ndarray, outside: np.ndarray, flow: np.ndarray,
          delta: np.ndarray, recognition: np.ndarray | None) -> np.ndarray:
    """One application of the month-to-month map to ``values`` (2, ..., 2)."""
    if recognition is None:
        return np.stack([play_turn(frontiers[0], 0, values[1], outside, flow, delta).values,
                         play_turn(frontiers[1], 1, values[0], outside, flow, delta).values])
    mixed = (recognition[..., 0:1] * play_turn(frontiers[0], 0, values[0], outside, flow, delta).values
             + recognition[..., 1:2] * play_turn(frontiers[1], 1, values[0], outside, flow, delta).values)
    return np.stack([mixed, mixed])


def _guess(frontiers: Frontiers, outside: np.ndarray, flow: np.ndarray, delta: np.ndarray,
           recognition: np.ndarray | None, steps: int = 60) -> np.ndarray:
    """The fixed point on the branch where both proposers make accepted offers, by a safeguarded Newton search
    for the root of player 0's value through a full cycle minus itself, for a batch with one leading axis (K
    elements).

    On that branch the month-to-month map reduces to one monotone scalar map (player 0's value through a full
    cycle), piecewise linear in it, so the search converges whatever the discount factors; :func:`solve` checks
    the guess and iterates from it where another branch (no deal in some month, breakdown) holds."""
    def bind(index: np.ndarray):  # the cycle map (and the helpers it needs) on the elements ``index``
        f = (frontiers[0].take(index), frontiers[1].take(index))
        out, fl, de = outside[index], flow[index], delta[index]

        def keep_and_slope(i: int, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            going_on = (1.0 - de[:, i]) * fl[:, i] + de[:, i] * c
            return np.maximum(out[:, i], going_on), np.where(going_on >= out[:, i], de[:, i], 0.0)

        def keep(i: int, c: np.ndarray) -> np.ndarray:
            return keep_and_slope(i, c)[0]

        def offer_value(k: int, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            v_p, v_r, _ = f[k].value(need)
            return v_p, v_r

        if recognition is None:
            def cycle(p0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # player 0 proposes; next player 1 does
                need1, slope1 = keep_and_slope(0, p0)
                p1, offer1 = f[1].value_and_slope(need1)
                need0, slope0 = keep_and_slope(1, p1)
                p0_next, offer0 = f[0].value_and_slope(need0)
                return p0_next - p0, offer0 * slope0 * offer1 * slope1 - 1.0
            return cycle, keep, offer_value, None
        pi0, pi1 = recognition[index, 0], recognition[index, 1]

        def own_and_slope(i: int, k: int, c_other: np.ndarray, d_other: np.ndarray | None = None
                          ) -> tuple[np.ndarray, np.ndarray]:  # i's value before the draw, given the other's
            need, slope = keep_and_slope(1 - i, c_other)
            f_own, offer = f[k].value_and_slope(need)
            pi_own, share = (pi0, pi1) if i == 0 else (pi1, pi0)
            a, da = pi_own * f_own, pi_own * offer * slope * (1.0 if d_other is None else d_other)
            walk, wait = a + share * out[:, i], (a + share * (1.0 - de[:, i]) * fl[:, i]) / (1.0 - share * de[:, i])
            return np.maximum(walk, wait), np.where(walk >= wait, da, da / (1.0 - share * de[:, i]))

        def own(i: int, k: int, c_other: np.ndarray) -> np.ndarray:
            return own_and_slope(i, k, c_other)[0]

        def mixed_cycle(c0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            c1, d1 = own_and_slope(1, 1, c0)
            c0_next, d0 = own_and_slope(0, 0, c1, d1)
            return c0_next - c0, d0 - 1.0
        return mixed_cycle, keep, offer_value, own

    v0 = _root(lambda index: bind(index)[0], outside.shape[0], steps)
    _, keep, offer_value, own = bind(np.arange(outside.shape[0]))
    if recognition is None:
        p1, r0 = offer_value(1, keep(0, v0))
        a0, r1 = offer_value(0, keep(1, p1))
        return np.stack([np.stack([a0, r1], -1), np.stack([r0, p1], -1)])
    c1 = own(1, 1, v0)
    both = np.stack([v0, c1], -1)
    return np.stack([both, both])


def _root(bind, size: int, steps: int, tol: float = 1e-13) -> np.ndarray:
    """A root in [0, 1] of the decreasing function g (g(0) >= 0 >= g(1)), element by element: Newton's step from
    the last iterate where it falls strictly inside the bracket, else the Illinois variant of false position
    (Dowell & Jarratt 1971, BIT 11), so the iterates never leave the bracket. g is piecewise linear here, so a
    Newton step from the piece holding the root lands on it. ``bind(index)`` returns, on the elements ``index`` of
    the batch, a function giving g and its derivative; the search works on the elements still open (re-bound once
    at most half remain), and each element's iterates are its own, so its root never depends on the rest of the
    batch."""
    index = np.arange(size)
    g = bind(index)
    lo, hi = np.zeros(size), np.ones(size)
    (g_lo, slope_lo), (g_hi, slope_hi) = g(lo), g(hi)
    side = np.zeros(size)
    x = np.where(g_lo <= 0, lo, np.where(g_hi >= 0, hi, 0.5))
    root = x.copy()
    open_ = (g_lo > 0) & (g_hi < 0)
    nearer_hi = -g_hi < g_lo  # Newton starts from the end nearer the root
    last, g_last, slope_last = np.where(nearer_hi, hi, lo), np.where(nearer_hi, g_hi, g_lo), np.where(
        nearer_hi, slope_hi, slope_lo)
    for _ in range(steps):
        n_open = int(np.count_nonzero(open_))
        if not n_open:
            break
        if n_open <= open_.size // 2:  # drop the settled elements from the working set
            root[index] = x
            index, lo, hi, g_lo, g_hi, side, x, last, g_last, slope_last = (
                v[open_] for v in (index, lo, hi, g_lo, g_hi, side, x, last, g_last, slope_last))
            open_ = np.ones(n_open, dtype=bool)
            g = bind(index)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = last - g_last / np.where(slope_last < 0, slope_last, -1.0)
        use_newton = (slope_last < 0) & (newton > lo) & (newton < hi)
        span = g_lo - g_hi
        trial = np.where(span > 0, lo + g_lo * (hi - lo) / np.where(span > 0, span, 1.0), 0.5 * (lo + hi))
        trial = np.where(use_newton, newton, trial)
        trial = np.where(open_, np.clip(trial, lo, hi), x)
        g_x, slope_x = g(trial)
        x = np.where(open_, trial, x)
        last, g_last, slope_last = trial, g_x, slope_x
        up = open_ & (g_x > 0)
        down = open_ & (g_x < 0)
        stale = ~use_newton  # Illinois: halve the stale end's value after a false-position step
        g_hi = np.where(up & stale & (side > 0), 0.5 * g_hi, g_hi)
        g_lo = np.where(down & stale & (side < 0), 0.5 * g_lo, g_lo)
        lo, g_lo = np.where(up, trial, lo), np.where(up, g_x, g_lo)
        hi, g_hi = np.where(down, trial, hi), np.where(down, g_x, g_hi)
        side = np.where(up, 1.0, np.where(down, -1.0, side))
        open_ &= (np.abs(g_x) > tol) & (hi - lo > tol)
    root[index] = x
    return root


def _candidates(frontiers: Frontiers, outside: np.ndarray, flow: np.ndarray, delta: np.ndarray,
                recognition: np.ndarray | None) -> list[np.ndarray]:
    """Closed-form fixed points of the other branches: no deal ever (talks stall at the interim values, or both
    end at their outside options) and, with alternating proposers, a deal only in one player's months."""
    stall = np.maximum(outside, flow)
    found = [np.stack([stall, stall]), np.stack([outside, outside])]
    if recognition is None:
        for k in (0, 1):
            r = 1 - k
            keep_r = np.maximum(outside[..., r], flow[..., r])
            v_p, v_r, _ = frontiers[k].value(keep_r)
            deal = np.empty_like(outside)
            deal[..., k], deal[..., r] = v_p, v_r
            wait = (1.0 - delta) * flow + delta * deal
            found.append(np.stack([deal, wait]) if k == 0 else np.stack([wait, deal]))
    return found


def solve(frontiers: tuple[Frontier, Frontier], outside: np.ndarray, flow: np.ndarray, delta: np.ndarray,
          recognition: np.ndarray | None = None, tol: float = 1e-7, max_iter: int = 5000) -> Equilibrium:
    """The stationary values: of the closed-form candidates (one per branch: stall, breakdown, one-sided deals,
    and - only where none of those is exact - deals in both players' months by a root search) the one the
    month-to-month map leaves in place, element by element; value iteration from the best where none is exact."""
    options = _candidates(frontiers, outside, flow, delta, recognition)
    residuals = [_largest_change(_step(frontiers, v, outside, flow, delta, recognition), v)
                 for v in options]
    both = np.min(np.stack(residuals), axis=0) > tol  # elements with deals in both players' months
    if both.any():
        sub = (frontiers[0].values_only(both), frontiers[1].values_only(both))
        rec = None if recognition is None else recognition[both]
        guess = np.full(options[0].shape, np.nan)
        guess[:, both] = _guess(sub, outside[both], flow[both], delta[both], rec)
        residual = np.full(both.shape, np.inf)
        residual[both] = _largest_change(_step(sub, guess[:, both], outside[both], flow[both], delta[both], rec),
                                         guess[:, both])
        options.append(guess)
        residuals.append(residual)
    stacked = np.stack(residuals)
    exact = stacked <= tol
    # the first exact candidate in a fixed order (so an element's choice never depends on the rest of the batch),
    # else the closest
    best = np.where(exact.any(axis=0), np.argmax(exact, axis=0), np.argmin(stacked, axis=0))
    values = np.choose(best[None, ..., None], options)
    open_ = ~exact.any(axis=0)  # an exact candidate is the fixed point to within tol: nothing to iterate
    iterations = 0
    if open_.any():
        values = values.copy()
        values[:, open_], iterations = _iterate(
            (frontiers[0].values_only(open_), frontiers[1].values_only(open_)), values[:, open_], outside[open_],
            flow[open_], delta[open_], None if recognition is None else recognition[open_], tol, max_iter)
    return Equilibrium(frontiers, outside, flow, delta, recognition, values, iterations)


def _largest_change(new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """``np.abs(new - old).max(axis=(0, -1))`` for (2, ..., 2) values, as three maxima of slices (a reduction over
    such short axes costs far more than its arithmetic; the maximum is the same whatever the order, NaN included)."""
    d = np.abs(new - old)
    return np.maximum(np.maximum(d[0, ..., 0], d[0, ..., 1]), np.maximum(d[1, ..., 0], d[1, ..., 1]))


MAX_RISES = 25  # growing changes after which value iteration counts as cycling


def _iterate(frontiers: Frontiers, start: np.ndarray, outside: np.ndarray, flow: np.ndarray,
             delta: np.ndarray, recognition: np.ndarray | None, tol: float, max_iter: int) -> tuple[np.ndarray, int]:
    """Value iteration from ``start`` (2, K, 2) for the K elements no closed-form branch fits, each on its own
    stopping rule (so an element's values never depend on the rest of the batch).

    On one branch the map contracts (each change at most ``d`` times the last); an element whose change grows
    ``MAX_RISES`` times is switching branches without end (a cycle) and stops early: it keeps ``start``."""
    d_elem = np.minimum(np.max(delta, axis=-1), 0.999999)
    needed = np.minimum(max_iter, 5 + np.ceil(np.log(tol) / np.log(np.maximum(d_elem, 1e-12)))).astype(int)
    limit = tol * (1.0 - d_elem)  # an element has settled once its change falls below this
    if d_elem.ndim == 1 and d_elem.size <= SCALAR_ELEMENTS:  # a handful: element by element, same values
        return iterate_elements(frontiers, start, outside, flow, delta, recognition, needed, limit, MAX_RISES)
    values = start
    live = np.ones(d_elem.shape, dtype=bool)
    converged = np.zeros(d_elem.shape, dtype=bool)
    rises = np.zeros(d_elem.shape, dtype=int)
    last = np.full(d_elem.shape, np.inf)
    iterations = 0
    for iterations in range(1, int(needed.max()) + 1):  # noqa: B007 - the count is reported
        new = _step(frontiers, values, outside, flow, delta, recognition)
        change = _largest_change(new, values)
        values = np.where(live[None, ..., None], new, values)
        settled = change < limit
        converged |= live & settled
        rises += change > last * (1.0 + 1e-9)
        last = change
        live &= ~settled & (iterations < needed) & (rises < MAX_RISES)
        if not live.any():
            break
    # where the map never settles it cycles: no stationary equilibrium in pure strategies; the closest
    # closed-form branch (the start) stands in for it
    return np.where(converged[None, ..., None], values, start), iterations
