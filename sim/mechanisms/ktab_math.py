"""The KTAB-style per-issue model's arithmetic (``sim.mechanisms.ktab``), vectorised over issues.

Arrays are (M, N) for positions and weights and (M, N, N) for pairwise quantities; the equations are those of
``sim.mechanisms.ktab``'s docstring. What this module adds is the cost:

* contest strengths S_ab = sum_k w_k max(0, u_k(x_a) - u_k(x_b)) come from prefix sums over the voters sorted
  by position instead of an N x N x N tensor per issue (``sim.mechanisms.side_votes``): u_k(x) =
  (1 - |x - x_k| / 100)^rho falls with the distance |x - x_k|, so voter k prefers a to b exactly when it sits on
  a's side of the midpoint (x_a + x_b) / 2, and S_ab = sum over those voters of w_k u_k(x_a) minus the same sum
  of w_k u_k(x_b): O(N^2 log N) per issue; with rho = 1 the utilities are linear in the distance and the sums
  need only prefix sums of w and w x (:func:`linear_strengths`), without the per-voter (N + 1) x N prefix array;
* the stationary distribution of the Markov election is iterated for all issues at once, each issue stopping at
  its own first step that moves no probability by more than ``tol`` (as the one-issue power iteration does);
* each actor's choice of the accepted bargain it likes best is one masked argmax over the proposers.

The strengths equal the tensor sums up to floating-point rounding; everything downstream of them is the same
elementwise arithmetic as the one-issue code (tests/test_ktab_reference.py compares the two on random states).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.mechanisms.side_votes import Sides, below_counts, pairs

_ACCEPT_SLACK = 1e-12  # a bargain this much worse than the expected contest is still accepted
_TIE_WEIGHT = 1e-9  # weight of the proposer's gain when an actor ranks accepted bargains


def utility(x: np.ndarray, rho: float) -> np.ndarray:
    """U[m, k, a]: utility of actor k (at x[m, k]) for actor a's position x[m, a] on issue m."""
    return _curve(1.0 - np.abs(x[:, None, :] - x[:, :, None]) / 100.0, rho)


def _curve(u: np.ndarray, rho: float) -> np.ndarray:
    """u ** rho, without the copy numpy makes for rho = 1 (x ** 1.0 == x)."""
    return u if rho == 1.0 else u ** rho


def isclose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.isclose(a, b)`` (default tolerances) for finite arrays, without its overhead."""
    return np.abs(a - b) <= 1e-8 + 1e-5 * np.abs(b)


def strengths(x: np.ndarray, w: np.ndarray, u: np.ndarray | None, rho: float = 1.0) -> np.ndarray:
    """S[m, a, b] = sum_k w_k max(0, u[m, k, a] - u[m, k, b]): voter k prefers a iff it is on a's side.

    With rho = 1 the utilities are linear in the distance and :func:`linear_strengths` needs no ``u``."""
    if rho == 1.0:
        return linear_strengths(x, w)
    s = Sides.of(x).sums(-(w[:, :, None] * (utility(x, rho) if u is None else u)))
    return np.maximum(s, 0.0, out=s)


@lru_cache(maxsize=32)
def _layout(n_issues: int, n: int) -> tuple[np.ndarray, ...]:
    """Index tables of :func:`linear_strengths`: the ranks a + 1 of the pairs a < b, the row offsets of (M, N)
    and of (M, N + 1), and the issue offsets of (M, N, N)."""
    tables = (pairs(n_issues, n)[0] + 1, (np.arange(n_issues) * n)[:, None], (np.arange(n_issues) * (n + 1))[:, None],
              (np.arange(n_issues) * n * n)[:, None])
    for v in tables:
        v.flags.writeable = False
    return tables


def linear_strengths(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """S[m, a, b] for u_k(x) = 1 - |x - x_k| / 100 (rho = 1) from prefix sums of w and w x, O(N^2) per issue.

    For the positions y_a < y_b of ranks a < b and the c voters below their midpoint (those preferring a), a
    voter at or below y_a gains y_b - y_a from a, one between y_a and the midpoint y_a + y_b - 2 x_k; so
    100 S_ab = (y_b - y_a) W(a + 1) + (y_a + y_b) (W(c) - W(a + 1)) - 2 (WX(c) - WX(a + 1)), with W(t) and WX(t)
    the sums of w and w x over the t lowest voters; S_ba mirrors it over the voters from c up. Positions are
    divided by 100 first, so the sums cancel no worse than the voter-by-voter ones."""
    return _spread(*_linear_pairs(x, w), 0.0, x.shape[1])


def _linear_pairs(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`linear_strengths` per pair of ranks a < b: (S_ab, S_ba) (M, N (N - 1) / 2) each, clamped at 0, and
    their flat indices in (M, N, N)."""
    n_issues, n = x.shape
    a, b = pairs(n_issues, n)[:2]
    above, rows, starts, issue = _layout(n_issues, n)
    order = np.argsort(x, axis=1, kind="stable")
    ranked = order + rows  # flat (issue, actor) index of the voters by position
    xs = np.take(x, ranked)  # (as take_along_axis, without its index building)
    ya, yb, count = below_counts(xs)
    ws = np.take(w, ranked)
    cum = np.zeros((2, n_issues, n + 1))  # [0]: W(t), [1]: WX(t), positions / 100
    np.cumsum(ws, axis=1, out=cum[0, :, 1:])
    np.cumsum(ws * (xs / 100.0), axis=1, out=cum[1, :, 1:])
    at_mid = np.take(cum.reshape(2, -1), count + starts, axis=1)
    at_low, at_high = np.take(cum, above, axis=2), np.take(cum, b, axis=2)
    ya, yb = ya / 100.0, yb / 100.0
    span, total = yb - ya, ya + yb
    low = span * at_low[0] + total * (at_mid[0] - at_low[0]) - 2.0 * (at_mid[1] - at_low[1])
    high = span * (cum[0, :, n:] - at_high[0]) + 2.0 * (at_high[1] - at_mid[1]) - total * (at_high[0] - at_mid[0])
    tie = span == 0.0  # equal positions: nobody prefers either
    if tie.any():
        low[tie] = 0.0
        high[tie] = 0.0
    scaled = order * n
    np.maximum(low, 0.0, out=low)
    np.maximum(high, 0.0, out=high)
    return (low, high, np.take(scaled, a, axis=1) + np.take(order, b, axis=1) + issue,
            np.take(scaled, b, axis=1) + np.take(order, a, axis=1) + issue)


