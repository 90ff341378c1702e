"""KTAB-inspired spatial model, issue by issue: probabilistic Condorcet election and interpolated bargains.

This is *not* KTAB: it does not reproduce KTAB's reference runs (see :mod:`sim.mechanisms.ktab_smp` for the
faithful reproduction, which plays all issues jointly). It is kept as a simpler per-issue variant.

After the KAPSARC Toolkit for Behavioral Analysis (KTAB) "Spatial Model of Politics": B. Wise, L. Lester,
B. Efird et al. (2015-2016), *KTAB: the KAPSARC Toolkit for Behavioral Analysis* and *An introduction to the
spatial model of politics (SMP)*, KAPSARC discussion papers; github.com/KAPSARC/KTAB. This module re-derives
the model's ideas in a compact, vectorised form; it is not a port of KTAB's C++ code.

Per issue, with positions x_i (0-100), capabilities c_i, saliences s_i and utilities u_k(x) = 1 - |x - x_k|/100
(raised to ``risk_power`` ``rho``: u^rho, < 1 risk-seeking, > 1 risk-averse):

* coalition strength for option a over b: S_ab = sum_k c_k s_k max(0, u_k(x_a) - u_k(x_b));
* contest probability ("proportional" vote model with exponent ``gamma``):
  P_ab = S_ab^gamma / (S_ab^gamma + S_ba^gamma) (1/2 when nobody cares);
* probabilistic Condorcet election (Markov form): from the current option a, a challenger b drawn uniformly
  replaces it with probability P_ba; the outcome distribution pi over the actors' positions is the stationary
  distribution of that chain (with two options pi_a / pi_b = P_ab / P_ba); the forecast is
  E[x] = sum_a pi_a x_a (``forecast="expected"``) or the most probable position (``"mode"``);
* interpolated bargain between i and j: x_ij = theta x_i + (1 - theta) x_j with
  theta = P_ij s_i / (P_ij s_i + P_ji s_j) (the stronger and more engaged side keeps more);
* j accepts if the bargain is at least as good for it as the expected contest:
  u_j(x_ij) >= P_ji u_j(x_j) + P_ij u_j(x_i); each actor adopts the accepted bargain it likes best (ties: the
  proposer with the larger expected gain), all moves simultaneous;
* convergence stop: when no position moves by more than ``tol`` the state freezes (``info["converged"]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.state import NegotiationState
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult

if TYPE_CHECKING:
    from sim.policies.base import Policy


class KTABParams(BaseModel):
    """Options of the KTAB-style model."""

    model_config = ConfigDict(extra="forbid")
    gamma: float = Field(1.0, gt=0, le=10, description="exponent of the proportional contest model")
    risk_power: float = Field(1.0, gt=0, le=4, description="utility curvature u**rho (1 = risk neutral)")
    tol: float = Field(0.01, ge=0, description="largest position change (points) that counts as converged")
    markov_iterations: int = Field(2000, ge=1, le=100_000)
    forecast: Literal["expected", "mode"] = "expected"


def _utility(x: np.ndarray, ideal: np.ndarray, rho: float) -> np.ndarray:
    """U[k, a]: utility of actor k (ideal ``ideal[k]``) for option ``x[a]``."""
    return (1.0 - np.abs(x[None, :] - ideal[:, None]) / 100.0) ** rho


def contest_probabilities(x: np.ndarray, w: np.ndarray, gamma: float = 1.0, rho: float = 1.0) -> np.ndarray:
    """P[a, b]: probability that position a beats position b in a weighted pairwise contest."""
    u = _utility(x, x, rho)
    diff = u[:, :, None] - u[:, None, :]  # (k, a, b)
    strength = np.einsum("k,kab->ab", w, np.clip(diff, 0.0, None)) ** gamma
    total = strength + strength.T
    return np.divide(strength, total, out=np.full_like(strength, 0.5), where=total > 0)


def condorcet_distribution(prob: np.ndarray, iterations: int = 200, tol: float = 1e-12) -> np.ndarray:
    """Stationary distribution of the Markov probabilistic Condorcet election.

    From the current option a the process moves to a challenger b (drawn uniformly) with the probability that
    b beats a, P[b, a], and stays otherwise; pi is the chain's stationary distribution (power iteration from
    uniform, ``iterations`` steps at most). With two options pi_a / pi_b = P_ab / P_ba.
    """
    n = prob.shape[0]
    if n == 1:
        return np.ones(1)
    move = prob.copy()
    np.fill_diagonal(move, 0.0)
    move /= n - 1  # move[b, a]: go from a to b
    stay = 1.0 - move.sum(axis=0)
    pi = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = move @ pi + stay * pi
        new /= new.sum()
        if np.abs(new - pi).max() < tol:
            return new
        pi = new
    return pi


class KTABIssue:
    """One issue's KTAB-style arithmetic."""

    def __init__(self, params: KTABParams, x: np.ndarray, c: np.ndarray, s: np.ndarray) -> None:
        self.p, self.x, self.s = params, x.astype(float), s.astype(float)
        self.w = c.astype(float) * self.s

    def distribution(self) -> np.ndarray:
        prob = contest_probabilities(self.x, self.w, self.p.gamma, self.p.risk_power)
        return condorcet_distribution(prob, self.p.markov_iterations)

    def forecast(self) -> float:
        pi = self.distribution()
        if self.p.forecast == "mode":
            return float(self.x[int(np.argmax(pi))])
        return float(np.dot(pi, self.x))

    def bargain_round(self) -> np.ndarray:
        """New positions after one round of interpolated bargains."""
        x, s, rho = self.x, self.s, self.p.risk_power
        prob = contest_probabilities(x, self.w, self.p.gamma, rho)
        weight_i = prob * s[:, None]  # [i, j]: proposer i's claim against j
        denom = weight_i + weight_i.T
        theta = np.divide(weight_i, denom, out=np.full_like(denom, 0.5), where=denom > 0)
        bargain = theta * x[:, None] + (1 - theta) * x[None, :]  # [i, j] proposed by i to j
        u = _utility(x, x, rho)  # u[k, a]
        n = x.size
        target_u = (1.0 - np.abs(bargain - x[None, :]) / 100.0) ** rho  # u_j(x_ij) at [i, j]
        contest_u = prob.T * np.diag(u)[None, :] + prob * u.T  # P_ji u_j(x_j) + P_ij u_j(x_i), at [i, j]
        accept = (target_u >= contest_u - 1e-12) & ~np.eye(n, dtype=bool)
        accept &= ~np.isclose(x[:, None], x[None, :])
        proposer_gain = (1.0 - np.abs(bargain - x[:, None]) / 100.0) ** rho - prob * np.diag(u)[:, None]
        new = x.copy()
        for j in range(n):
            offers = np.flatnonzero(accept[:, j])
            if offers.size:
                key = target_u[offers, j] + 1e-9 * proposer_gain[offers, j]
                new[j] = bargain[offers[int(np.argmax(key))], j]
        return new


