"""The explorer's state object, without a browser: sliders, the written scenario, paired runs, background runs."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli.main import app
from sim.core.seeds import replication_seed
from sim.errors import SimError
from sim.explore.sliders import sliders
from sim.explore.state import Explorer
from sim.scenario import compile_scenario, evidence_report, load_scenario
from sim.scenario.distributions import Normal, Triangular, Uniform

N = 24


@pytest.fixture(scope="module")
def baseline_explorer(tmp_path_factory) -> Explorer:
    from tests.conftest import BASELINE

    return Explorer(BASELINE, n=N, seed=5)


def test_every_path_has_a_slider_whose_range_holds_the_scenario_value(baseline_path):
    scenario = load_scenario(baseline_path)
    table = sliders(scenario)
    assert set(table) == set(compile_scenario(scenario).parameter_paths())
    for slider in table.values():
        assert slider.low <= slider.start <= slider.high, slider
        assert slider.step > 0
        steps = (slider.start - slider.low) / slider.step
        assert steps == pytest.approx(round(steps), abs=1e-6), slider  # the slider shows the value, not a neighbour
        if slider.uncertain:
            lo, hi = slider.value.support()
            assert slider.low <= max(lo, slider.low) and min(hi, slider.high) <= slider.high
    assert table["actors.RUS.positions.tartus"].label == "Russia: position on Tartus"
    assert (table["actors.RUS.positions.tartus"].low, table["actors.RUS.positions.tartus"].high) == (0, 100)


def test_a_distribution_moves_with_its_family_and_width_and_stays_in_bounds(baseline_path):
    table = sliders(load_scenario(baseline_path))
    tartus = table["actors.RUS.positions.tartus"]  # uniform [85, 100]
    assert tartus.scenario_value(80.0) == Uniform(uniform=(72.5, 87.5))
    assert tartus.scenario_value(100.0) == Uniform(uniform=(92.5, 100.0))  # clipped at the bound
    status_quo = table["issues.tartus.status_quo"]  # a fixed number
    assert status_quo.scenario_value(60.0) == 60.0
    shifted = type(tartus)(**{**tartus.__dict__, "value": Triangular(triangular=(10.0, 20.0, 60.0))})
    assert shifted.scenario_value(40.0) == Triangular(triangular=(20.0, 30.0, 70.0))
    normal = type(tartus)(**{**tartus.__dict__, "value": Normal(normal=(50.0, 5.0))})
    assert normal.scenario_value(70.0) == Normal(normal=(70.0, 5.0))


def test_moving_a_distribution_keeps_every_other_draw_paired(tmp_path, baseline_path):
    """Common random numbers: replication r of the explored and the original scenario draw the same values for
    every parameter that was not changed."""
    explorer = Explorer(baseline_path, n=N)
    explorer.set_value("actors.RUS.positions.tartus", 60)
    explorer.set_value("actors.TUR.capability", 1.2)
    original, explored = compile_scenario(explorer.scenario), compile_scenario(explorer.explored_scenario())
    for rep in range(5):
        a = original.sample(np.random.default_rng(replication_seed(0, rep)))
        b = explored.sample(np.random.default_rng(replication_seed(0, rep)))
        for path in original.parameter_paths():
            if path in ("actors.RUS.positions.tartus", "actors.TUR.capability"):
                continue
            assert a.get(path) == b.get(path) or np.isnan(a.get(path)), path
        assert b.get("actors.RUS.positions.tartus") == pytest.approx(a.get("actors.RUS.positions.tartus") - 32.5)


def test_written_scenario_validates_and_reproduces_the_explored_numbers(tmp_path, baseline_path):
    explorer = Explorer(baseline_path, n=N, seed=3)
    changes = {"actors.SYR.positions.tartus": 20.0,  # a distribution, moved
               "issues.tartus.status_quo": 60.0,  # a fixed number the parent cites (source + note)
               "actors.RUS.outside_option": 0.7,  # left to the model in the parent
               "relations.TUR->SYR.influence": 0.9,
               "events.guarantee_lapses.probability": 0.2}
    for path, value in changes.items():
        explorer.set_value(path, value)
    shown = explorer.compute()
    out = explorer.write(tmp_path / "studies" / "syria_tough.yaml")

    doc = yaml.safe_load(out.read_text())
    assert not doc["extends"].startswith("/")  # relative: the pair of files can move together
    assert (out.parent / doc["extends"]).resolve() == baseline_path.resolve()
    assert doc["actors"]["SYR"]["positions"]["tartus"] == {"uniform": [7.5, 32.5]}
    assert set(doc) <= {"schema", "extends", "name", "title", "description", "actors", "issues", "relations",
                        "events", "evidence"}
    assert "capability" not in doc["actors"].get("RUS", {})  # only what changed

    result = CliRunner().invoke(app, ["validate", str(out), "--strict"])
    assert result.exit_code == 0, result.output
    loaded = load_scenario(out)
    report = evidence_report(loaded)
    for path in changes:
        assert path in report.assumed, path
        assert "sim explore" in loaded.evidence[path].assumption

    rerun = sim.run(out, n=N, seed=3)  # `sim run` keeps months 6, 12, 24; the explorer every month
    pd.testing.assert_frame_equal(rerun.replications, shown.explored.replications[rerun.replications.columns])
    assert rerun.table["probability"].tolist() == shown.explored.table["probability"].tolist()
    original = sim.run(baseline_path, n=N, seed=3)
    pd.testing.assert_frame_equal(original.replications, shown.original.replications[original.replications.columns])


def test_paired_differences_are_explored_minus_original_per_replication(baseline_path):
    explorer = Explorer(baseline_path, n=N)
    explorer.set_value("actors.SYR.outside_option", 0.8)  # Damascus's alternative to a deal improves
    result = explorer.compute()
    a, b = result.explored.replications, result.original.replications
    diff = result.difference.set_index(["issue", "outcome"])
    for issue, column, outcome in (("(all)", "status", "breakdown"), ("tartus", "state.tartus", "signed:new_terms")):
        d = (a[column] == outcome).astype(float) - (b[column] == outcome).astype(float)
        assert diff.loc[(issue, outcome), "difference"] == pytest.approx(d.mean())
        half = 1.959963984540054 * d.std(ddof=1) / np.sqrt(N)
        assert diff.loc[(issue, outcome), "ci_high"] == pytest.approx(min(1.0, d.mean() + half))
    assert diff.loc[("(all)", "breakdown"), "ci_low"] > 0  # a better outside option makes Damascus walk away
    assert set(result.distribution["arm"]) == {"explored", "original"}
    months = result.months
    assert sorted(set(months["month"])) == list(range(1, explorer.scenario.rounds + 1))
    for _, rows in months.groupby("arm"):
        assert rows["signed"].is_monotonic_increasing and rows["breakdown"].is_monotonic_increasing
        assert np.allclose(rows[["signed", "breakdown", "unresolved"]].sum(axis=1), 1.0)
        assert rows["presence.tartus"].between(0, 100).all()


def test_no_change_means_zero_difference_and_one_run(baseline_explorer):
    baseline_explorer.reset()
    result = baseline_explorer.compute()
    assert result.explored is result.original
    assert (result.difference[["difference", "ci_low", "ci_high"]] == 0).all().all()


def test_back_at_the_scenario_value_counts_as_unchanged(baseline_path):
    explorer = Explorer(baseline_path, n=N)
    slider = explorer.sliders["actors.RUS.positions.tartus"]
    explorer.set_value(slider.path, slider.start + slider.step)
    assert slider.path in explorer.values
    explorer.set_value(slider.path, slider.start + slider.step / 4)
    assert explorer.values == {}


def test_mechanism_choice_and_options_are_written_and_reproduced(tmp_path, baseline_path):
    explorer = Explorer(baseline_path, n=N, seed=1)
    explorer.set_mechanism("compromise")
    assert "method" in explorer.option_choices()
    explorer.set_option("method", "median")
    shown = explorer.compute()
    out = explorer.write(tmp_path / "median.yaml")
    loaded = load_scenario(out)
    assert loaded.mechanism.name == "compromise"
    assert loaded.mechanism.params == {"method": "median"}
    assert "mechanism.params" not in loaded.evidence  # the parent's evidence for bargaining numbers is dropped
    rerun = sim.run(out, n=N, seed=1).replications
    pd.testing.assert_frame_equal(rerun, shown.explored.replications[rerun.columns])
    with pytest.raises(SimError, match="expected one of"):
        explorer.set_option("method", "mode")
    with pytest.raises(SimError, match="unknown mechanism"):
        explorer.set_mechanism("telepathy")


def test_mechanism_options_default_to_the_scenario_and_change_the_file(tmp_path, baseline_path):
    explorer = Explorer(baseline_path, n=N)
    assert explorer.option("proposer") == "alternate"
    explorer.set_option("proposer", "capability")
    doc = explorer.document()
    assert doc["mechanism"] == {"params": {"proposer": "capability"}}
    explorer.set_option("proposer", "alternate")
    assert "mechanism" not in explorer.document()
    assert explorer.option("information") == "complete"
    explorer.set_option("information", "private")
    assert explorer.document()["mechanism"] == {"params": {"information": "private"}}


def test_bad_input_is_a_clear_error(baseline_explorer):
    with pytest.raises(SimError, match="unknown parameter path 'actors.XXX.capability'"):
        baseline_explorer.set_value("actors.XXX.capability", 1)
    with pytest.raises(SimError, match="at least 2"):
        baseline_explorer.set_replications(1)


def test_background_runs_report_progress_and_newer_settings_win(baseline_path):
    explorer = Explorer(baseline_path, n=N)
    heard = threading.Event()
    explorer.subscribe(heard.set)
    explorer.submit()
    explorer.set_value("actors.SYR.positions.tartus", 10)  # newer settings while the first run works
    latest = explorer.submit()
    explorer.wait(timeout=120)
    assert heard.is_set()
    assert not explorer.stale and explorer.status.generation == latest
    assert explorer.status.done == explorer.status.total > 0
    assert explorer.result.explored.scenario.actors["SYR"].positions["tartus"] == Uniform(uniform=(0.0, 22.5))


def test_a_failing_run_is_reported_not_raised(baseline_path, monkeypatch):
    explorer = Explorer(baseline_path, n=N)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(sim, "run", broken)
    explorer.submit()
    explorer.wait(timeout=60)
    assert explorer.status.error == "RuntimeError: disk full"


def test_cli_lists_the_command():
    result = CliRunner().invoke(app, ["explore", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output


def test_a_whole_number_mechanism_parameter_stays_whole(tmp_path, baseline_path):
    path = tmp_path / "compromise.yaml"
    path.write_text(yaml.safe_dump({
        "schema": 1, "extends": str(baseline_path), "name": "late_compromise", "title": "t",
        "mechanism": {"name": "compromise", "params": {"proposer": None, "information": None, "decision_round": 3}},
        "evidence": {"mechanism.params": None, "mechanism.params.decision_round": {"assumption": "a test"}}}))
    explorer = Explorer(path, n=N)
    slider = explorer.sliders["mechanism.params.decision_round"]
    assert slider.integer and slider.step == 1
    explorer.set_value("dynamics.influence_rate", 0.2)
    explorer.set_value(slider.path, 5)
    explorer.set_mechanism("bdm")
    assert list(explorer.values) == ["dynamics.influence_rate"]  # the compromise model's number is gone
    explorer.set_mechanism("compromise")
    explorer.set_value(slider.path, 7.4)
    out = explorer.write(tmp_path / "later.yaml")
    assert yaml.safe_load(out.read_text())["mechanism"] == {"params": {"decision_round": 7}}
    assert load_scenario(out).mechanism.params["decision_round"] == 7


def test_every_setting_with_fixed_choices_is_offered_for_every_mechanism(baseline_path):
    """Literal and bool fields of a mechanism's parameter model become choices (an information regime added to a
    mechanism shows up without changes to the explorer)."""
    from typing import Literal, get_args, get_origin

    from sim.mechanisms.registry import available

    explorer = Explorer(baseline_path, n=N)
    for name, cls in available().items():
        explorer.set_mechanism(name)
        expected = {field: list(get_args(info.annotation)) if get_origin(info.annotation) is Literal else [True, False]
                    for field, info in cls.Params.model_fields.items()
                    if get_origin(info.annotation) is Literal or info.annotation is bool}
        assert explorer.option_choices() == expected, name
        for field, choices in expected.items():
            assert explorer.option(field) in choices, (name, field)
