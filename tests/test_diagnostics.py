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


@settings(max_examples=25, deadline=None)
@given(st.floats(0.8, 0.9), st.floats(0.3, 0.45))
def test_nash_point_of_two_on_one_issue_splits_the_surplus_equally(o_a, o_b):
    # one issue, ideals 20 and 80, the disagreement package at 0 (U = 0.8 and 0.2, inside the frontier) and outside
    # options above that: between the ideals U_a + U_b = 1.4, so the Nash point gives each its d_i plus half of
    # what is left (Nash 1950's symmetric split): U_a = (1.4 + o_a - o_b) / 2, y = 20 + 100 (1 - U_a)
    state = two_party(20.0, 80.0)
    state.disagreement[:] = 0.0
    state.outside_option[:] = [o_a, o_b]
    point = nash_point(state)
    assert point is not None
    assert point[0] == pytest.approx(20.0 + 100.0 * (1.0 - (1.4 + o_a - o_b) / 2.0), abs=1e-9)


def _log_product(state, point) -> float:
    surplus = utilities(state.position, state.salience, point) - disagreement_values(state)
    return float(np.log(surplus).sum()) if np.all(surplus > 0) else -np.inf


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 100_000), st.booleans())
def test_exact_nash_point_of_two_is_no_worse_than_the_search(seed, boxed):
    """The exact two-player point (frontier pieces) against Powell's multistart search, over all packages or
    within a box (as the bottom lines give): it lies in the box, its product is at least the search's, it beats
    both disagreement values and no package in the box dominates it; the search finding a point means the exact
    method finds one too."""
    from sim.mechanisms.diagnostics import _nash_by_search

    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 5))
    grid = rng.random() < 0.3  # positions on a coarse grid: ties in the conceding order and shared ideals
    position = rng.choice([0.0, 25.0, 50.0, 100.0], (2, m)) if grid else rng.uniform(0, 100, (2, m))
    salience = rng.choice([0.0, 0.5, 1.0], (2, m)) if grid else rng.uniform(0.05, 1, (2, m))
    state = state_from_arrays(position, rng.uniform(0.5, 2, 2), salience, rng.uniform(0, 100, m))
    state.veto[:] = True
    state.outside_option[:] = rng.uniform(0, 0.6, 2) if rng.random() < 0.5 else np.nan
    state.disagreement[:] = rng.uniform(0, 100, m)
    lo = rng.uniform(0, 60, m) if boxed else np.zeros(m)
    hi = np.minimum(lo + rng.uniform(0, 50, m), 100.0) if boxed else np.full(m, 100.0)
    exact = nash_point(state, box=(lo, hi))
    if not boxed:
        assert (exact is None and nash_point(state) is None) or np.array_equal(exact, nash_point(state))
    d = disagreement_values(state)
    search = _nash_by_search(state.position, state.salience, d, state.capability, 8, 0, lo, hi)
    if exact is None:
        assert search is None or np.min(utilities(state.position, state.salience, search) - d) < 1e-9
        return
    assert np.all((exact >= lo - 1e-9) & (exact <= hi + 1e-9))
    assert np.all(utilities(state.position, state.salience, exact) > d)
    assert pareto_improvement(state, exact, tol=1e-9, box=(lo, hi)).optimal
    if search is not None:
        assert _log_product(state, exact) >= _log_product(state, search) - 1e-9


