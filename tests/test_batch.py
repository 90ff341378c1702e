"""The batch path gives exactly the rows of one Mesa model per replication."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.seeds import replication_seed
from sim.experiments.batch import run_batch, run_batch_recorded
from sim.experiments.replication import run_replication
from sim.scenario import compile_scenario, load_scenario
from tests.conftest import BASELINE, minimal_scenario, write_scenario


def assert_same_rows(left: list[dict], right: list[dict]) -> None:
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        assert a.keys() == b.keys()
        for key in a:
            if isinstance(a[key], float) and np.isnan(a[key]):
                assert np.isnan(b[key]), key
            else:
                assert a[key] == b[key], (key, a[key], b[key])


def assert_same_histories(compiled, seeds, overrides=None, **kwargs) -> None:
    """The batch path's recorded rounds equal the model's ``record=True`` history, field by field."""
    overrides = overrides or [None] * len(seeds)
    rows, histories = run_batch_recorded(compiled, seeds, overrides, record=len(seeds), **kwargs)
    assert len(histories) == len(seeds)
    for seed, over, history in zip(seeds, overrides, histories, strict=True):
        model = run_replication(compiled, seed, overrides=over, record=True, **kwargs)
        assert np.array_equal(history.initial_position, model.initial_position)
        assert np.array_equal(history.salience, model.salience)
        assert len(history.records) == len(model.history)
        for got, want in zip(history.records, model.history, strict=True):
            assert (got.round, got.agreed, got.status, got.proposer) == (want.round, want.agreed, want.status,
                                                                        want.proposer)
            assert got.events == want.events
            assert (got.offer is None) == (want.offer is None)
            if want.offer is not None:
                np.testing.assert_allclose(got.offer, want.offer, rtol=0, atol=1e-9)
            np.testing.assert_allclose(got.positions, want.positions, rtol=0, atol=1e-9)


def single(compiled, seeds, overrides=None, **kwargs):
    overrides = overrides or [None] * len(seeds)
    return [run_replication(compiled, s, overrides=o, **kwargs).summary() for s, o in zip(seeds, overrides,
                                                                                         strict=True)]


@pytest.fixture(scope="module")
def baseline():
    return compile_scenario(load_scenario(BASELINE))


def test_baseline_rows_are_identical(baseline):
    seeds = [replication_seed(4, r) for r in range(40)]
    assert_same_rows(run_batch(baseline, seeds), single(baseline, seeds))


@pytest.mark.parametrize("params", [None, {"information": "private"}, {"proposer": "capability"}])
def test_recorded_rounds_are_the_models_history(baseline, params):
    seeds = [replication_seed(2, r) for r in range(12)]
    assert_same_histories(baseline, seeds, mechanism_params=params)
    assert_same_histories(baseline, seeds[:6], mechanism="bargaining")
    assert_same_histories(baseline, seeds[:3], mechanism="compromise")  # no batch path: the model's own records


@pytest.mark.parametrize(("mechanism", "params"), [
    ("coercive", {"proposer": "capability"}),
    ("bargaining", {"proposer": "capability", "outside_option_discount": 0.97, "initial_concession": 0.1})])
def test_overrides_and_capability_proposers_are_identical(baseline, mechanism, params):
    seeds = [replication_seed(9, r) for r in range(16)]
    overrides = [{"actors.TUR.capability": 0.1 * (r % 7), "dynamics.influence_rate": 0.05 * (r % 5),
                  "issues.tartus.drift_rate": 0.02 * (r % 3)} for r in range(16)]
    assert_same_rows(run_batch(baseline, seeds, overrides, mechanism=mechanism, mechanism_params=params),
                     single(baseline, seeds, overrides, mechanism=mechanism, mechanism_params=params))


def test_other_mechanisms_fall_back_to_the_model(baseline):
    seeds = [replication_seed(1, r) for r in range(8)]
    for mechanism, params in (("compromise", None), ("bargaining", {"offers": "tradeoff"})):
        assert_same_rows(run_batch(baseline, seeds, mechanism=mechanism, mechanism_params=params),
                         single(baseline, seeds, mechanism=mechanism, mechanism_params=params))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_scenarios_with_events_are_identical(tmp_path, data):
    n, m = data.draw(st.integers(2, 6)), data.draw(st.integers(1, 4))
    rounds = data.draw(st.integers(1, 15))
    scenario = minimal_scenario(n, m, rounds=rounds)
    unit = st.floats(0, 1)
    for actor in scenario["actors"].values():
        actor["capability"] = {"uniform": [0.0, data.draw(st.floats(0.01, 3))]}
        actor["concession"] = data.draw(st.floats(0.1, 5))
        if data.draw(st.booleans()):
            actor["outside_option"] = data.draw(unit)
        for j in range(m):
            actor["positions"][f"i{j}"] = {"uniform": [0, 100]}
            actor["salience"][f"i{j}"] = data.draw(unit)
    scenario["relations"] = {f"A{k}->A{i}": {"influence": data.draw(unit), "alignment": data.draw(st.floats(-1, 1))}
                             for k in range(n) for i in range(n) if k != i and data.draw(st.booleans())}
    scenario["dynamics"] = {"influence_rate": data.draw(unit),
                            "alignment_weight": data.draw(st.sampled_from([0, 0.5, 1]))}
    scenario["events"] = {
        "shock": {"label": "shock", "probability": data.draw(unit),
                  "effects": [{"path": "issues.i0.disagreement", "add": -10},
                              {"path": "actors.A0.outside_option", "add": 0.1}]},
        "late": {"label": "late", "at_round": data.draw(st.integers(1, rounds)), "once": False,
                 "effects": [{"path": "actors.A1.capability", "scale": 2.0}]},
    }
    compiled = compile_scenario(load_scenario(write_scenario(tmp_path, scenario)))
    seeds = [replication_seed(data.draw(st.integers(0, 2**32)), r) for r in range(12)]
    assert_same_rows(run_batch(compiled, seeds), single(compiled, seeds))
    assert_same_histories(compiled, seeds[:4])


@pytest.mark.parametrize(("mechanism", "params", "count"), [
    (None, None, 30), (None, {"information": "private"}, 12), ("bargaining", None, 12),
    ("compromise", None, 4)])  # compromise has no batch path: the model's own diagnostics
def test_diagnostics_are_the_models(baseline, mechanism, params, count):
    """The Pareto and Nash columns from the batch path's end states equal one Mesa model per replication's."""
    seeds = [replication_seed(6, r) for r in range(count)]
    columns, _ = run_batch_recorded(baseline, seeds, mechanism=mechanism, mechanism_params=params,
                                    diagnostics=True)
    rows = [{k: columns[k][r] for k in columns} for r in range(count)]
    expected = [run_replication(baseline, s, mechanism=mechanism, mechanism_params=params).diagnostics()
                for s in seeds]
    assert_same_rows([{k: row[k] for k in want} for row, want in zip(rows, expected, strict=True)], expected)
    assert set(expected[0]) == {"pareto_optimal", "pareto_gain", "pareto_optimal_within_bottom_lines",
                                "pareto_gain_within_bottom_lines", "nash_distance", "nash_distance_within_bottom_lines"}
