"""Stokman's exchange model: equal-gain exchanges of voting positions across issue pairs (logrolling).

References: F. N. Stokman & R. Van Oosten (1994), "The exchange of voting positions: an object-oriented model of
policy networks", in Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP;
F. N. Stokman & J. M. M. Van den Bos (1992); R. Arregui, F. N. Stokman & R. Thomson (2006), "Compromise, exchange
and challenge in the European Union", in *The European Union Decides*, Cambridge UP.

The expected outcome of issue j is the compromise O_j = sum_i c_i s_ij x_ij / W_j, W_j = sum_i c_i s_ij, and an
actor's loss is the salience-weighted distance sum_j s_ij |O_j - x_ij|. An actor i that moves its position on
issue j by d shifts O_j by a_ij d with a_ij = c_i s_ij / W_j.

For actors i, l and issues j, k, i yields on j (moves toward l) and l yields on k (moves toward i). This helps
both when they sit on opposite sides of the expected outcome on both issues and i cares relatively more about k,
l relatively more about j: s_ik s_lj > s_ij s_lk. Their gains are

    G_i = s_ik a_lk d_l - s_ij a_ij d_i,     G_l = s_lj a_ij d_i - s_lk a_lk d_l.

The *equal-gain* split sets G_i = G_l, so d_l = d_i a_ij (s_ij + s_lj) / (a_lk (s_ik + s_lk)), giving both

    G = d_i a_ij (s_ik s_lj - s_ij s_lk) / (s_ik + s_lk).

Shifts are as large as allowed without passing the partner's position (``limit="partner"``) or the expected
outcome (``limit="outcome"``, the more conservative reading), and never so far that an expected outcome passes the
partner's position (beyond it the gains would no longer be linear). Each round the feasible exchanges are carried out
in order of decreasing gain, each actor-issue position taking part in at most one exchange per round; rounds
repeat until no exchange is left or the model stops. The forecast is the capability x salience weighted mean of
the final positions. With a single issue no exchange exists and the model equals the compromise model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.state import NegotiationState
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.compromise import weighted_mean

if TYPE_CHECKING:
    from sim.policies.base import Policy


class ExchangeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: Literal["partner", "outcome"] = Field(
        "outcome", description="an actor's shift may reach its partner's position or only the expected outcome")
    min_gain: float = Field(1e-6, ge=0, description="smallest gain worth an exchange")
    max_exchanges: int = Field(1000, ge=0, description="cap on exchanges per round")


def expected_outcome(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Stokman's expected outcome: the compromise model's weighted mean per issue."""
    return weighted_mean(position, weight)


def candidate_exchanges(position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                        limit: str = "outcome", min_gain: float = 1e-6) -> list[tuple[float, int, int, int, int,
                                                                                         float, float]]:
    """All feasible equal-gain exchanges (gain, i, l, j, k, d_i, d_l): i yields d_i on j, l yields d_l on k."""
    n, m = position.shape
    weight = capability[:, None] * salience
    total = weight.sum(axis=0)
    a = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)  # a[i, j]
    out = expected_outcome(position, weight)
    side = np.sign(position - out[None, :])  # -1 below, +1 above the expected outcome
    found = []
    for j in range(m):
        for k in range(m):
            if j == k:
                continue
            # i yields on j, l yields on k; need opposite sides on both issues
            opposite = (side[:, None, j] * side[None, :, j] < 0) & (side[:, None, k] * side[None, :, k] < 0)
            num = salience[:, None, k] * salience[None, :, j] - salience[:, None, j] * salience[None, :, k]
            ok = opposite & (num > 0) & np.triu(np.ones((n, n), dtype=bool), 1)  # (o, i, k, j) is the same trade
            for i, o in zip(*np.nonzero(ok), strict=True):
                a_ij, a_lk = a[i, j], a[o, k]
                if a_ij <= 0 or a_lk <= 0:
                    continue
                if limit == "partner":
                    room_i = abs(position[o, j] - position[i, j])
                    room_l = abs(position[i, k] - position[o, k])
                else:
                    room_i = abs(out[j] - position[i, j])
                    room_l = abs(out[k] - position[o, k])
                # neither expected outcome may pass the partner's position (gains stay linear)
                room_i = min(room_i, abs(out[j] - position[o, j]) / a_ij)
                room_l = min(room_l, abs(out[k] - position[i, k]) / a_lk)
                ratio = a_ij * (salience[i, j] + salience[o, j]) / (a_lk * (salience[i, k] + salience[o, k]))
                d_i = min(room_i, room_l / ratio) if ratio > 0 else 0.0
                gain = d_i * a_ij * num[i, o] / (salience[i, k] + salience[o, k])
                if gain > min_gain and d_i > 0:
                    found.append((float(gain), int(i), int(o), j, k, float(d_i), float(d_i * ratio)))
    found.sort(key=lambda e: (-e[0], e[1], e[2], e[3], e[4]))
    return found


class ExchangeModel(Mechanism):
    """Equal-gain exchange of positions across issue pairs, then the compromise of the new positions."""

    name = "exchange"
    title = "Exchange (logrolling) model (Stokman & Van Oosten)"
    reference = "Stokman & Van Oosten 1994, in European Community Decision Making (Yale UP)"
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = ExchangeParams

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self.log: list[tuple[int, str, str, str, str, float]] = []

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        p = self.params
        cands = candidate_exchanges(state.position, state.salience, state.capability, p.limit, p.min_gain)
        used: set[tuple[int, int]] = set()
        done = []
        pos = state.position
        for gain, i, o, j, k, d_i, d_l in cands:
            if len(done) >= p.max_exchanges:
                break
            if {(i, j), (i, k), (o, j), (o, k)} & used:
                continue
            pos[i, j] += np.sign(pos[o, j] - pos[i, j]) * d_i
            pos[o, k] += np.sign(pos[i, k] - pos[o, k]) * d_l
            used |= {(i, j), (i, k), (o, j), (o, k)}
            ids, iss = state.actor_ids, state.issue_ids
            done.append((ids[i], ids[o], iss[j], iss[k], gain))
            if hasattr(self, "log"):
                self.log.append((state.round, ids[i], ids[o], iss[j], iss[k], gain))
        state.clip()
        return RoundResult(offer=self.forecast(state), info={"exchanges": done})

    def forecast(self, state: NegotiationState) -> np.ndarray:
        return expected_outcome(state.position, state.capability[:, None] * state.salience)

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)
