"""The vectorised KTAB-style model against a slow reference: the one-issue N x N x N tensor implementation.

``ReferenceKTAB`` is the issue-by-issue implementation the project used before vectorisation
(sim/mechanisms/ktab.py as of commit 935f8e0), kept here verbatim in its arithmetic: every voter's utility
difference for every pair of positions is summed as a tensor, and the outcome distribution is computed once for
the forecast and again for the reported distribution. The fast implementation must give the same positions,
forecasts and distributions, round after round, on random N x M states, for every reading.
``benchmarks/bench_mechanisms.py`` times the two.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.state import NegotiationState
from sim.mechanisms import ktab_math as km
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.ktab import KTABParams, KTABSpatial
from tests.mechanism_strategies import states

READINGS = [{}, {"gamma": 2.0}, {"risk_power": 0.5}, {"risk_power": 2.5}, {"forecast": "mode"},
            {"gamma": 0.7, "risk_power": 1.5}, {"markov_iterations": 5}]


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


class ReferenceIssue:
    """One issue's arithmetic, as before vectorisation."""

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


class ReferenceKTAB(Mechanism):
    """KTAB-style probabilistic spatial model, issue by issue."""

    name = "ktab_reference"
    title = "Probabilistic Condorcet spatial model, per issue (KTAB-inspired; not KTAB, see ktab_smp)"
    reference = "Wise, Lester, Efird et al. 2015-2016, KAPSARC KTAB discussion papers (SMP)"
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = KTABParams

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self.converged_round: int | None = None

    def _issue(self, state: NegotiationState, j: int) -> ReferenceIssue:
        return ReferenceIssue(self.params, state.position[:, j], state.capability, state.salience[:, j])

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[object]) -> RoundResult:
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


def trajectories(mech: Mechanism, state: NegotiationState) -> list[tuple[np.ndarray, np.ndarray, dict]]:
    rng = np.random.default_rng(0)
    mech.start(state, rng)
    out = []
    for r in range(1, state.n_rounds + 1):
        state.round = r
        result = mech.step(state, rng, [])
        out.append((state.position.copy(), np.asarray(result.offer), result.info))
    return out


def assert_same_info(fast: dict, slow: dict) -> None:
    assert fast.keys() == slow.keys()
    assert fast["converged"] == slow["converged"]
    if "max_move" in slow:
        assert abs(fast["max_move"] - slow["max_move"]) <= 1e-9
        for issue_id, dist in slow["distribution"].items():
            assert list(fast["distribution"][issue_id]) == list(dist)
            np.testing.assert_allclose(list(fast["distribution"][issue_id].values()), list(dist.values()),
                                       rtol=0, atol=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(max_actors=9, max_issues=3), st.sampled_from(READINGS))
def test_vectorised_rounds_equal_the_reference(state, params):
    """Same positions after every round, forecasts and reported distributions, for every reading, to 1e-9."""
    twin = copy.deepcopy(state)
    fast = trajectories(KTABSpatial(**params), state)
    slow = trajectories(ReferenceKTAB(**params), twin)
    for (f_pos, f_offer, f_info), (s_pos, s_offer, s_info) in zip(fast, slow, strict=True):
        np.testing.assert_allclose(f_pos, s_pos, rtol=0, atol=1e-9)
        np.testing.assert_allclose(f_offer, s_offer, rtol=0, atol=1e-9)
        assert_same_info(f_info, s_info)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**32 - 1), st.booleans(),
       st.sampled_from([0.5, 1.0, 2.5]), st.sampled_from([0.7, 1.0, 2.0]))
def test_contest_probabilities_and_distributions_equal_the_tensor_sums(n, m, seed, grid, rho, gamma):
    rng = np.random.default_rng(seed)
    x = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], (m, n)) if grid else rng.uniform(0, 100, (m, n))
    w = rng.uniform(0.0, 5.0, (m, n))
    fast = km.contest_probabilities(x, w, gamma, rho)
    pi = km.condorcet_distributions(fast, 2000)
    for j in range(m):
        slow = contest_probabilities(x[j], w[j], gamma, rho)
        # the side sums and the tensor sum round differently; gamma < 1 magnifies that on small strengths
        # (1.6e-12 at n=6, seed=8765, rho=0.5, gamma=0.7, on main as of adc8936 too)
        np.testing.assert_allclose(fast[j], slow, rtol=0, atol=1e-11)
        np.testing.assert_allclose(pi[j], condorcet_distribution(slow, 2000), rtol=0, atol=1e-10)


def test_one_round_on_fifty_actors_equals_the_reference():
    rng = np.random.default_rng(3)
    x, c, s = rng.uniform(0, 100, (50, 4)), rng.uniform(0.1, 3, 50), rng.uniform(0.05, 1, (50, 4))
    params = KTABParams()
    for j in range(4):
        slow = ReferenceIssue(params, x[:, j], c, s[:, j])
        u = km.utility(x[:, j][None], 1.0)
        prob = km.contest_probabilities(x[:, j][None], (c * s[:, j])[None], 1.0, 1.0)
        np.testing.assert_allclose(km.bargain_round(x[:, j][None], s[:, j][None], prob, u, 1.0)[0],
                                   slow.bargain_round(), rtol=0, atol=1e-9)
