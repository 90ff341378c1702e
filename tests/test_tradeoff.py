"""Trade-off offers: the proposer keeps its aspiration and no package is better for everyone."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.core.utility import utilities
from sim.mechanisms.diagnostics import pareto_improvement
from sim.mechanisms.tradeoff import tradeoff_offer
from tests.test_core_mechanisms import make_state


@st.composite
def problems(draw):
    n, m = draw(st.integers(2, 5)), draw(st.integers(1, 5))
    ideal = draw(arrays(float, (n, m), elements=st.floats(0, 100)))
    salience = draw(arrays(float, (n, m), elements=st.floats(0.01, 1)))
    return ideal, salience, draw(st.floats(0, 1))


@settings(max_examples=150, deadline=None)
@given(problems())
def test_proposer_keeps_its_aspiration(problem):
    ideal, salience, aspiration = problem
    responders = np.arange(1, ideal.shape[0])
    offer = tradeoff_offer(ideal, salience, 0, responders, aspiration)
    assert np.all((offer >= 0) & (offer <= 100))
    assert utilities(ideal[:1], salience[:1], offer)[0] >= aspiration - 1e-9


@settings(max_examples=60, deadline=None)
@given(problems())
def test_trade_off_offers_are_pareto_optimal_for_two_parties(problem):
    ideal, salience, aspiration = problem
    ideal, salience = ideal[:2], salience[:2]
    offer = tradeoff_offer(ideal, salience, 0, np.array([1]), aspiration)
    state = make_state(ideal, salience, np.ones(2))
    assert pareto_improvement(state, offer, players=np.array([0, 1]), tol=1e-6).optimal


def test_full_aspiration_offers_the_proposers_ideal_and_zero_gives_in():
    ideal = np.array([[90.0, 10.0], [20.0, 80.0]])
    salience = np.array([[0.9, 0.1], [0.1, 0.9]])
    np.testing.assert_allclose(tradeoff_offer(ideal, salience, 0, np.array([1]), 1.0), ideal[0])
    np.testing.assert_allclose(tradeoff_offer(ideal, salience, 0, np.array([1]), 0.0), ideal[1])
    # logrolling: at a middling aspiration the proposer gives away the issue it cares little about first
    middle = tradeoff_offer(ideal, salience, 0, np.array([1]), 0.95)  # budget 5 = 50 points of issue 1
    np.testing.assert_allclose(middle, [90.0, 60.0])
