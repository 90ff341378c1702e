"""Pareto-optimality check and Nash bargaining point of a package, over the veto players (pure functions).

Utilities are the additive salience-weighted ones of :mod:`sim.core.utility`:
U_i(x) = sum_j w_ij (1 - |x_j - p_ij| / 100), piecewise linear and concave in x.

* **Pareto check** (:func:`pareto_improvement`): solve the linear programme
  max sum_i U_i(y) s.t. U_i(y) >= U_i(x) for every veto player i, 0 <= y <= 100, with |y_j - p_ij| replaced by
  t_ij >= +-(y_j - p_ij) (exact at the optimum). If the optimum beats x by more than ``tol`` the package is not
  Pareto-optimal and the dominating package is returned.
* **Nash bargaining point** (:func:`nash_point`; Nash 1950, "The bargaining problem", Econometrica 18(2)):
  argmax_y prod_i (U_i(y) - d_i) over the veto players with U_i(y) > d_i, where the disagreement value
  d_i = max(outside option o_i, U_i(disagreement package)) (an unset, NaN, outside option is ignored). The log
  of the product is concave, so a local optimiser from several starts finds the maximum; ``None`` when no
  package beats every d_i.

scipy (``scipy.optimize``) is imported lazily.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.seeds import replication_generator
from sim.core.state import NegotiationState
from sim.core.utility import issue_weights, utilities


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


def pareto_improvement(state: NegotiationState, package: np.ndarray, players: np.ndarray | None = None,
                       tol: float = 1e-7) -> ParetoCheck:
    """Whether ``package`` is Pareto-optimal for the veto players (all actors if there are none)."""
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
    bounds = [(0.0, 100.0)] * m + [(0.0, None)] * (n * m)
    res = linprog(c, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=bounds, method="highs")
    if not res.success:
        return ParetoCheck(True, 0.0, None)
    y = res.x[:m]
    gain = float(utilities(ideal, state.salience[idx], y).sum() - base.sum())
    if gain > tol:
        return ParetoCheck(False, gain, y)
    return ParetoCheck(True, max(gain, 0.0), None)


def nash_point(state: NegotiationState, players: np.ndarray | None = None,
               starts: int = 8, seed: int = 0) -> np.ndarray | None:
    """Package maximising the Nash product over the veto players, or None if no package beats every d_i."""
    from scipy.optimize import minimize

    idx = _players(state, players)
    ideal, sal = state.position[idx], state.salience[idx]
    d = disagreement_values(state, idx)

    def negative_log_product(y: np.ndarray) -> float:
        surplus = utilities(ideal, sal, np.clip(y, 0.0, 100.0)) - d
        if np.any(surplus <= 0):
            return 1e6 - 1e3 * float(np.minimum(surplus, 0).sum())
        return -float(np.log(surplus).sum())

    rng = replication_generator(seed)
    weights = state.capability[idx][:, None] * sal
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
