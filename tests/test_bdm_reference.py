"""The vectorised challenge model against a slow reference: the direct N x N x N vote-tensor implementation.

``ReferenceBDM`` is the per-issue implementation the project used before the vectorised one (sim/mechanisms/bdm.py
as of commit 34e20fb), kept here verbatim in its arithmetic: it builds every voter's vote for every pair of
positions and sums the tensor. The fast implementation must give the same positions and forecasts, round after
round, on random N x M states (to 1e-9), for every reading. ``benchmarks/bench_mechanisms.py`` times the two.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.state import NegotiationState
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.bdm import BDMChallenge, BDMParams
from sim.mechanisms.compromise import weighted_mean
from tests.mechanism_strategies import play, states

CONFLICT, COMPROMISE, CAPITULATION, STATUS_QUO = 1, 2, 3, 0


def reference_votes(x: np.ndarray, w: np.ndarray, scale: float, r: np.ndarray | None = None) -> np.ndarray:
    """V[l, j, k]: weighted vote of voter l for position x_j over x_k (the full tensor)."""
    d = np.abs(x[:, None] - x[None, :]) / scale
    if r is not None:
        d = d ** r[:, None]
    return w[:, None, None] * (d[:, None, :] - d[:, :, None])


def reference_median(x: np.ndarray, w: np.ndarray, scale: float = 1.0) -> float:
    totals = reference_votes(x, w, scale).sum(axis=0)
    np.fill_diagonal(totals, 0.0)
    wins = (totals > 1e-12) | np.isclose(x[:, None], x[None, :])
    unbeaten = np.flatnonzero(wins.all(axis=1))
    if unbeaten.size:
        return float(x[unbeaten[0]])
    return float(x[int(np.argmax(totals.sum(axis=1)))])


def _u(base: np.ndarray, r: np.ndarray) -> np.ndarray:
    return 2.0 - 4.0 * np.clip(base, 0.0, None) ** r


class ReferenceIssue:
    """One issue of the challenge model, the direct way (O(N^3) per tensor, four tensors per round)."""

    def __init__(self, p: BDMParams, x: np.ndarray, c: np.ndarray, s: np.ndarray, initial_range: float) -> None:
        self.p, self.x, self.s = p, x.astype(float), s.astype(float)
        self.w = c.astype(float) * self.s
        self.initial_range = initial_range

    def scale(self) -> float:
        if self.p.distance == "scale":
            return 100.0
        if self.p.distance == "initial_range":
            return float(self.initial_range) or 1.0
        return float(np.ptp(self.x)) or 1.0

    def probabilities(self, r: np.ndarray) -> np.ndarray:
        v = reference_votes(self.x, self.w, self.scale(), r if self.p.vote_risk else None)
        pos = np.clip(v, 0.0, None).sum(axis=0)
        denom = np.full_like(pos, np.abs(v).sum()) if self.p.probability == "global" else np.abs(v).sum(axis=0)
        out = np.divide(pos, denom, out=np.zeros_like(pos), where=denom > 0)
        np.fill_diagonal(out, 0.0)
        return out

    def expected_utility(self, prob: np.ndarray, r_view: np.ndarray, mu: float) -> np.ndarray:
        scale = self.scale()
        d = np.abs(self.x[:, None] - self.x[None, :]) / scale
        toward = (np.abs(self.x - mu)[:, None] + np.abs(self.x[:, None] - self.x[None, :])) / scale
        us, uf = _u(0.5 - 0.5 * d, r_view), _u(0.5 + 0.5 * d, r_view)
        ub, uw = _u(0.5 - 0.25 * toward, r_view), _u(0.5 + 0.25 * toward, r_view)
        usq = _u(np.full_like(d, 0.5), r_view)
        st_ = self.s[None, :]
        eu = st_ * (prob * us + (1 - prob) * uf) + (1 - st_) * us
        eu = eu - self.p.q * usq - (1 - self.p.q) * (self.p.t * ub + (1 - self.p.t) * uw)
        np.fill_diagonal(eu, 0.0)
        return eu

    def endogenous_risk(self, mu: float) -> np.ndarray:
        ones = np.ones(self.x.size)
        security = self.expected_utility(self.probabilities(ones), np.ones((self.x.size,) * 2), mu).sum(axis=0)
        lo, hi = security.min(), security.max()
        if hi - lo <= 1e-12:
            return ones
        big_r = (2 * security - hi - lo) / (hi - lo)
        return (1 - big_r / 3) / (1 + big_r / 3)

    def round(self, r_fixed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, float]:
        n = self.x.size
        mu = reference_median(self.x, self.w)
        if np.ptp(self.x) <= 1e-12:
            return self.x.copy(), np.zeros((n, n), dtype=int), mu
        r = self.endogenous_risk(mu) if r_fixed is None else r_fixed
        prob = self.probabilities(r)
        view = np.repeat(r[:, None], n, axis=1)
        a = self.expected_utility(prob, view, mu)
        b = self.expected_utility(prob, view.T, mu).T
        kind = np.full((n, n), STATUS_QUO)
        kind[(a > 0) & (b > 0) & (b > a)] = CONFLICT
        yields = (a < 0) & (b > 0)
        kind[yields & (np.abs(a) < b)] = COMPROMISE
        kind[yields & (np.abs(a) >= b)] = CAPITULATION
        np.fill_diagonal(kind, STATUS_QUO)
        kind[np.isclose(self.x[:, None], self.x[None, :])] = STATUS_QUO
        frac = np.where(kind == COMPROMISE, np.abs(a) / np.where(b > 0, b, 1.0), 1.0)
        target = self.x[:, None] + frac * (self.x[None, :] - self.x[:, None])
        new = self.x.copy()
        for i in range(n):
            offers = np.flatnonzero(kind[i] != STATUS_QUO)
            if offers.size:
                new[i] = target[i, self.choose(i, offers, kind, a, b, target)]
        return new, kind, mu

    def choose(self, i: int, offers: np.ndarray, kind: np.ndarray, a: np.ndarray, b: np.ndarray,
               target: np.ndarray) -> int:
        move = np.abs(target[i, offers] - self.x[i])
        if self.p.choice == "smallest_move":
            return int(offers[np.argmin(move)])
        best_kind = kind[i, offers].min()
        sub = offers[kind[i, offers] == best_kind]
        move = np.abs(target[i, sub] - self.x[i])
        if self.p.choice == "scholz_code" and best_kind == COMPROMISE:
            ai, bj = np.abs(a[i, sub]), np.abs(b[i, sub])
            return int(sub[np.argmin((ai * self.x[i] + bj * self.x[sub]) / (ai + bj))])
        return int(sub[np.argmin(move)])


class ReferenceBDM(Mechanism):
    """The pre-vectorisation mechanism: one BDM round per model round (``rounds`` caps them), issue by issue."""

    name = "bdm_reference"
    title = "Challenge model, direct vote tensors (reference)"
    reference = "tests/test_bdm_reference.py"
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = BDMParams

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self._played = 0
        self._initial_range = np.ptp(state.position, axis=0)

    def step(self, state: NegotiationState, rng: np.random.Generator, policies: Sequence) -> RoundResult:
        if self.params.rounds is not None and self._played >= self.params.rounds:
            return RoundResult(info={"bdm_round": self._played, "frozen": True})
        risk = self.params.risk
        r_fixed = None if risk == "endogenous" else (
            np.ones(state.n_actors) if risk == "neutral" else 2.0 ** np.clip(state.risk, -1.0, 1.0))
        medians = {}
        for j in range(state.n_issues):
            issue = ReferenceIssue(self.params, state.position[:, j], state.capability, state.salience[:, j],
                                   float(self._initial_range[j]))
            new, _, mu = issue.round(r_fixed)
            state.position[:, j] = new
            medians[state.issue_ids[j]] = (mu, reference_median(new, issue.w))
        state.clip()
        self._played += 1
        return RoundResult(offer=self.forecast(state), info={"medians": medians})

    def forecast(self, state: NegotiationState) -> np.ndarray:
        weight = state.capability[:, None] * state.salience
        if self.params.forecast == "mean":
            return weighted_mean(state.position, weight)
        return np.array([reference_median(state.position[:, j], weight[:, j]) for j in range(state.n_issues)])

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)


READINGS = [{}, {"choice": "type_priority"}, {"choice": "scholz_code"}, {"probability": "pairwise"},
            {"risk": "scenario"}, {"risk": "neutral", "vote_risk": False}, {"distance": "scale"},
            {"distance": "initial_range", "choice": "scholz_code"}, {"forecast": "median"},
            {"q": 0.6, "t": 0.3}, {"q": 0.0, "probability": "pairwise", "choice": "type_priority"}]


def trajectories(mech: Mechanism, state: NegotiationState) -> tuple[list[np.ndarray], list[np.ndarray]]:
    rng = np.random.default_rng(0)
    mech.start(state, rng)
    positions, offers = [], []
    for r in range(1, state.n_rounds + 1):
        state.round = r
        result = mech.step(state, rng, [])
        positions.append(state.position.copy())
        offers.append(np.asarray(result.offer))
    return positions, offers


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(max_actors=9, max_issues=3), st.sampled_from(READINGS))
def test_vectorised_rounds_equal_the_reference(state, params):
    """Same positions after every round and the same forecast, for every reading, to 1e-9."""
    state.risk[:] = np.linspace(-1, 1, state.n_actors)  # so risk: scenario differs from neutral
    twin = copy.deepcopy(state)
    fast_pos, fast_offer = trajectories(BDMChallenge(stop="fixed", **params), state)
    slow_pos, slow_offer = trajectories(ReferenceBDM(stop="fixed", **params), twin)
    for fast, slow in zip(fast_pos + fast_offer, slow_pos + slow_offer, strict=True):
        np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(states(max_actors=8, max_issues=3))
def test_reported_medians_equal_the_reference(state):
    twin = copy.deepcopy(state)
    rng = np.random.default_rng(0)
    fast, slow = BDMChallenge(stop="fixed"), ReferenceBDM(stop="fixed")
    fast.start(state, rng)
    slow.start(twin, rng)
    for r in range(1, state.n_rounds + 1):
        state.round = twin.round = r
        info, ref = fast.step(state, rng, []).info["bdm"], slow.step(twin, rng, []).info["medians"]
        for issue_id, (before, after) in ref.items():
            assert abs(info[issue_id]["median_before"] - before) <= 1e-9
            assert abs(info[issue_id]["median"] - after) <= 1e-9


def test_fixed_round_cap_matches_the_reference():
    rng = np.random.default_rng(7)
    from sim.validation.states import state_from_arrays

    pos, cap, sal = rng.uniform(0, 100, (12, 4)), rng.uniform(0.1, 3, 12), rng.uniform(0.05, 1, (12, 4))
    fast = play(BDMChallenge(stop="fixed", rounds=3), state_from_arrays(pos, cap, sal, n_rounds=8))
    slow = play(ReferenceBDM(stop="fixed", rounds=3), state_from_arrays(pos, cap, sal, n_rounds=8))
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-9)
