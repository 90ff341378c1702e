"""The challenge model's stopping rule: settle each issue on a repeat (convergence or cycle), else max_rounds."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.mechanisms.bdm import BDMChallenge
from sim.mechanisms.compromise import weighted_mean
from sim.mechanisms.registry import create
from sim.validation.states import state_from_arrays
from tests.mechanism_strategies import play, states

# KTAB's two-issue example "SOE-Pol-Comp" (China state-owned enterprises: policy and competitiveness), from
# github.com/lsyaseen/KTAB, examples/smp/doc/SOE-Pol-Comp.csv at commit 50e6cb5fb64edc36e37c7d59ad107fbef7b3cdb4
# (MIT licence, (c) 2015 KAPSARC). Columns: influence, policy position and salience, competitive position and
# salience (saliences in percent). Used here only as a two-issue case on which BDM's forecast drifts with the
# round count (issue 12: 29.3 / 36.5 after 10 rounds, 39.6 / 28.1 after 24, 32.0 / 16.4 after 50).
SOE = np.array([
    [100.0, 30, 24.0, 20, 48.0], [60.2, 45, 44.7, 65, 41.3], [35.0, 30, 28.9, 15, 65.1], [35.0, 45, 20.6, 45, 49.4],
    [40.0, 50, 44.7, 65, 47.8], [20.0, 15, 32.0, 10, 32.0], [15.0, 20, 32.0, 15, 32.0], [25.0, 60, 43.9, 50, 50.1],
    [20.0, 30, 26.4, 15, 17.6], [35.0, 45, 35.9, 40, 46.6], [20.0, 50, 44.7, 50, 47.8], [20.0, 20, 47.4, 30, 40.6],
    [40.0, 15, 49.0, 60, 46.0]])


def soe_state(n_rounds: int):
    return state_from_arrays(SOE[:, [1, 3]], SOE[:, 0], SOE[:, [2, 4]] / 100.0, n_rounds=n_rounds,
                             issue_ids=("policy", "competitive"))


@pytest.mark.parametrize(("rounds", "expected"), [(10, (29.27, 36.50)), (24, (39.60, 28.10)), (50, (31.96, 16.36))])
def test_soe_fixed_rounds_drift_as_reported(rounds, expected):
    """The drift that motivated the stopping rule (issue 12), pinned with stop: fixed."""
    assert play(BDMChallenge(stop="fixed"), soe_state(rounds)) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("model_rounds", [1, 10, 24])
def test_soe_converge_does_not_depend_on_the_model_round_count(model_rounds):
    """Policy enters a 7-round cycle (detected at round 35; forecast = its cycle average); competitiveness
    converges to 15.00 after 123 rounds. Same answer whatever the number of model rounds."""
    mech = BDMChallenge()
    package = play(mech, soe_state(model_rounds))
    assert package == pytest.approx((32.18, 15.00), abs=0.01)
    assert mech.settled["policy"] == {"how": "cycle", "rounds": 35, "cycle_length": 7, "settled": True,
                                          "max_rounds": 200}
    assert (mech.settled["competitive"]["how"], mech.settled["competitive"]["rounds"]) == ("converged", 123)


def test_soe_cycle_mean_is_the_average_of_the_fixed_forecasts_over_the_cycle():
    means = [play(BDMChallenge(stop="fixed"), soe_state(r))[0] for r in range(29, 36)]
    assert play(BDMChallenge(), soe_state(1))[0] == pytest.approx(np.mean(means), abs=1e-9)
    assert play(BDMChallenge(cycle="last"), soe_state(1))[0] == pytest.approx(means[-1], abs=1e-9)


def fixed_trajectory(state, params: dict, rounds: int) -> list[np.ndarray]:
    """Positions after rounds 0..rounds with one BDM round per step."""
    mech, rng = BDMChallenge(stop="fixed", **params), np.random.default_rng(0)
    mech.start(state, rng)
    out = [state.position.copy()]
    for r in range(1, rounds + 1):
        state.round = r
        mech.step(state, rng, [])
        out.append(state.position.copy())
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(max_actors=6, max_issues=3), st.sampled_from([{}, {"choice": "scholz_code"},
                                                            {"probability": "pairwise"}]),
       st.sampled_from(["mean", "last"]))
def test_converge_stops_at_the_first_repeat_of_the_fixed_trajectory(state, params, cycle):
    """Each issue stops at the first round t whose positions are within epsilon of an earlier round's (t - L),
    and ends at the positions of round t (``last``) or their average over rounds t - L + 1 .. t (``mean``)."""
    eps, cap = 1e-3, 40
    twin = copy.deepcopy(state)
    mech = BDMChallenge(epsilon=eps, max_rounds=cap, cycle=cycle, **params)
    play(mech, state)
    path = fixed_trajectory(twin, params, cap)
    for j, issue_id in enumerate(state.issue_ids):
        xs = [p[:, j] for p in path]
        first = next(((t, lag) for t in range(1, cap + 1) for lag in range(1, t + 1)
                      if np.abs(xs[t] - xs[t - lag]).max() <= eps), None)
        report = mech.settled[issue_id]
        if first is None:
            assert report["how"] == "max_rounds" and report["rounds"] == cap
            np.testing.assert_allclose(state.position[:, j], xs[cap], atol=1e-9)
            continue
        t, lag = first
        assert (report["rounds"], report["cycle_length"]) == (t, lag)
        assert report["how"] == ("converged" if lag == 1 else "cycle")
        expected = np.mean(xs[t - lag + 1:t + 1], axis=0) if cycle == "mean" and lag > 1 else xs[t]
        np.testing.assert_allclose(state.position[:, j], expected, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(states())
def test_converged_run_is_frozen_and_independent_of_model_rounds(state):
    short, long_ = copy.deepcopy(state), copy.deepcopy(state)
    short.n_rounds, long_.n_rounds = 1, 8
    np.testing.assert_allclose(play(BDMChallenge(), short), play(BDMChallenge(), long_), atol=1e-12)
    np.testing.assert_array_equal(short.position, long_.position)
    expected = weighted_mean(long_.position, long_.capability[:, None] * long_.salience)
    np.testing.assert_allclose(play(BDMChallenge(), copy.deepcopy(state)), expected, atol=1e-9)


def test_info_reports_rounds_and_then_freezes():
    state, mech, rng = soe_state(3), BDMChallenge(), np.random.default_rng(0)
    mech.start(state, rng)
    state.round = 1
    first = mech.step(state, rng, [])
    assert first.info["bdm_rounds"] == 123 and first.info["settled"]["policy"]["how"] == "cycle"
    before = state.position.copy()
    state.round = 2
    second = mech.step(state, rng, [])
    assert second.info["frozen"] and np.array_equal(state.position, before)
    assert np.allclose(second.offer, first.offer)


def test_max_rounds_leaves_an_issue_unsettled():
    mech = BDMChallenge(max_rounds=50)
    package = play(mech, soe_state(1))
    assert mech.settled["competitive"] == {"how": "max_rounds", "rounds": 50, "cycle_length": 0, "settled": False,
                                           "max_rounds": 50}
    assert package[1] == pytest.approx(16.36, abs=0.01)  # = 50 fixed rounds


def test_rounds_mean_stop_fixed():
    with pytest.raises(Exception, match="rounds applies to stop: fixed"):
        create("bdm", {"stop": "converge", "rounds": 5})
    assert create("bdm", {"stop": "fixed", "rounds": 5}).params.rounds == 5
    assert create("bdm", {"rounds": 5}).params.stop == "fixed"  # a round count alone keeps its old meaning
    assert create("bdm", {}).params.stop == "converge"
