"""Compromise, concession, bargaining and influence: closed forms and the invariants their theory implies."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.core.state import NegotiationState
from sim.core.utility import utilities
from sim.errors import MechanismError
from sim.mechanisms import available, create
from sim.mechanisms.bargaining import acceptance
from sim.mechanisms.compromise import compromise, weighted_mean, weighted_median
from sim.mechanisms.concession import alpha, offers
from sim.mechanisms.influence import apply_influence


def make_state(position, salience, capability, influence=None, veto=None, n_rounds=10) -> NegotiationState:
    n, m = position.shape
    return NegotiationState(
        actor_ids=tuple(f"A{i}" for i in range(n)), issue_ids=tuple(f"i{j}" for j in range(m)),
        position=position.astype(float).copy(), salience=salience.astype(float).copy(),
        capability=capability.astype(float).copy(), risk=np.zeros(n), outside_option=np.full(n, np.nan),
        reservation=np.full((n, m), 50.0), concession_beta=np.ones(n),
        veto=np.ones(n, bool) if veto is None else veto, influence=np.zeros((n, n)) if influence is None else influence,
        alignment=np.zeros((n, n)), status_quo=np.full(m, 50.0), disagreement=np.full(m, 50.0),
        is_base_issue=np.zeros(m, bool), n_rounds=n_rounds)


dims = st.tuples(st.integers(2, 8), st.integers(1, 5))


@st.composite
def states(draw):
    n, m = draw(dims)
    position = draw(arrays(float, (n, m), elements=st.floats(0, 100)))
    salience = draw(arrays(float, (n, m), elements=st.floats(0, 1)))
    capability = draw(arrays(float, (n,), elements=st.floats(0, 10)))
    influence = draw(arrays(float, (n, n), elements=st.floats(0, 1)))
    np.fill_diagonal(influence, 0)
    return make_state(position, salience, capability, influence)


@settings(max_examples=200, deadline=None)
@given(states())
def test_compromise_matches_its_closed_form(state):
    """Exact rational arithmetic for the reference, so tiny weights cannot underflow it."""
    expected = []
    for j in range(state.n_issues):
        pairs = zip(state.capability, state.salience[:, j], strict=True)
        weights = [Fraction(float(c)) * Fraction(float(s)) for c, s in pairs]
        values = [Fraction(float(p)) for p in state.position[:, j]]
        total = sum(weights)
        expected.append(float(sum(w * v for w, v in zip(weights, values, strict=True)) / total) if total > 0
                        else float(sum(values) / len(values)))
    np.testing.assert_allclose(compromise(state), expected, rtol=1e-9, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(states())
def test_compromise_and_median_lie_within_the_range_of_positions(state):
    for package in (compromise(state, "mean"), compromise(state, "median")):
        assert np.all(package >= state.position.min(axis=0) - 1e-9)
        assert np.all(package <= state.position.max(axis=0) + 1e-9)


def test_weighted_median_examples():
    pos = np.array([[0.0], [50.0], [100.0]])
    assert weighted_median(pos, np.array([[1.0], [1.0], [1.0]]))[0] == 50
    assert weighted_median(pos, np.array([[5.0], [1.0], [1.0]]))[0] == 0
    assert weighted_median(pos, np.array([[1.0], [1.0], [5.0]]))[0] == 100
    assert weighted_mean(pos, np.array([[1.0], [0.0], [1.0]]))[0] == 50


@settings(max_examples=100, deadline=None)
@given(beta=st.floats(0.05, 20), k=st.floats(0, 0.9), t1=st.floats(0, 1), t2=st.floats(0, 1))
def test_concession_is_monotone_in_time_and_bounded(beta, k, t1, t2):
    lo, hi = sorted((t1, t2))
    a_lo, a_hi = alpha(lo, np.array([beta]), k)[0], alpha(hi, np.array([beta]), k)[0]
    assert k - 1e-12 <= a_lo <= a_hi + 1e-12 <= 1 + 1e-12
    assert alpha(1.0, np.array([beta]), k)[0] == pytest.approx(1.0)


def test_boulware_concedes_later_than_conceder():
    betas = np.array([0.2, 1.0, 5.0])
    a = alpha(0.5, betas)
    assert a[0] < a[1] < a[2]
    ideal, reservation = np.array([[100.0]] * 3), np.array([[0.0]] * 3)
    assert offers(ideal, reservation, 0.5, betas)[:, 0].tolist() == pytest.approx(list(100 - 100 * a))


@settings(max_examples=100, deadline=None)
@given(states(), st.floats(0, 1))
def test_influence_moves_each_position_toward_the_others_and_stays_in_range(state, rate):
    before = state.position.copy()
    apply_influence(state, rate)
    assert np.all(state.position >= before.min(axis=0) - 1e-9)
    assert np.all(state.position <= before.max(axis=0) + 1e-9)


def test_influence_grows_with_the_rate_and_the_tie():
    position = np.array([[0.0], [100.0]])
    salience = np.array([[0.5], [0.5]])
    moves = []
    for rate, tie in ((0.1, 0.5), (0.2, 0.5), (0.2, 1.0)):
        influence = np.array([[0.0, 0.0], [tie, 0.0]])  # actor 1 pulls actor 0
        state = make_state(position, salience, np.array([1.0, 1.0]), influence)
        apply_influence(state, rate)
        moves.append(state.position[0, 0])
        assert state.position[1, 0] == 100.0
    assert 0 < moves[0] < moves[1] < moves[2]


def test_acceptance_offers_at_the_responders_ideal_are_accepted():
    position = np.array([[90.0, 10.0], [20.0, 80.0]])
    state = make_state(position, np.full((2, 2), 0.5), np.ones(2))
    state.round = 1
    assert acceptance(state, position[1], 0.0, 1.0)[1]
    assert not acceptance(state, position[0], 0.0, 1.0)[1]


def test_acceptance_respects_the_outside_option():
    position = np.array([[90.0], [20.0]])
    state = make_state(position, np.full((2, 1), 1.0), np.ones(2))
    state.round = state.n_rounds  # own next offer = reservation (50): accepts anything >= utility 0.7
    offer = np.array([45.0])
    assert acceptance(state, offer, 0.0, 1.0)[1]
    state.outside_option = np.array([0.0, 0.9])
    assert not acceptance(state, offer, 0.0, 1.0)[1]


@settings(max_examples=100, deadline=None)
@given(states(), arrays(float, (5,), elements=st.floats(0, 100)))
def test_utilities_are_in_unit_interval_and_maximal_at_the_ideal(state, package):
    package = package[: state.n_issues]
    values = utilities(state.position, state.salience, package)
    assert np.all((values >= -1e-12) & (values <= 1 + 1e-12))
    ideal = utilities(state.position, state.salience, state.position)
    np.testing.assert_allclose(ideal, 1.0)


def test_registry_lists_core_mechanisms_and_rejects_bad_input():
    assert {"bargaining", "compromise"} <= set(available())
    with pytest.raises(MechanismError, match="unknown mechanism"):
        create("nope")
    with pytest.raises(MechanismError, match="bad parameters"):
        create("bargaining", {"proposer": "whoever"})
    for cls in available().values():
        assert cls.reference and cls.title and "outcome" in cls.classifier


def test_hostile_ties_repel_and_aligned_ties_attract_when_alignment_counts():
    position = np.array([[40.0], [80.0]])
    salience = np.array([[0.5], [0.5]])
    influence = np.array([[0.0, 0.0], [1.0, 0.0]])  # actor 1 pulls actor 0
    moved = {}
    for label, alignment, weight in (("ignored", -1.0, 0.0), ("hostile", -1.0, 1.0), ("aligned", 1.0, 1.0)):
        state = make_state(position, salience, np.array([1.0, 1.0]), influence)
        state.alignment = np.array([[0.0, 0.0], [alignment, 0.0]])
        apply_influence(state, 0.5, alignment_weight=weight)
        moved[label] = state.position[0, 0]
    assert moved["hostile"] < 40.0 < moved["ignored"] == moved["aligned"]


@settings(max_examples=100, deadline=None)
@given(states(), st.floats(0, 1), st.floats(0, 1))
def test_signed_influence_keeps_positions_on_the_scale(state, rate, weight):
    state.alignment = np.linspace(-1, 1, state.n_actors ** 2).reshape(state.n_actors, state.n_actors)
    apply_influence(state, rate, alignment_weight=weight)
    assert np.all((state.position >= 0) & (state.position <= 100))
