"""Pareto-optimality check and Nash bargaining point of a package, over the veto players (pure functions).

Utilities are the additive salience-weighted ones of :mod:`sim.core.utility`:
U_i(x) = sum_j w_ij (1 - |x_j - p_ij| / 100), piecewise linear and concave in x.

* **Pareto check** (:func:`pareto_improvement`): max sum_i U_i(y) s.t. U_i(y) >= U_i(x) for every veto player i,
  y in a box (0-100, or the players' bottom lines). If the optimum beats x by more than ``tol`` the package is
  not Pareto-optimal and the dominating package is returned. Two players (the usual case): exact on their Pareto
  frontier (``two_party.pareto_check_of_two``); more: the linear programme with |y_j - p_ij| replaced by
  t_ij >= +-(y_j - p_ij) (exact at the optimum).
* **Nash bargaining point** (:func:`nash_point`; Nash 1950, "The bargaining problem", Econometrica 18(2)):
  argmax_y prod_i (U_i(y) - d_i) over the veto players with U_i(y) > d_i, where the disagreement value
  d_i = max(outside option o_i, U_i(disagreement package)) (an unset, NaN, outside option is ignored); ``None``
  when no package beats every d_i. Two players: exact on their frontier (``two_party.nash_point_of_two``: any
  package off it can be improved for both, which raises the product). Three or more: the log of the product is
  concave, so a local optimiser (Powell) from several starts finds the maximum.

scipy (``scipy.optimize``) is imported lazily.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.seeds import replication_generator
from sim.core.state import NegotiationState
from sim.core.utility import issue_weights, utilities
from sim.mechanisms.coercive_round import bottom_line_box as two_player_box
from sim.mechanisms.frontier import agreement_box
from sim.mechanisms.two_party import nash_point_of_two, pareto_check_of_two


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
    an empty box (lo > hi on some issue) leaves nothing to compare with: optimal, with a NaN gain. Two players:
    exact on their frontier (``two_party``); more: the linear programme."""
    idx = _players(state, players)
    ideal, salience = state.position[idx], state.salience[idx]
    x = np.asarray(package, dtype=float)
    lo, hi = _box(box, ideal.shape[1])
    if np.any(lo > hi):
        return ParetoCheck(True, float("nan"), None)
    if idx.size == 2:
        return ParetoCheck(*pareto_check_of_two(ideal, salience, x, lo, hi, tol))
    return pareto_by_programme(ideal, salience, x, lo, hi, tol)


def _box(box: tuple[np.ndarray, np.ndarray] | None, m: int) -> tuple[np.ndarray, np.ndarray]:
    """``box`` as float arrays (lo, hi), or the whole 0-100 range of ``m`` issues."""
    if box is None:
        return np.zeros(m), np.full(m, 100.0)
    return np.asarray(box[0], dtype=float), np.asarray(box[1], dtype=float)


def pareto_by_programme(ideal: np.ndarray, salience: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                        tol: float = 1e-7) -> ParetoCheck:
    """The Pareto check as a linear programme, for any number of players (ideal points and saliences (N, M))."""
    from scipy.optimize import linprog

    w = issue_weights(salience)
    n, m = ideal.shape
    base = utilities(ideal, salience, x)
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
    bounds = [(float(a), float(b)) for a, b in zip(lo, hi, strict=True)] + [(0.0, None)] * (n * m)
    res = linprog(c, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
    if not res.success:
        return ParetoCheck(True, 0.0, None)
    y = res.x[:m]
    gain = float(utilities(ideal, salience, y).sum() - base.sum())
    if gain > tol:
        return ParetoCheck(False, gain, y)
    return ParetoCheck(True, max(gain, 0.0), None)


def nash_point(state: NegotiationState, players: np.ndarray | None = None, starts: int = 8, seed: int = 0,
               box: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray | None:
    """Package maximising the Nash product over the veto players, among all packages or those in ``box`` (lo, hi
    per issue; e.g. :func:`bottom_line_box`), or None if no such package beats every d_i or the box is empty
    (exact for two players; ``starts`` and ``seed`` set the random starts of the search for three or more)."""
    idx = _players(state, players)
    ideal, sal = state.position[idx], state.salience[idx]
    d = disagreement_values(state, idx)
    lo, hi = _box(box, ideal.shape[1])
    if np.any(lo > hi):
        return None
    if idx.size == 2:
        return nash_point_of_two(ideal, sal, d, lo, hi)
    return _nash_by_search(ideal, sal, d, state.capability[idx], starts, seed, lo, hi)


def _nash_by_search(ideal: np.ndarray, sal: np.ndarray, d: np.ndarray, capability: np.ndarray, starts: int,
                    seed: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray | None:
    """The Nash package in the box [lo, hi] by Powell's method from several starts (the log of the product is
    concave)."""
    from scipy.optimize import minimize

    def negative_log_product(y: np.ndarray) -> float:
        surplus = utilities(ideal, sal, np.clip(y, lo, hi)) - d
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
        res = minimize(negative_log_product, np.clip(start, lo, hi), method="Powell",
                       bounds=list(zip(lo, hi, strict=True)), options={"xtol": 1e-4, "ftol": 1e-10})
        if res.fun < best_val:
            best, best_val = np.clip(res.x, lo, hi), float(res.fun)
    if best is None or best_val >= 1e6:
        return None
    return best