def _spread(low: np.ndarray, high: np.ndarray, at_low: np.ndarray, at_high: np.ndarray, diagonal: float,
            n: int) -> np.ndarray:
    """The (M, N, N) array with ``low`` and ``high`` at their flat indices and ``diagonal`` on the diagonal."""
    n_issues = low.shape[0]
    out = np.empty(n_issues * n * n)
    out[at_low.ravel()] = low.ravel()
    out[at_high.ravel()] = high.ravel()
    out[pairs(n_issues, n)[2]] = diagonal
    return out.reshape(n_issues, n, n)


def contest_probabilities(x: np.ndarray, w: np.ndarray, gamma: float = 1.0, rho: float = 1.0,
                          u: np.ndarray | None = None) -> np.ndarray:
    """P[m, a, b]: probability that position a beats position b (``u``: :func:`utility`, if already known)."""
    if rho == 1.0:  # per pair of ranks: P_ab = S_ab / (S_ab + S_ba), P_ba = S_ba / (S_ba + S_ab), the same floats
        low, high, at_low, at_high = _linear_pairs(x, w)
        if gamma != 1.0:
            low **= gamma
            high **= gamma
        total = low + high
        if total.min(initial=1.0) > 0:
            return _spread(low / total, high / total, at_low, at_high, 0.5, x.shape[1])
        return _spread(np.divide(low, total, out=np.full_like(total, 0.5), where=total > 0),
                       np.divide(high, total, out=np.full_like(total, 0.5), where=total > 0), at_low, at_high, 0.5,
                       x.shape[1])
    strength = strengths(x, w, u, rho)
    if gamma != 1.0:
        strength **= gamma
    total = strength + strength.transpose(0, 2, 1)
    return np.divide(strength, total, out=np.full_like(strength, 0.5), where=total > 0)


CHECK_EVERY = 4  # power-iteration steps between convergence checks


