"""Pareto check and Nash bargaining point over the veto players."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.utility import utilities
from sim.mechanisms.diagnostics import disagreement_values, nash_point, pareto_improvement
from sim.validation.states import state_from_arrays


def two_party(pos_a: float, pos_b: float, m: int = 1):
    state = state_from_arrays(np.array([[pos_a] * m, [pos_b] * m]), np.ones(2), np.full((2, m), 0.8),
                              np.zeros(m))
    state.veto[:] = True
    state.disagreement[:] = 0.0
    return state


def test_packages_between_ideals_are_pareto_optimal():
    state = two_party(20.0, 80.0)
    assert pareto_improvement(state, np.array([50.0])).optimal
    assert pareto_improvement(state, np.array([20.0])).optimal


def test_package_outside_the_hull_is_dominated():
    state = two_party(20.0, 80.0)
    check = pareto_improvement(state, np.array([95.0]))
    assert not check.optimal and check.improvement > 0
    ideal = state.position
    assert np.all(utilities(ideal, state.salience, check.dominating) >= utilities(ideal, state.salience,
                                                                                  np.array([95.0])) - 1e-9)


def test_logroll_beats_split_the_difference():
    # A cares about issue 0, B about issue 1: meeting in the middle on both is not Pareto-optimal
    state = state_from_arrays(np.array([[0.0, 0.0], [100.0, 100.0]]), np.ones(2),
                              np.array([[0.9, 0.1], [0.1, 0.9]]))
    state.veto[:] = True
    assert not pareto_improvement(state, np.array([50.0, 50.0])).optimal


def test_nash_point_symmetric_is_midpoint():
    state = two_party(20.0, 80.0)
    state.disagreement[:] = 50.0
    state.outside_option[:] = 0.0
    # with the disagreement at 50 both are indifferent at 50: nothing beats d strictly except nothing
    assert nash_point(state) is None
    state.disagreement[:] = 0.0
    state.position[:] = [[40.0], [60.0]]
    state.outside_option[:] = 0.7  # above both utilities of the disagreement package: symmetric d
    point = nash_point(state)
    assert point is not None and point[0] == pytest.approx(50.0, abs=0.05)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_nash_point_beats_disagreement_and_is_pareto(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 4)), int(rng.integers(1, 3))
    state = state_from_arrays(rng.uniform(0, 100, (n, m)), rng.uniform(0.5, 2, n), rng.uniform(0.1, 1, (n, m)))
    state.veto[:] = True
    state.outside_option[:] = 0.0
    state.disagreement[:] = rng.uniform(0, 100, m)
    point = nash_point(state)
    if point is None:
        return
    d = disagreement_values(state)
    assert np.all(utilities(state.position, state.salience, point) > d)
    assert pareto_improvement(state, point, tol=1e-3).optimal


def test_unset_outside_option_falls_back_to_disagreement():
    state = two_party(40.0, 60.0)
    state.outside_option[:] = np.nan
    d = disagreement_values(state)
    assert np.allclose(d, utilities(state.position, state.salience, state.disagreement))
