"""The evidence workflow: child entries replace the parent's, inherited citations on changed values, group
coverage, events that can never fire, and seed files that must exist."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from sim.cli.main import app
from sim.errors import ScenarioError
from sim.scenario import evidence_report, load_scenario
from sim.scenario.evidence import INHERITED_MESSAGE
from sim.scenario.lint import unreachable_events
from tests.conftest import minimal_scenario, write_scenario

runner = CliRunner()


def _parent(tmp_path):
    data = minimal_scenario()
    data["sources"] = {"S1": {"outlet": "a paper", "date": "2025-01-01"}}
    data["evidence"] = {
        "actors.A0.capability": {"source": "S1", "note": "strong, says the paper"},
        "actors.A1": {"assumption": "the whole second actor is assumed"},
        "actors.A0": {"assumption": "the rest of A0 is assumed"},
        "issues": {"assumption": "the issue scale is assumed"},
    }
    return write_scenario(tmp_path, data, "parent.yaml")


def _child(tmp_path, body: dict) -> object:
    path = tmp_path / "child.yaml"
    path.write_text(yaml.safe_dump({"extends": "parent.yaml", "name": "child", **body}, sort_keys=False))
    return path


def test_child_evidence_entry_replaces_the_parent_entry(tmp_path):
    _parent(tmp_path)
    child = _child(tmp_path, {"evidence": {"actors.A0.capability": {"assumption": "we doubt the paper"}}})
    scenario = load_scenario(child)
    entry = scenario.evidence["actors.A0.capability"]
    assert entry.source is None and entry.note is None and entry.assumption == "we doubt the paper"
    report = evidence_report(scenario)
    assert "actors.A0.capability" in report.assumed and "actors.A0.capability" not in report.cited


def test_child_may_delete_an_inherited_evidence_entry(tmp_path):
    _parent(tmp_path)
    scenario = load_scenario(_child(tmp_path, {"evidence": {"actors.A1": None}}))
    assert "actors.A1" not in scenario.evidence
    assert "actors.A1.capability" in evidence_report(scenario).bare


def test_changed_value_with_inherited_evidence_is_flagged(tmp_path):
    _parent(tmp_path)
    child = _child(tmp_path, {"actors": {"A0": {"capability": 0.9}, "A1": {"capability": 0.55}}})
    report = evidence_report(load_scenario(child))
    assert report.coverage == 1.0  # coverage alone would say all is well
    # both changed values lean on the parent's entries: a specific citation and a group assumption
    assert report.inherited == ["actors.A0.capability", "actors.A1.capability"]
    result = runner.invoke(app, ["validate", "--strict", str(child)])
    assert result.exit_code == 1
    assert INHERITED_MESSAGE in result.output
    assert "child.yaml:" in result.output and "actors.A0.capability" in result.output


def test_unchanged_values_and_own_citations_are_not_flagged(tmp_path):
    _parent(tmp_path)
    same = _child(tmp_path, {"actors": {"A0": {"capability": 0.5}}})  # the parent's value, written again
    assert evidence_report(load_scenario(same)).inherited == []
    cited = _child(tmp_path, {"actors": {"A0": {"capability": 0.9}},
                              "evidence": {"actors.A0.capability": {"assumption": "raised for this question"}}})
    assert evidence_report(load_scenario(cited)).inherited == []
    result = runner.invoke(app, ["validate", "--strict", str(cited)])
    assert result.exit_code == 0, result.output


def test_a_child_group_entry_counts_as_its_own_evidence(tmp_path):
    _parent(tmp_path)
    child = _child(tmp_path, {"actors": {"A1": {"capability": 0.9}},
                              "evidence": {"actors.A1": {"assumption": "A1 re-assessed as a whole"}}})
    assert evidence_report(load_scenario(child)).inherited == []


def test_group_coverage_is_counted(tmp_path):
    scenario = load_scenario(_parent(tmp_path))
    report = evidence_report(scenario)
    # A1's capability, position and salience come only from the group entry actors.A1
    assert sorted(report.via_group["actors.A1"]) == ["actors.A1.capability", "actors.A1.positions.i0",
                                                     "actors.A1.salience.i0"]
    assert "actors.A0.capability" not in report.via_group.get("actors.A0", [])
    assert report.n_via_group == sum(len(v) for v in report.via_group.values())
    result = runner.invoke(app, ["validate", str(tmp_path / "parent.yaml")])
    assert f"covered only through a group entry: {report.n_via_group} of {report.total}" in result.output


@pytest.mark.parametrize("event, field", [
    ({"label": "late", "at_round": 7}, "events.late.at_round"),
    ({"label": "late", "probability": 0.5, "window": [8, 9]}, "events.late.window"),
])
def test_events_that_can_never_fire_are_flagged(tmp_path, event, field):
    """Refused at load with file:line (issue 14's horizon rule, stricter than a --strict warning)."""
    data = minimal_scenario(evidence={"actors": {"assumption": "x"}, "issues": {"assumption": "x"},
                                      "events": {"assumption": "x"}})
    data["events"] = {"late": event}
    data["evidence"]["events.late"] = {"assumption": "x"}
    del data["evidence"]["events"]
    path = write_scenario(tmp_path, data)
    with pytest.raises(ScenarioError, match="beyond the horizon") as info:
        load_scenario(path)
    assert field in str(info.value) and str(path) in str(info.value)
    result = runner.invoke(app, ["validate", "--strict", str(path)])
    assert result.exit_code == 2 and field in result.output
    data["rounds"] = 12
    assert unreachable_events(load_scenario(write_scenario(tmp_path, data))) == []


def test_a_window_that_straddles_the_horizon_loads_and_a_shortened_child_is_flagged(tmp_path):
    """The relaxed rule: only an event that can never fire is refused at load; a child that shortens `rounds`
    under an inherited event loads, and `sim validate --strict` flags the event at the parent's line."""
    data = minimal_scenario(evidence={"actors": {"assumption": "x"}, "issues": {"assumption": "x"},
                                      "events": {"assumption": "x"}})
    data["events"] = {"late": {"label": "late", "probability": 0.5, "window": [4, 9]}}
    parent = write_scenario(tmp_path, data)
    assert unreachable_events(load_scenario(parent)) == []  # opens in round 4 of 6: may fire
    child = tmp_path / "child.yaml"
    child.write_text(yaml.safe_dump({"schema": 1, "extends": parent.name, "name": "child", "rounds": 3,
                                     "evidence": {"rounds": {"assumption": "a shorter look"}}}))
    assert [f for f, _ in unreachable_events(load_scenario(child))] == ["events.late.window"]
    assert runner.invoke(app, ["validate", str(child)]).exit_code == 0
    result = runner.invoke(app, ["validate", "--strict", str(child)])
    assert result.exit_code == 1 and f"{parent}:" in result.output and "events.late.window" in result.output


def test_missing_seed_file_is_an_error_with_file_and_line(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "present.txt").write_text("an article")
    data = minimal_scenario()
    data["sources"] = {"S1": {"outlet": "x", "date": "2025-01-01", "file": "present.txt"},
                       "S2": {"outlet": "y", "date": "2025-01-02", "file": "absent.txt"}}
    path = write_scenario(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    err = info.value
    assert "absent.txt" in str(err) and err.file == str(path) and err.field == "sources.S2.file"
    assert path.read_text().splitlines()[err.line - 1].strip().startswith("file: absent.txt")
    data["sources"]["S2"]["file"] = "present.txt"
    load_scenario(write_scenario(tmp_path, data))