class KTABSpatial(Mechanism):
    """KTAB-style probabilistic spatial model, issue by issue."""

    name = "ktab"
    title = "Probabilistic Condorcet spatial model, per issue (KTAB-inspired; not KTAB, see ktab_smp)"
    reference = "Wise, Lester, Efird et al. 2015-2016, KAPSARC KTAB discussion papers (SMP)"
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = KTABParams

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self.converged_round: int | None = None

    def _issue(self, state: NegotiationState, j: int) -> KTABIssue:
        return KTABIssue(self.params, state.position[:, j], state.capability, state.salience[:, j])

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        if self.converged_round is not None:
            return RoundResult(offer=self.forecast(state), info={"converged": self.converged_round})
        moved = 0.0
        for j in range(state.n_issues):
            new = self._issue(state, j).bargain_round()
            moved = max(moved, float(np.abs(new - state.position[:, j]).max(initial=0.0)))
            state.position[:, j] = new
        state.clip()
        if moved <= self.params.tol:
            self.converged_round = state.round
        return RoundResult(offer=self.forecast(state),
                           info={"converged": self.converged_round, "max_move": moved,
                                 "distribution": self.distributions(state)})

    def distributions(self, state: NegotiationState) -> dict[str, dict[float, float]]:
        """Outcome distribution per issue: position -> probability (equal positions pooled)."""
        out: dict[str, dict[float, float]] = {}
        for j, issue_id in enumerate(state.issue_ids):
            pi = self._issue(state, j).distribution()
            pooled: dict[float, float] = {}
            for value, p in zip(np.round(state.position[:, j], 6), pi, strict=True):
                pooled[float(value)] = pooled.get(float(value), 0.0) + float(p)
            out[issue_id] = pooled
        return out

    def forecast(self, state: NegotiationState) -> np.ndarray:
        return np.array([self._issue(state, j).forecast() for j in range(state.n_issues)])

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)
