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

The arithmetic is vectorised over issues in :mod:`sim.mechanisms.ktab_math` (contest strengths from sorted
prefix sums, not an N x N x N tensor); each round computes the outcome distribution once and uses it for both
the forecast and the reported distribution (``info["distribution"]``, built when first read); the final forecast
reuses the last one when the positions are those it was computed at.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.heap import retain_freed_memory
from sim.core.state import NegotiationState
from sim.mechanisms import ktab_math as km
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.lazy_info import LazyTable

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


def contest_probabilities(x: np.ndarray, w: np.ndarray, gamma: float = 1.0, rho: float = 1.0) -> np.ndarray:
    """P[a, b]: probability that position a beats position b in a weighted pairwise contest (one issue)."""
    return km.contest_probabilities(np.asarray(x, float)[None], np.asarray(w, float)[None], gamma, rho)[0]


def condorcet_distribution(prob: np.ndarray, iterations: int = 200, tol: float = 1e-12) -> np.ndarray:
    """Stationary distribution of the Markov probabilistic Condorcet election (one issue).

    From the current option a the process moves to a challenger b (drawn uniformly) with the probability that
    b beats a, P[b, a], and stays otherwise; pi is the chain's stationary distribution (power iteration from
    uniform, ``iterations`` steps at most). With two options pi_a / pi_b = P_ab / P_ba.
    """
    return km.condorcet_distributions(np.asarray(prob, float)[None], iterations, tol)[0]


class KTABIssue:
    """One issue's KTAB-style arithmetic (a one-issue view of :mod:`sim.mechanisms.ktab_math`)."""

    def __init__(self, params: KTABParams, x: np.ndarray, c: np.ndarray, s: np.ndarray) -> None:
        self.p, self.x, self.s = params, x.astype(float), s.astype(float)
        self.w = c.astype(float) * self.s

    def distribution(self) -> np.ndarray:
        prob = contest_probabilities(self.x, self.w, self.p.gamma, self.p.risk_power)
        return condorcet_distribution(prob, self.p.markov_iterations)

    def forecast(self) -> float:
        return float(km.forecasts(self.x[None], self.distribution()[None], self.p.forecast == "mode")[0])

    def bargain_round(self) -> np.ndarray:
        """New positions after one round of interpolated bargains."""
        x = self.x[None]
        u = km.utility(x, self.p.risk_power)
        prob = km.contest_probabilities(x, self.w[None], self.p.gamma, self.p.risk_power)
        return km.bargain_round(x, self.s[None], prob, u, self.p.risk_power)[0]


class KTABSpatial(Mechanism):
    """KTAB-style probabilistic spatial model, issue by issue."""

    name = "ktab"
    title = "Probabilistic Condorcet spatial model, per issue (KTAB-inspired; not KTAB, see ktab_smp)"
    reference = "Wise, Lester, Efird et al. 2015-2016, KAPSARC KTAB discussion papers (SMP)"
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = KTABParams

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self.converged_round: int | None = None
        self._last: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        retain_freed_memory()  # its per-round (M, N, N) temporaries otherwise page-fault (sim.core.heap)

    def _arrays(self, state: NegotiationState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions, saliences and vote weights c_k s_k, issues first: (M, N) each."""
        x, s = state.position.T.astype(float), state.salience.T.astype(float)
        return x, s, state.capability.astype(float)[None, :] * s

    def _distributions(self, x: np.ndarray, w: np.ndarray) -> np.ndarray:
        """pi (M, N) at positions ``x`` and weights ``w``; the last one is kept, since the final forecast asks
        again for the positions the last round ended at."""
        last = getattr(self, "_last", None)
        if last is not None and np.array_equal(last[0], x) and np.array_equal(last[1], w):
            return last[2]
        p = self.params
        prob = km.contest_probabilities(x, w, p.gamma, p.risk_power)
        pi = km.condorcet_distributions(prob, p.markov_iterations)
        pi.flags.writeable = False
        self._last = (x.copy(), w.copy(), pi)
        return pi

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        if self.converged_round is not None:
            return RoundResult(offer=self.forecast(state), info={"converged": self.converged_round})
        p = self.params
        x, s, w = self._arrays(state)
        u = km.utility(x, p.risk_power)
        new = km.bargain_round(x, s, km.contest_probabilities(x, w, p.gamma, p.risk_power, u), u, p.risk_power)
        moved = float(np.abs(new - x).max(initial=0.0))
        state.position[:] = new.T
        state.clip()
        if moved <= p.tol:
            self.converged_round = state.round
        x, _, w = self._arrays(state)
        pi = self._distributions(x, w)
        ids = state.issue_ids
        return RoundResult(offer=km.forecasts(x, pi, p.forecast == "mode"),
                           info={"converged": self.converged_round, "max_move": moved,
                                 "distribution": LazyTable(ids, lambda: self._pooled(ids, x, pi))})

    @staticmethod
    def _pooled(issue_ids: Sequence[str], x: np.ndarray, pi: np.ndarray) -> dict[str, dict[float, float]]:
        """Per issue: position -> probability, equal positions (to 6 decimals) pooled in actor order."""
        out: dict[str, dict[float, float]] = {}
        for issue_id, values, probs in zip(issue_ids, np.round(x, 6).tolist(), (pi + 0.0).tolist(),
                                           strict=True):
            pooled = dict(zip(values, probs, strict=True))  # 0.0 + p == p: no equal positions, nothing to add
            if len(pooled) < len(values):
                pooled = {}
                for value, prob in zip(values, probs, strict=True):
                    pooled[value] = pooled.get(value, 0.0) + prob
            out[issue_id] = pooled
        return out

    def distributions(self, state: NegotiationState) -> dict[str, dict[float, float]]:
        """Outcome distribution per issue: position -> probability (equal positions pooled)."""
        x, _, w = self._arrays(state)
        return self._pooled(state.issue_ids, x, self._distributions(x, w))

    def forecast(self, state: NegotiationState) -> np.ndarray:
        x, _, w = self._arrays(state)
        return km.forecasts(x, self._distributions(x, w), self.params.forecast == "mode")

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)
