"""Pareto-optimality check and Nash bargaining point of a package, over the veto players (pure functions).

Utilities are the additive salience-weighted ones of :mod:`sim.core.utility`:
U_i(x) = sum_j w_ij (1 - |x_j - p_ij| / 100), piecewise linear and concave in x.

* **Pareto check** (:func:`pareto_improvement`): solve the linear programme
  max sum_i U_i(y) s.t. U_i(y) >= U_i(x) for every veto player i, 0 <= y <= 100, with |y_j - p_ij| replaced by
  t_ij >= +-(y_j - p_ij) (exact at the optimum). If the optimum beats x by more than ``tol`` the package is not
  Pareto-optimal and the dominating package is returned.
* **Nash bargaining point** (:func:`nash_point`; Nash 1950, "The bargaining problem", Econometrica 18(2)):
  argmax_y prod_i (U_i(y) - d_i) over the veto players with U_i(y) > d_i, where the disagreement value
  d_i = max(outside option o_i, U_i(disagreement package)) (an unset, NaN, outside option is ignored); ``None``
  when no package beats every d_i.

  - Two players (the usual case): exact. Any package off their Pareto frontier can be improved for both, which
    raises the product, so the maximum lies on the frontier; with additive utilities the frontier is the
    fractional-knapsack path of ``frontier.Frontier`` (issues conceded from one player's ideal toward the
    other's in increasing order of cost per unit of gain; Raiffa 1982, ch. 12). On each of its M linear pieces
    the product is a quadratic in the share conceded, (A - s c)(B + s g), maximised at
    s* = (g A - c B) / (2 g c) or at an end, so the maximum is the best of at most 3M points.
  - Three or more players: the log of the product is concave, so a local optimiser (Powell) from several starts
    finds the maximum.

scipy (``scipy.optimize``) is imported lazily.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.seeds import replication_generator
from sim.core.state import NegotiationState
from sim.core.utility import issue_weights, utilities
from sim.mechanisms.coercive_round import bottom_line_box as two_player_box
from sim.mechanisms.frontier import Frontier, agreement_box


@dataclass(frozen=True)
class ParetoCheck:
    optimal: bool
    improvement: float  # sum of utility gains available to the veto players
    dominating: np.ndarray | None  # (M,) a package at least as good for all, better for some


def _players(state: NegotiationState, players: np.ndarray | None) -> np.ndarray:
    if players is not None:
        return np.asarray(players, dtype=int)
    vetoes = np.flatnonzero(state.veto)
    return vetoes if vetoes.size else np.arange(state.n_actors)


def disagreement_values(state: NegotiationState, players: np.ndarray | None = None) -> np.ndarray:
    """d_i = max(outside option, utility of the disagreement package) for the chosen players."""
    idx = _players(state, players)
    fallback = utilities(state.position[idx], state.salience[idx], state.disagreement)
    return np.fmax(state.outside_option[idx], fallback)  # an unset (NaN) outside option means the fallback


def bottom_line_box(state: NegotiationState, players: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per issue, the interval (lo, hi) of packages the veto players' bottom lines allow (lo > hi: none): for two
    players the default mechanism's own rule (``coercive_round.bottom_line_box``: a bottom line bounds how far a
    player concedes toward the other's ideal), for more ``frontier.agreement_box``."""
    idx = _players(state, players)
    ideal, reservation = state.position[idx], state.reservation[idx]
    if idx.size == 2:
        return two_player_box(ideal, reservation)
    return agreement_box(ideal, reservation, np.ones(idx.size, dtype=bool))