def condorcet_distributions(prob: np.ndarray, iterations: int = 200, tol: float = 1e-12) -> np.ndarray:
    """pi[m]: stationary distribution of issue m's Markov election: power iteration from uniform, ``iterations``
    steps at most, per issue stopped once a step moves no entry by ``tol`` or more.

    The chance of staying put is folded into the transition matrix's diagonal, so a step is one product, and
    convergence is checked every ``CHECK_EVERY`` steps (and at the cap): an issue may stop up to three steps
    after the first step below ``tol``, each of which moves pi by less than ``tol``. The matrix is
    column-stochastic, so pi keeps its sum up to rounding; it is renormalised only at the checks."""
    n_issues, n = prob.shape[:2]
    if n == 1:
        return np.ones((n_issues, 1))
    diagonal = (slice(None), np.arange(n), np.arange(n))
    move = prob.copy()
    move[diagonal] = 0.0
    move /= n - 1  # move[m, b, a]: go from a to b
    move[diagonal] = 1.0 - move.sum(axis=1)
    pi = np.full((n_issues, n, 1), 1.0 / n)
    out = np.empty((n_issues, n))
    left = np.arange(n_issues)
    done_steps = 0
    while done_steps < iterations:
        steps = min(CHECK_EVERY, iterations - done_steps)
        for _ in range(steps - 1):
            pi = np.matmul(move, pi)
        pi /= pi.sum(axis=1, keepdims=True)
        new = np.matmul(move, pi)
        new /= new.sum(axis=1, keepdims=True)
        done_steps += steps
        done = np.abs(new - pi).max(axis=(1, 2)) < tol
        if done.any():
            out[left[done]] = new[done, :, 0]
            left, move, new = left[~done], move[~done], new[~done]
            if not left.size:
                return out
        pi = new
    out[left] = pi[:, :, 0]
    return out


def forecasts(x: np.ndarray, pi: np.ndarray, mode: bool) -> np.ndarray:
    """Per issue: the expected position sum_a pi_a x_a, or (``mode``) the most probable position."""
    if mode:
        return x[np.arange(x.shape[0]), np.argmax(pi, axis=1)]
    return np.array([np.dot(p, v) for p, v in zip(pi, x, strict=True)])


def bargain_round(x: np.ndarray, s: np.ndarray, prob: np.ndarray, u: np.ndarray, rho: float) -> np.ndarray:
    """New positions (M, N) after one round of interpolated bargains (``prob`` and ``u`` at positions x).

    Work arrays are reused in place; every element gets the same operations as the direct expressions in the
    comments, so the results are the same bits."""
    n = x.shape[1]
    xi, xj = x[:, :, None], x[:, None, :]
    weight_i = prob * s[:, :, None]  # [m, i, j]: proposer i's claim against j
    denom = weight_i + weight_i.transpose(0, 2, 1)
    if denom.min(initial=1.0) > 0:  # (the usual case: then the masked division is the plain one)
        theta = np.divide(weight_i, denom)
    else:
        theta = np.divide(weight_i, denom, out=np.full_like(denom, 0.5), where=denom > 0)
    bargain = theta * xi  # [m, i, j] proposed by i to j: theta x_i + (1 - theta) x_j
    rest = np.subtract(1, theta, out=theta)
    rest *= xj
    bargain += rest
    own = u[:, np.arange(n), np.arange(n)]  # u_j(x_j): 1 for the utilities of ``utility``
    unit = bool((own == 1.0).all())  # then P u_j(x_j) is P itself (p * 1.0 == p)
    target_u = _distance_utility(np.subtract(bargain, xj, out=weight_i), rho)  # u_j(x_ij) at [m, i, j]
    contest_u = np.multiply(prob, u.transpose(0, 2, 1), out=denom)  # P_ji u_j(x_j) + P_ij u_j(x_i)
    contest_u += prob.transpose(0, 2, 1) if unit else prob.transpose(0, 2, 1) * own[:, None, :]
    contest_u -= _ACCEPT_SLACK
    reject = np.less(target_u, contest_u)  # not accepted: worse than the expected contest, or no move
    reject |= isclose(xi, xj)
    gain = _distance_utility(np.subtract(bargain, xi, out=contest_u), rho)  # proposer's gain: u_i(x_ij) - P_ij u_i
    gain -= prob if unit else np.multiply(prob, own[:, :, None], out=rest)
    gain *= _TIE_WEIGHT
    gain += target_u  # key: target_u + _TIE_WEIGHT * gain, -inf where not accepted
    gain[reject] = -np.inf
    pick = np.argmax(gain, axis=1)  # first proposer with the best key, per receiver j
    n_issues = x.shape[0]
    chosen = np.take(bargain, pick * n + _layout(n_issues, n)[3] + np.arange(n))  # bargain[m, pick[m, j], j]
    return np.where(reject.all(axis=1), x, chosen)


def _distance_utility(diff: np.ndarray, rho: float) -> np.ndarray:
    """(1 - |diff| / 100) ** rho, computed in ``diff``'s buffer."""
    np.abs(diff, out=diff)
    diff /= 100.0
    np.subtract(1.0, diff, out=diff)
    if rho != 1.0:
        diff **= rho  # (as u ** rho: numpy's scalar-exponent shortcuts apply alike)
    return diff