def test_pareto_check_within_the_bottom_lines():
    """Two players, one issue, ideals 20 and 80, bottom lines 40 (A concedes up to 40) and 50 (B down to 50): no
    package satisfies both (no zone), so the check inside the box has nothing to compare with (NaN gain); with B's
    bottom line at 30 the box is [30, 40], where every package is efficient, and 10 (U_A 0.9, U_B 0.3) is
    dominated by 30 (0.9, 0.5) but 90 (0.3, 0.9) by nothing inside the box."""
    from sim.mechanisms.diagnostics import bottom_line_box

    state = two_party(20.0, 80.0)
    state.reservation[:, 0] = [40.0, 50.0]
    lo, hi = bottom_line_box(state)
    assert lo[0] == 50.0 and hi[0] == 40.0
    empty = pareto_improvement(state, np.array([45.0]), box=(lo, hi))
    assert empty.optimal and np.isnan(empty.improvement)
    state.reservation[1, 0] = 30.0
    box = bottom_line_box(state)
    assert (box[0][0], box[1][0]) == (30.0, 40.0)
    assert pareto_improvement(state, np.array([35.0]), box=box).optimal
    outside = pareto_improvement(state, np.array([10.0]), box=box)
    assert not outside.optimal and outside.dominating[0] == pytest.approx(30.0, abs=1e-6)
    assert outside.improvement == pytest.approx(0.2, abs=1e-9)
    assert pareto_improvement(state, np.array([90.0]), box=box).optimal


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_coercive_deals_are_efficient_within_the_bottom_lines(seed):
    """The default mechanism's deal is the proposer's best package within both bottom lines given what the
    responder keeps: on the frontier inside the box, so nothing within the bottom lines is better for both."""
    import sim
    from sim.core.seeds import replication_seed
    from sim.experiments.replication import run_replication
    from tests.conftest import BASELINE

    compiled = sim.compile_scenario(sim.load_scenario(BASELINE))
    result = run_replication(compiled, replication_seed(seed, 0))
    row = result.diagnostics()
    if result.outcome.status == "signed":
        assert row["pareto_optimal_within_bottom_lines"] == 1.0
        assert row["pareto_gain_within_bottom_lines"] <= 1e-7


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 100_000), st.booleans())
def test_exact_pareto_check_of_two_equals_the_linear_programme(seed, boxed):
    """Two players: the check on their frontier gives the linear programme's verdict and joint gain (to its
    solver tolerance), over all packages and within a box, for packages inside and outside it; a dominating
    package it returns lies in the box and is at least as good for both."""
    from sim.mechanisms.diagnostics import pareto_by_programme
    from sim.mechanisms.two_party import pareto_check_of_two

    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 5))
    grid = rng.random() < 0.3
    ideal = rng.choice([0.0, 25.0, 50.0, 100.0], (2, m)) if grid else rng.uniform(0, 100, (2, m))
    salience = rng.choice([0.0, 0.5, 1.0], (2, m)) if grid else rng.uniform(0.05, 1, (2, m))
    lo = rng.uniform(0, 60, m) if boxed else np.zeros(m)
    hi = np.minimum(lo + rng.uniform(0, 50, m), 100.0) if boxed else np.full(m, 100.0)
    package = rng.choice([rng.uniform(lo, hi), rng.uniform(0, 100, m), ideal[0], ideal[1]])
    optimal, gain, dominating = pareto_check_of_two(ideal, salience, package, lo, hi)
    reference = pareto_by_programme(ideal, salience, package, lo, hi)
    assert abs(gain - reference.improvement) <= 1e-7
    if abs(reference.improvement - 1e-7) > 1e-8:  # away from the threshold the verdicts agree
        assert optimal == reference.optimal
    if dominating is not None:
        assert np.all((dominating >= lo - 1e-9) & (dominating <= hi + 1e-9))
        assert np.all(utilities(ideal, salience, dominating) >= utilities(ideal, salience, package) - 1e-9)
        assert utilities(ideal, salience, dominating).sum() == pytest.approx(
            utilities(ideal, salience, package).sum() + gain, abs=1e-9)


def test_nash_point_within_an_empty_box_is_none():
    """Bottom lines that leave no common package on some issue leave no Nash point within them."""
    state = two_party(20.0, 80.0, m=2)
    assert nash_point(state, box=(np.array([0.0, 60.0]), np.array([100.0, 40.0]))) is None
    assert nash_point(state) is not None
