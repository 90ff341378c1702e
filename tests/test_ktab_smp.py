"""ktab_smp reproduces KTAB's own SMP reference runs (fixtures from github.com/lsyaseen/KTAB) and keeps the
SMP's invariants on random states."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import MechanismError
from sim.mechanisms import create
from sim.mechanisms.ktab_engine import challenge_values, interpolate, propose
from sim.mechanisms.ktab_prng import MT19937_64, KTABStream, prob_sel
from sim.mechanisms.ktab_vote import coalitions, conditional_pce, markov_incentive_pce, victory_probabilities
from sim.validation.ktab_reference import RUNS, compare, load_run, reference_expected_outcome, replay
from sim.validation.states import state_from_arrays
from tests.mechanism_strategies import play, states

# KTAB's reference expected outcomes, formed from its logged final positions and probabilities
REFERENCE_EXPECTED = {"SOE-Pol-Comp": [39.73, 32.78], "dummyData_3Dim": [78.09, 35.64, 72.19],
                      "smpExample": [41.56, 48.23, 54.67]}


@pytest.fixture(scope="module")
def replays():
    return {name: replay(load_run(name)) for name in RUNS}


@pytest.mark.parametrize("name", RUNS)
def test_reference_run_reproduced_within_one_point(replays, name):
    ours = replays[name]
    ref = ours.run
    assert len(ours.records) == ref.steps  # KTAB's stopping rule fires at the same turn
    table = compare(ref, ours)
    assert (table["difference"].abs() <= 1.0).all()
    # in fact every logged position of every turn agrees to KTAB's printing precision (0.1)
    assert np.abs(ours.positions - ref.ref_positions).max() <= 0.05 + 1e-9
    assert np.abs(ours.win_probability - ref.ref_win_probability).max() <= 0.5e-4 + 1e-9
    np.testing.assert_allclose(reference_expected_outcome(ref), REFERENCE_EXPECTED[name], atol=0.006)
    np.testing.assert_allclose(ours.expected_outcome(), REFERENCE_EXPECTED[name], atol=0.05)


def test_stochastic_run_follows_the_logged_schedule_draw_for_draw(replays):
    ours = replays["smpExample"]
    assert ours.run.schedule and ours.lists_mismatched() == 0 and ours.schedule_mismatches() == 0


def test_first_turn_matches_logged_intermediate_values():
    st0 = load_run("dummyData_3Dim").initial_state()
    np.testing.assert_allclose(st0.nra, [-0.500, -0.459, -0.499, -0.274, 1.000, -0.232, -0.430], atol=5e-4)
    np.testing.assert_allclose(st0.autil[0][1, :3], [0.5681, 1.0, 0.5220], atol=5e-5)  # "Estimate by 0"
    phij, gain = challenge_values(st0, 0, 0)
    np.testing.assert_allclose(challenge_values(st0, 0, 0, [0])[1][0], gain[0])
    assert phij[0, 6] == pytest.approx(0.7643, abs=5e-5) and gain[0, 6] == pytest.approx(0.0947, abs=5e-5)
    bargain = next(b for b in propose(st0) if b.init == 0)
    assert bargain.rcvr == 6
    np.testing.assert_allclose(bargain.pos_init * 100, [75.61, 24.78, 71.95], atol=1e-6)
    np.testing.assert_allclose(bargain.pos_rcvr * 100, [75.61, 24.79, 71.95], atol=1e-6)
    b_i, _ = interpolate(st0, 0, 6, 0.5, 0.5)
    assert np.all(np.round(b_i * 1e4) == b_i * 1e4)  # rounded to 4 decimals as KTAB does


def test_mechanism_reproduces_the_soe_run_through_the_public_interface():
    ref = load_run("SOE-Pol-Comp")
    state = state_from_arrays(ref.position, ref.capability, ref.salience / 100.0, n_rounds=3)
    mech = create("ktab_smp", {"salience": "share", "turns_per_round": 100})
    package = play(mech, state)
    assert mech.turns == mech.converged_turn == 27
    np.testing.assert_allclose(package, REFERENCE_EXPECTED["SOE-Pol-Comp"], atol=0.05)


def test_prng_is_mt19937_64_with_ktab_transform():
    mt = MT19937_64()
    for _ in range(9999):
        mt.next64()
    assert mt.next64() == 9981545732273789042  # the C++ standard's check value for mt19937_64
    draws = [KTABStream(3507583219545544127).uniform() for _ in range(2)]
    assert draws[0] == draws[1] and 0.0 <= draws[0] <= 1.0
    assert prob_sel(np.array([0.2, 0.5, 0.3]), 0.2) == 0 and prob_sel(np.array([0.2, 0.5, 0.3]), 0.71) == 2


def test_vote_library_matches_ktab_definitions():
    util = np.array([[1.0, 0.2], [0.0, 1.0]])  # two actors, two options
    c = coalitions(np.array([3.0, 1.0]), util, "Prop")
    assert c[0, 1] == pytest.approx(1e-8 + 3 * 0.8) and c[1, 0] == pytest.approx(1e-8 + 1.0)
    pv = victory_probabilities(c)
    assert pv[0, 1] + pv[1, 0] == pytest.approx(1.0) and pv[0, 0] == 0.5
    for p in (conditional_pce(pv), markov_incentive_pce(c)):
        assert p.sum() == pytest.approx(1.0) and p[0] > p[1]


def test_share_saliences_above_one_are_refused():
    state = state_from_arrays(np.array([[10.0, 20.0], [60.0, 80.0], [40.0, 40.0]]), np.ones(3),
                              np.full((3, 2), 0.8), n_rounds=2)
    with pytest.raises(MechanismError, match="sum to more than 1"):
        play(create("ktab_smp", {"salience": "share"}), state)


def test_single_actor_position_is_a_fixed_point():
    state = state_from_arrays(np.array([[30.0, 70.0]]), np.array([2.0]), np.array([[0.4, 0.9]]), n_rounds=4)
    package = play(create("ktab_smp"), state)
    np.testing.assert_allclose(package, [30.0, 70.0])
    np.testing.assert_allclose(state.position, [[30.0, 70.0]])


@settings(max_examples=30, deadline=None)
@given(states(), st.sampled_from([{}, {"voting_rule": "PropCbc", "pce_model": "MarkovIncentive"},
                                  {"state_transitions": "Stochastic"}, {"forecast": "mode"},
                                  {"accommodation": 0.5, "inter_vec_brgn": "S2PMax"},
                                  {"bargn_model": "InitRcvrInterp", "pce_model": "MarkovUniform"},
                                  {"bargn_model": "PWCompInterp", "victory_prob_model": "Binary"}]))
def test_positions_stay_in_the_hull_and_runs_are_deterministic_for_a_seed(state, params):
    lo, hi = state.position.min(axis=0), state.position.max(axis=0)
    twin = copy.deepcopy(state)
    package = play(create("ktab_smp", params), state, seed=7)
    assert package.shape == (state.n_issues,)
    # bargains interpolate between two positions, dimension by dimension, so nobody leaves the initial hull
    # except by KTAB's rounding of bargains to 4 decimals on [0, 1] (half a unit: 0.005 points)
    tol = 0.005 + 1e-9
    assert np.all(state.position >= lo - tol) and np.all(state.position <= hi + tol)
    assert np.all(package >= lo - tol) and np.all(package <= hi + tol)
    assert np.all((state.position >= 0.0) & (state.position <= 100.0))
    np.testing.assert_array_equal(package, play(create("ktab_smp", params), twin, seed=7))


def test_runs_inside_the_model_on_the_baseline_scenario():
    from pathlib import Path

    import sim
    from sim.experiments.replication import run_replication
    from sim.scenario import compile_scenario

    path = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    if not path.is_file():
        pytest.skip("baseline scenario not present")
    summary = run_replication(compile_scenario(sim.load_scenario(path)), seed=1, mechanism="ktab_smp").summary()
    outcomes = [v for k, v in summary.items() if k.startswith("outcome.")]
    assert outcomes and all(0.0 <= v <= 100.0 for v in outcomes)
