"""KTAB-style spatial model: outcome distribution, bargains, convergence, invariants on any N x M."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.mechanisms.ktab import KTABIssue, KTABParams, KTABSpatial, condorcet_distribution, contest_probabilities
from sim.validation.states import state_from_arrays
from tests.mechanism_strategies import play, states


def test_contest_probabilities_are_complementary():
    x = np.array([0.0, 40.0, 100.0])
    p = contest_probabilities(x, np.array([1.0, 2.0, 1.0]))
    assert np.allclose(p + p.T, 1.0)
    assert p[1, 0] > 0.5 and p[1, 2] > 0.5  # the weighted centre beats both flanks


def test_distribution_favours_condorcet_winner():
    x = np.array([0.0, 40.0, 100.0])
    pi = condorcet_distribution(contest_probabilities(x, np.array([1.0, 2.0, 1.0])))
    assert pi.sum() == pytest.approx(1.0)
    assert int(np.argmax(pi)) == 1


def test_dominant_actor_pulls_the_forecast():
    issue = KTABIssue(KTABParams(), np.array([10.0, 90.0]), np.array([100.0, 1.0]), np.array([1.0, 1.0]))
    assert issue.forecast() < 15.0


def test_convergence_stop_freezes_state():
    state = state_from_arrays(np.array([[20.0], [60.0], [80.0]]), np.ones(3), np.full((3, 1), 0.7), n_rounds=30)
    mech = KTABSpatial()
    play(mech, state)
    assert mech.converged_round is not None and mech.converged_round < 30


@settings(max_examples=40, deadline=None)
@given(states(), st.sampled_from([{}, {"gamma": 2.0}, {"risk_power": 0.5}, {"forecast": "mode"}]))
def test_bounds_hull_distribution_and_determinism(state, params):
    lo, hi = state.position.min(axis=0), state.position.max(axis=0)
    twin = copy.deepcopy(state)
    mech = KTABSpatial(**params)
    package = play(mech, state)
    assert package.shape == (state.n_issues,)
    assert np.all(package >= lo - 1e-9) and np.all(package <= hi + 1e-9)
    for dist in mech.distributions(state).values():
        assert sum(dist.values()) == pytest.approx(1.0)
        assert all(0 <= p <= 1 for p in dist.values())
    assert np.array_equal(package, play(KTABSpatial(**params), twin))
