"""Bueno de Mesquita's challenge model: the 1994 EU car-emissions example and invariants on any N x M."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.mechanisms.bdm import (
    CAPITULATION,
    COMPROMISE,
    CONFLICT,
    BDMChallenge,
    BDMIssue,
    BDMParams,
    condorcet_median,
)
from sim.mechanisms.compromise import weighted_median
from sim.mechanisms.registry import create
from sim.validation.states import state_from_arrays
from tests.mechanism_strategies import play, states

# Bueno de Mesquita (1994) EU car-emission-standards example, input table as given by Scholz, Calbert & Smith
# (2011), in the transcription of two public re-implementations (github.com/jmckib/bdm-scholz-expected-utility-
# model and github.com/dmasad/BDM_DecisionModel_Replication). They disagree only on which of Netherlands and
# Belgium holds (4, 0.8) and (7, 0.4); both have capability 0.08, so the two readings are the same actor set.
EU_ACTORS = ("Netherlands", "Belgium", "Luxembourg", "Germany", "France", "Italy", "UK", "Ireland", "Denmark",
             "Greece")
EU_CAPABILITY = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
EU_POSITION = np.array([4.0, 7.0, 4.0, 4.0, 10.0, 10.0, 10.0, 7.0, 4.0, 7.0])
EU_SALIENCE = np.array([0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7])


def eu_state(n_rounds: int = 10):
    return state_from_arrays(EU_POSITION[:, None], EU_CAPABILITY, EU_SALIENCE[:, None], n_rounds=n_rounds,
                             actor_ids=EU_ACTORS, issue_ids=("emissions",))


def test_eu_starting_median_and_mean():
    w = EU_CAPABILITY * EU_SALIENCE
    # Condorcet winner with capability x salience weighted votes: 7 beats 4 (0.429 vs 0.248) and 10
    assert condorcet_median(EU_POSITION, w) == 7.0
    assert np.dot(w, EU_POSITION) / w.sum() == pytest.approx(5.003 / 0.677, abs=1e-9)  # 7.39


@pytest.mark.parametrize(("reading", "riskiest", "safest"), [("global", "Ireland", "Denmark"),
                                                              ("pairwise", "Luxembourg", "UK")])
def test_eu_risk_exponents_extremes(reading, riskiest, safest):
    """The most threatened actor is the most risk-acceptant (r = 0.5), the safest the most risk-averse (2)."""
    issue = BDMIssue(BDMParams(probability=reading), EU_POSITION, EU_CAPABILITY, EU_SALIENCE)
    r = issue.endogenous_risk(7.0)
    assert r.min() == pytest.approx(0.5) and r.max() == pytest.approx(2.0)
    assert EU_ACTORS[int(np.argmin(r))] == riskiest
    assert EU_ACTORS[int(np.argmax(r))] == safest
    # France and Italy are identical actors, so they must share their risk exponent
    assert r[EU_ACTORS.index("France")] == pytest.approx(r[EU_ACTORS.index("Italy")])


def test_eu_first_round_classification_and_moves():
    issue = BDMIssue(BDMParams(), EU_POSITION, EU_CAPABILITY, EU_SALIENCE)
    new, kind, mu = issue.round(None)
    assert mu == 7.0
    assert {CONFLICT, COMPROMISE, CAPITULATION} & set(np.unique(kind))
    # nobody moves outside the range of positions on the table, and someone moves
    assert new.min() >= 4.0 and new.max() <= 10.0
    assert not np.allclose(new, EU_POSITION)


@pytest.mark.parametrize(("params", "expected"), [
    ({}, 7.5521),
    ({"forecast": "median"}, 9.9988),
    ({"choice": "type_priority"}, 7.6039),
    ({"choice": "scholz_code"}, 7.3582),
    ({"probability": "pairwise"}, 7.2237),
    ({"probability": "pairwise", "forecast": "median"}, 7.0),
])
def test_eu_forecast_regression(params, expected):
    """Pinned values of this implementation after 4 rounds (a regression guard for every reading)."""
    package = play(BDMChallenge(**{**params, "stop": "fixed", "rounds": 4}), eu_state(4))
    assert package[0] == pytest.approx(expected, abs=5e-4)


# Scholz, Calbert & Smith (2011), Table 2, as quoted in a public re-implementation's design notes: the median and
# the weighted mean after rounds 1-8 of the EU example, printed to one decimal. The medians are *truncated*, not
# rounded: 9.96 is printed as 9.9 (three times), 7.47 as 7.4 and 9.67 as 9.6 (see docs/mechanisms.md).
SCHOLZ_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
SCHOLZ_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]
# Belgium's position after rounds 1-8 in the run log of github.com/dmasad/bdm-scholz-expected-utility-model
# (Example.log), a port of github.com/jmckib/bdm-scholz-expected-utility-model, whose comments say it keeps two
# features of Scholz et al.'s own code: the all-pairs probability denominator and the compromise choice rule.
PORT_BELGIUM = [8.415932315426764, 9.610859134120188, 9.961979590401311, 4.800881140632622, 5.524237694197356,
                7.47204636191629, 8.824593855262423, 9.671129769802048]


def truncate1(values) -> list[float]:
    """One decimal, truncated towards zero as in Scholz et al.'s Table 2 (1e-9 guards 8.4 = 8.39999...)."""
    return [math.floor(v * 10 + 1e-9) / 10 for v in values]


