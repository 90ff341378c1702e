"""The compromise model: the capability x salience weighted mean of positions (and the weighted median).

References: Van den Bos (1991), *Dutch EC Policy Making*; Achen (2006), "Evaluating political decision-making
models", in Thomson, Stokman, Achen & Koenig-Archibugi (eds.), *The European Union Decides*, Cambridge UP;
Mokken, Payne, Stokman & Wasseur (2000). Per issue j:

    x_j = sum_i c_i s_ij p_ij / sum_i c_i s_ij

The weighted-median variant picks the position at which the cumulative weight c_i s_ij, with actors sorted by
position, first reaches half the total (the median voter with weighted votes; Black 1948).

The decision is taken at round ``decision_round`` (default 1: a one-shot forecast; a later round lets the
relation graph's influence act first). It always counts as agreed: it forecasts the collective decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.state import NegotiationState
from sim.mechanisms.base import Mechanism, RoundResult

if TYPE_CHECKING:
    from sim.policies.base import Policy


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per-issue mean of ``position`` (N, M) weighted by ``weight`` (N, M); unweighted where all weights are 0.

    A weighted mean lies within the range of the positions; the result is clipped to that range so round-off
    cannot carry it outside (e.g. 100 + 1 ulp from positions that are all 100).
    """
    peak = weight.max(axis=0)
    weight = weight / np.where(peak > 0, peak, 1.0)  # rescale so tiny weights do not underflow
    total = weight.sum(axis=0)
    plain = position.mean(axis=0)
    safe = np.where(total > 0, total, 1.0)
    mean = np.where(total > 0, (weight * position).sum(axis=0) / safe, plain)
    return np.clip(mean, position.min(axis=0), position.max(axis=0))


def weighted_median(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per-issue weighted median: smallest position whose cumulative weight reaches half the total."""
    order = np.argsort(position, axis=0, kind="stable")
    sorted_pos = np.take_along_axis(position, order, axis=0)
    sorted_w = np.take_along_axis(weight, order, axis=0)
    total = sorted_w.sum(axis=0)
    flat = total <= 0
    sorted_w = np.where(flat, 1.0, sorted_w)
    cumulative = np.cumsum(sorted_w, axis=0)
    half = cumulative[-1] / 2.0
    index = np.argmax(cumulative >= half - 1e-12, axis=0)
    return sorted_pos[index, np.arange(position.shape[1])]


def compromise(state: NegotiationState, method: str = "mean") -> np.ndarray:
    """The compromise package for the current state.

    The weights c_i s_ij are formed in log space and scaled so each issue's largest weight is 1 (the weighted
    mean and median are invariant to that), so products of tiny values cannot underflow to zero.
    """
    with np.errstate(divide="ignore"):
        log_weight = np.log(state.capability)[:, None] + np.log(state.salience)
    peak = log_weight.max(axis=0)
    weight = np.exp(log_weight - np.where(np.isfinite(peak), peak, 0.0))
    if method == "median":
        return weighted_median(state.position, weight)
    return weighted_mean(state.position, weight)


class CompromiseParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["mean", "median"] = Field("mean", description="weighted mean or weighted median")
    decision_round: int = Field(1, ge=1, description="round at which the compromise is taken")


class CompromiseModel(Mechanism):
    name = "compromise"
    title = "Compromise model (capability x salience weighted mean / median)"
    reference = "Van den Bos 1991; Achen 2006 in The European Union Decides (Cambridge UP)"
    classifier = {"stochastic": False, "iterative": False, "uses_proposals": False, "outcome": "forecast"}
    Params = CompromiseParams

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        if state.round < min(self.params.decision_round, state.n_rounds):
            return RoundResult()
        package = compromise(state, self.params.method)
        return RoundResult(offer=package, agreement=package.copy(), info={"method": self.params.method})
