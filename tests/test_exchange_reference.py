"""The vectorised exchange model against a slow reference: the direct double loop over issue pairs.

``ReferenceExchange`` is the implementation the project used before the vectorised one (sim/mechanisms/exchange.py
as of commit 34e20fb): candidates built per ordered issue pair in Python, all of them sorted, then taken greedily.
The fast implementation must produce the same candidate list, the same exchanges in the same order and the same
positions on random N x M states. ``benchmarks/bench_mechanisms.py`` times the two.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.state import NegotiationState
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.compromise import weighted_mean
from sim.mechanisms.exchange import ExchangeModel, ExchangeParams, candidate_exchanges
from tests.mechanism_strategies import states

Candidate = tuple[float, int, int, int, int, float, float]


def reference_candidates(position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                         limit: str = "outcome", min_gain: float = 1e-6) -> list[Candidate]:
    """All feasible equal-gain exchanges (gain, i, l, j, k, d_i, d_l), built pair of issues by pair of issues."""
    n, m = position.shape
    weight = capability[:, None] * salience
    total = weight.sum(axis=0)
    a = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    out = weighted_mean(position, weight)
    side = np.sign(position - out[None, :])
    found = []
    for j in range(m):
        for k in range(m):
            if j == k:
                continue
            opposite = (side[:, None, j] * side[None, :, j] < 0) & (side[:, None, k] * side[None, :, k] < 0)
            num = salience[:, None, k] * salience[None, :, j] - salience[:, None, j] * salience[None, :, k]
            ok = opposite & (num > 0) & np.triu(np.ones((n, n), dtype=bool), 1)
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
                room_i = min(room_i, abs(out[j] - position[o, j]) / a_ij)
                room_l = min(room_l, abs(out[k] - position[i, k]) / a_lk)
                ratio = a_ij * (salience[i, j] + salience[o, j]) / (a_lk * (salience[i, k] + salience[o, k]))
                d_i = min(room_i, room_l / ratio) if ratio > 0 else 0.0
                gain = d_i * a_ij * num[i, o] / (salience[i, k] + salience[o, k])
                if gain > min_gain and d_i > 0:
                    found.append((float(gain), int(i), int(o), j, k, float(d_i), float(d_i * ratio)))
    found.sort(key=lambda e: (-e[0], e[1], e[2], e[3], e[4]))
    return found


class ReferenceExchange(Mechanism):
    """The pre-vectorisation exchange round: sort every candidate, take them greedily."""

    name = "exchange_reference"
    title = "Exchange model, direct double loop (reference)"
    reference = "tests/test_exchange_reference.py"
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = ExchangeParams

    def step(self, state: NegotiationState, rng: np.random.Generator, policies: Sequence) -> RoundResult:
        p = self.params
        cands = reference_candidates(state.position, state.salience, state.capability, p.limit, p.min_gain)
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
            done.append((state.actor_ids[i], state.actor_ids[o], state.issue_ids[j], state.issue_ids[k], gain))
        state.clip()
        return RoundResult(offer=self.forecast(state), info={"exchanges": done})

    def forecast(self, state: NegotiationState) -> np.ndarray:
        return weighted_mean(state.position, state.capability[:, None] * state.salience)

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)


PARAMS = [{}, {"limit": "partner"}, {"max_exchanges": 2}, {"min_gain": 0.0}, {"limit": "partner", "min_gain": 0.5}]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(max_actors=10, max_issues=4), st.sampled_from(PARAMS))
def test_candidates_equal_the_reference(state, params):
    p = ExchangeParams(**params)
    fast = candidate_exchanges(state.position, state.salience, state.capability, p.limit, p.min_gain)
    slow = reference_candidates(state.position, state.salience, state.capability, p.limit, p.min_gain)
    assert fast == slow  # same floats, same order: the arithmetic is the reference's, element by element


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(max_actors=10, max_issues=4), st.sampled_from(PARAMS))
def test_rounds_equal_the_reference(state, params):
    """Same exchanges in the same order, same positions after every round, same forecast (to 1e-9)."""
    twin = copy.deepcopy(state)
    fast, slow = ExchangeModel(**params), ReferenceExchange(**params)
    rng = np.random.default_rng(0)
    fast.start(state, rng)
    slow.start(twin, rng)
    for r in range(1, state.n_rounds + 1):
        state.round = twin.round = r
        a, b = fast.step(state, rng, []), slow.step(twin, rng, [])
        assert a.info["exchanges"] == b.info["exchanges"]
        np.testing.assert_allclose(state.position, twin.position, rtol=0, atol=1e-9)
        np.testing.assert_allclose(a.offer, b.offer, rtol=0, atol=1e-9)