def eu_trajectory(params: dict | None = None, rounds: int = 8):
    """Median, weighted mean and positions after each round of the EU example (one BDM round per step)."""
    state, mech = eu_state(rounds), BDMChallenge(**{"stop": "fixed", **(params or {})})
    rng = np.random.default_rng(0)
    mech.start(state, rng)
    medians, means, positions = [], [], []
    for r in range(1, rounds + 1):
        state.round = r
        result = mech.step(state, rng, [])
        medians.append(result.info["bdm"]["emissions"]["median"])
        means.append(float(result.offer[0]))
        positions.append(state.position[:, 0].copy())
    return medians, means, positions


def test_eu_default_reading_first_round_and_plateau():
    """Default reading: median 8.4 after round 1 and ~9.9 in round 3, then the non-stabilising dip."""
    medians, means, _ = eu_trajectory()
    assert round(medians[0], 1) == 8.4
    assert truncate1(medians[2:4]) == [9.9, 9.9]
    assert np.max(np.abs(np.array(medians) - SCHOLZ_MEDIAN)) < 0.6
    assert medians[5] < 8.0 < min(medians[2:5])  # the published trajectory does not stabilise either
    assert np.allclose(means[:2], SCHOLZ_MEAN[:2], atol=0.1)


@pytest.mark.parametrize("distance", ["range", "initial_range"])
def test_scholz_code_reading_matches_the_port_exactly(distance):
    """choice=scholz_code replays the public port of Scholz et al.'s rules to machine precision."""
    _, _, positions = eu_trajectory({"choice": "scholz_code", "distance": distance})
    belgium = [p[EU_ACTORS.index("Belgium")] for p in positions]
    assert belgium == pytest.approx(PORT_BELGIUM, abs=1e-9)


def test_scholz_code_reading_reproduces_table_2():
    """Seven of eight published medians and six of eight means to the printed digit; round 2 is the residual."""
    medians, means, _ = eu_trajectory({"choice": "scholz_code"})
    shown = truncate1(medians)
    assert [i + 1 for i in range(8) if shown[i] != SCHOLZ_MEDIAN[i]] == [2]
    assert medians[1] == pytest.approx(9.611, abs=1e-3)  # published 9.9
    assert np.max(np.abs(np.array(medians) - SCHOLZ_MEDIAN)) < 0.3
    # the mean dips in rounds 4-5 (Belgium compromises towards the 4-year bloc), as published (7.3, 7.3)
    shown_mean = truncate1(means)
    assert shown_mean[3:5] == [7.3, 7.3]
    assert [i + 1 for i in range(8) if shown_mean[i] != SCHOLZ_MEAN[i]] == [3, 8]  # 7.59 and 7.57 vs 7.6
    # a truncated print x.y means a value in [x.y, x.y + 0.1); the two misses fall short by at most 0.03
    assert all(pub - 0.03 <= m < pub + 0.1 for m, pub in zip(means, SCHOLZ_MEAN, strict=True))


def test_textbook_probability_does_not_move_the_median():
    """The pairwise-denominator reading keeps the median at 7: only the global reading reproduces Scholz."""
    medians, _, _ = eu_trajectory({"probability": "pairwise"})
    assert medians == [7.0] * 8


# Every reading with the all-pairs probability denominator moves only these three (light) actors on this example;
# the other seven keep their input positions in every round.
MOVERS = tuple(EU_ACTORS.index(name) for name in ("Belgium", "Luxembourg", "Ireland"))
GLOBAL_READINGS = [{}, {"choice": "type_priority"}, {"choice": "scholz_code"}, {"risk": "neutral"},
                   {"choice": "scholz_code", "vote_risk": False}]