def pareto_improvement(state: NegotiationState, package: np.ndarray, players: np.ndarray | None = None,
                       tol: float = 1e-7, box: tuple[np.ndarray, np.ndarray] | None = None) -> ParetoCheck:
    """Whether ``package`` is Pareto-optimal for the veto players (all actors if there are none) among the
    packages on the 0-100 scales, or among those in ``box`` (lo, hi per issue; e.g. :func:`bottom_line_box`);
    an empty box (lo > hi on some issue) leaves nothing to compare with: optimal, with a NaN gain."""
    from scipy.optimize import linprog

    idx = _players(state, players)
    ideal, w = state.position[idx], issue_weights(state.salience[idx])
    n, m = ideal.shape
    x = np.asarray(package, dtype=float)
    base = utilities(ideal, state.salience[idx], x)
    # variables: y (m), t (n*m); U_i = sum_j w_ij - sum_j w_ij t_ij / 100
    c = np.concatenate([np.zeros(m), w.ravel() / 100.0])  # minimise sum of weighted distances
    a_ub, b_ub = [], []
    for i in range(n):
        for j in range(m):
            col = m + i * m + j
            row = np.zeros(m + n * m)
            row[j], row[col] = 1.0, -1.0
            a_ub.append(row)
            b_ub.append(ideal[i, j])  # y_j - t_ij <= p_ij
            row = np.zeros(m + n * m)
            row[j], row[col] = -1.0, -1.0
            a_ub.append(row)
            b_ub.append(-ideal[i, j])  # -y_j - t_ij <= -p_ij
        row = np.zeros(m + n * m)
        row[m + i * m: m + (i + 1) * m] = w[i] / 100.0
        a_ub.append(row)
        b_ub.append(w[i].sum() - base[i])  # U_i(y) >= U_i(x)
    lo, hi = box if box is not None else (np.zeros(m), np.full(m, 100.0))
    if np.any(lo > hi):
        return ParetoCheck(True, float("nan"), None)
    bounds = [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)] + [(0.0, None)] * (n * m)
    res = linprog(c, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
    if not res.success:
        return ParetoCheck(True, 0.0, None)
    y = res.x[:m]
    gain = float(utilities(ideal, state.salience[idx], y).sum() - base.sum())
    if gain > tol:
        return ParetoCheck(False, gain, y)
    return ParetoCheck(True, max(gain, 0.0), None)


NASH_MARGIN = 1e-12
"""How far above d_i a player's utility must be to count as beating it (rounding in the sums is far smaller)."""


def nash_point(state: NegotiationState, players: np.ndarray | None = None,
               starts: int = 8, seed: int = 0) -> np.ndarray | None:
    """Package maximising the Nash product over the veto players, or None if no package beats every d_i (exact
    for two players; ``starts`` and ``seed`` set the random starts of the search for three or more)."""
    idx = _players(state, players)
    ideal, sal = state.position[idx], state.salience[idx]
    d = disagreement_values(state, idx)
    if idx.size == 2:
        return nash_point_of_two(ideal, sal, d)
    return _nash_by_search(ideal, sal, d, state.capability[idx], starts, seed)


def nash_point_of_two(ideal: np.ndarray, salience: np.ndarray, d: np.ndarray) -> np.ndarray | None:
    """The exact Nash bargaining package of two players (ideal points and saliences (2, M), disagreement values
    (2,)): the best point of the quadratic product on each linear piece of their Pareto frontier (see the module
    docstring); None if no point of the frontier gives both more than d."""
    m = ideal.shape[1]
    if not m:
        return None
    frontier = Frontier.build(ideal[0], salience[0], ideal[1], salience[1], np.zeros(m), np.full(m, 100.0))
    surplus_p = frontier.base_p - frontier.cost_cum[:-1] - d[0]  # A: player 0's surplus where each piece starts
    surplus_r = frontier.base_r + frontier.gain_cum[:-1] - d[1]  # B: player 1's
    cost, gain = frontier.cost, frontier.gain
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.where(gain * cost > 0, (gain * surplus_p - cost * surplus_r) / (2.0 * gain * cost), 0.0)
    shares = np.stack([np.zeros(m), np.ones(m), np.clip(vertex, 0.0, 1.0)], axis=-1)  # (M, 3) per piece
    a = surplus_p[:, None] - shares * cost[:, None]
    b = surplus_r[:, None] + shares * gain[:, None]
    product = np.where((a > NASH_MARGIN) & (b > NASH_MARGIN), a * b, -np.inf).ravel()
    if not np.isfinite(product).any():
        return None
    best = int(np.argmax(product))  # the first of equal maxima: the least conceded of equal packages
    piece, share = divmod(best, 3)
    ordered = np.where(np.arange(m) < piece, 1.0, 0.0)
    ordered[piece] = shares[piece, share]
    fraction = np.empty(m)
    fraction[frontier.order] = ordered
    return frontier.start + fraction * frontier.step


def _nash_by_search(ideal: np.ndarray, sal: np.ndarray, d: np.ndarray, capability: np.ndarray, starts: int,
                    seed: int) -> np.ndarray | None:
    """The Nash package by Powell's method from several starts (the log of the product is concave)."""
    from scipy.optimize import minimize

    def negative_log_product(y: np.ndarray) -> float:
        surplus = utilities(ideal, sal, np.clip(y, 0.0, 100.0)) - d
        if np.any(surplus <= 0):
            return 1e6 - 1e3 * float(np.minimum(surplus, 0).sum())
        return -float(np.log(surplus).sum())

    rng = replication_generator(seed)
    weights = capability[:, None] * sal
    total = weights.sum(axis=0)
    centre = np.where(total > 0, (weights * ideal).sum(axis=0) / np.where(total > 0, total, 1), ideal.mean(0))
    candidates = [centre, ideal.mean(axis=0), *ideal] + [rng.uniform(0, 100, ideal.shape[1])
                                                       for _ in range(starts)]
    best, best_val = None, np.inf
    for start in candidates:
        res = minimize(negative_log_product, start, method="Powell", bounds=[(0.0, 100.0)] * ideal.shape[1],
                       options={"xtol": 1e-4, "ftol": 1e-10})
        if res.fun < best_val:
            best, best_val = np.clip(res.x, 0.0, 100.0), float(res.fun)
    if best is None or best_val >= 1e6:
        return None
    return best