def weighted_medians(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Row-wise weighted median (the Condorcet median of 1-D linear-loss votes), via the compromise model's."""
    return weighted_median(x.T, np.broadcast_to(weight[:, None], x.T.shape))


def printed_pair_reachable(median: float, mean: float, step: float = 0.05) -> np.ndarray:
    """Positions of the three movers (others at input) whose median and mean truncate to the published pair.

    The grid covers 4-10 and the suprema just below 9.7 and 10; median and mean are non-decreasing in every
    position, so a pair missed here is missed for every position in between as well.
    """
    grid = np.unique(np.round(np.concatenate([np.arange(4.0, 10.0 + 1e-9, step), [9.6999999, 9.9999999]]), 7))
    lux, ire = (a.ravel() for a in np.meshgrid(grid, grid, indexing="ij"))
    w = EU_CAPABILITY * EU_SALIENCE
    found = []
    for bel in grid:
        x = np.tile(EU_POSITION, (lux.size, 1))
        x[:, MOVERS[0]], x[:, MOVERS[1]], x[:, MOVERS[2]] = bel, lux, ire
        shown_median = np.floor(weighted_medians(x, w) * 10 + 1e-9) / 10
        shown_mean = np.floor(x @ w / w.sum() * 10 + 1e-9) / 10
        found.append(x[np.isclose(shown_median, median) & np.isclose(shown_mean, mean)])
    return np.concatenate(found)


@pytest.mark.parametrize("params", GLOBAL_READINGS)
def test_global_readings_move_only_three_light_actors(params):
    _, _, positions = eu_trajectory(params)
    anchored = [i for i in range(len(EU_ACTORS)) if i not in MOVERS]
    assert all(np.array_equal(p[anchored], EU_POSITION[anchored]) for p in positions)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(4.0, 10.0), min_size=3, max_size=3))
def test_weighted_median_is_the_models_condorcet_median(movers):
    x = EU_POSITION.copy()
    x[list(MOVERS)] = movers
    w = EU_CAPABILITY * EU_SALIENCE
    # condorcet_median treats positions within np.isclose as one, so the two may differ at that tolerance
    assert weighted_medians(x[None, :], w)[0] == pytest.approx(condorcet_median(x, w), rel=1e-5, abs=1e-8)


def test_published_round_8_is_out_of_reach_of_the_three_movers():
    """Table 2's round 8 (median 9.6, mean 7.6, truncated) needs one of the seven anchored actors to move.

    With the anchored actors at their inputs, those below 10 carry 0.298 of the 0.677 total weight, so a median
    between 9.6 and 9.7 must be a mover's position with all three movers at or below it: the mean is at most
    (4.72 + 0.043 x 9.7) / 0.677 = 7.588 < 7.6. Rounds 1-7 are each reachable, so the check is not vacuous.
    """
    assert printed_pair_reachable(9.6, 7.6).size == 0
    for median, mean in zip(SCHOLZ_MEDIAN[:7], SCHOLZ_MEAN[:7], strict=True):
        assert printed_pair_reachable(median, mean, step=0.1).size > 0


@pytest.mark.xfail(strict=True, reason=(
    "Residual gap: round 2 gives 9.61 (Belgium's compromise towards France), Table 2 prints 9.9. Round 8 of the "
    "published table is out of reach of every global reading (see the test above and docs/mechanisms.md)"))
def test_eu_full_trajectory_to_one_decimal():
    medians, _, _ = eu_trajectory({"choice": "scholz_code"})
    assert truncate1(medians) == SCHOLZ_MEDIAN


def test_registered_and_bad_params():
    assert isinstance(create("bdm", {"forecast": "median"}), BDMChallenge)
    with pytest.raises(Exception, match="bdm"):
        create("bdm", {"probability": "nonsense"})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(), st.sampled_from([{}, {"choice": "type_priority"}, {"probability": "global"},
                                  {"choice": "scholz_code", "distance": "initial_range"},
                                  {"risk": "scenario"}, {"distance": "scale", "forecast": "median"}]))
def test_bounds_hull_and_determinism(state, params):
    lo, hi = state.position.min(axis=0), state.position.max(axis=0)
    twin = copy.deepcopy(state)
    package = play(BDMChallenge(**params), state)
    assert package.shape == (state.n_issues,)
    assert np.all(package >= lo - 1e-9) and np.all(package <= hi + 1e-9)
    assert np.all(state.position >= lo - 1e-9) and np.all(state.position <= hi + 1e-9)
    assert np.array_equal(package, play(BDMChallenge(**params), twin))


@settings(max_examples=30, deadline=None)
@given(states())
def test_risk_exponents_in_range(state):
    for j in range(state.n_issues):
        issue = BDMIssue(BDMParams(), state.position[:, j], state.capability, state.salience[:, j])
        r = issue.endogenous_risk(condorcet_median(issue.x, issue.w))
        assert np.all((r >= 0.5 - 1e-12) & (r <= 2.0 + 1e-12))
        p = issue.probabilities(r)
        assert np.all((p >= 0) & (p <= 1))


def test_consensus_is_a_fixed_point():
    state = state_from_arrays(np.full((4, 2), 30.0), np.ones(4), np.full((4, 2), 0.5), n_rounds=3)
    assert np.allclose(play(BDMChallenge(), state), 30.0)
    assert np.allclose(state.position, 30.0)
