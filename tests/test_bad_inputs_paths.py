"""Issue 14, items 1, 2, 3 and 8: bounded YAML, outputs that never leave their folder, escaped messages, no stale
files after a rerun."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli.main import app
from sim.errors import ScenarioError, SimError
from sim.names import named_folder
from sim.scenario.loader import load_scenario
from sim.scenario.yaml_source import MAX_VALUES, read_yaml
from tests.bad_inputs.scenario_cases import _bomb, base, dump

runner = CliRunner()


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_alias_bomb_and_dev_zero_are_refused_within_a_second(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_bomb())
    assert len(bomb.read_bytes()) < 400  # expands to 9**9 values
    child = tmp_path / "child.yaml"
    child.write_text("extends: /dev/zero\nname: child\n")
    for path, expected in ((bomb, f"more than {MAX_VALUES:,} values"), (child, "device"),
                           (Path("/dev/zero"), "device")):
        start = time.perf_counter()
        with pytest.raises(ScenarioError, match=expected):
            load_scenario(path) if path == child else read_yaml(path)
        assert time.perf_counter() - start < 1.0


def test_aliases_within_the_cap_still_work(tmp_path):
    data = base()
    text = dump(data).replace("status_quo: 50", "status_quo: &sq 50", 1).replace("disagreement: 25",
                                                                                 "disagreement: *sq", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text)
    assert load_scenario(path).issues["i0"].disagreement == 50


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_a_name_gives_a_folder_inside_its_base_or_is_refused(tmp_path_factory, name):
    base_dir = tmp_path_factory.mktemp("base")
    try:
        folder = named_folder(base_dir, name, "scenario")
    except SimError:
        return
    assert folder.resolve().parent == base_dir.resolve()


@pytest.mark.parametrize("name", ["../../escaped", "/tmp/sim-escaped-abs", "a/../../b", "..", ".hidden", "x/y"])
def test_run_and_sweep_outputs_never_leave_the_output_folder(tmp_path, monkeypatch, name):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    data = base()
    data["name"] = name
    (work / "s.yaml").write_text(dump(data))
    sweep = {"scenario": "s.yaml", "design": "grid", "samples": 2, "name": name,
             "parameters": {"actors.A0.salience.i0": [0.2, 0.8]}, "outputs": ["P(agreed)"]}
    (work / "w.yaml").write_text(yaml.safe_dump(sweep))
    before = _files(tmp_path)
    for argv in (["run", "s.yaml", "-n", "5", "--no-plots"], ["sweep", "w.yaml", "--no-report"]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 2 and "name" in result.stderr, result.output
    assert _files(tmp_path) == before
    assert not Path("/tmp/sim-escaped-abs").exists()


def test_a_good_name_writes_only_under_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text(dump(base()))
    before = _files(tmp_path)
    assert runner.invoke(app, ["run", "s.yaml", "-n", "5", "--no-plots"]).exit_code == 0
    assert {p.relative_to(tmp_path).parts[:2] for p in _files(tmp_path) - before} == {("out", "mini")}


def test_brackets_in_messages_print_as_written(tmp_path):
    reversed_window, markup_key = base(), base()
    reversed_window["events"]["shock"]["window"] = [5, 2]
    markup_key["actors"]["A0"]["[/x]"] = 1
    for data, expected in ((reversed_window, "expected [first, last] with 1 <= first <= last"),
                           (markup_key, "unknown key '[/x]'")):
        (tmp_path / "s.yaml").write_text(dump(data))
        result = runner.invoke(app, ["validate", str(tmp_path / "s.yaml")])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
        assert expected in result.stderr


def test_rerun_replaces_the_previous_result_and_its_plots(tmp_path):
    scenario, out = tmp_path / "s.yaml", tmp_path / "o"
    scenario.write_text(dump(base()))
    assert runner.invoke(app, ["run", str(scenario), "-n", "5", "--no-plots", "--out", str(out)]).exit_code == 0
    (out / "plots").mkdir()
    (out / "plots" / "outcomes.png").write_bytes(b"stale plot from an earlier run")
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(app, ["run", str(scenario), "-n", "6", "--no-plots", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "plots" / "outcomes.png").exists()  # nothing stale beside the new tables
    assert (out / "notes.txt").read_text() == "mine"  # files sim run never writes are left alone
    assert '"replications": 6' in (out / "manifest.json").read_text()


def test_a_foreign_folder_needs_force_and_keeps_its_files(tmp_path):
    scenario, out = tmp_path / "s.yaml", tmp_path / "mine"
    scenario.write_text(dump(base()))
    out.mkdir()
    (out / "thesis.tex").write_text("do not touch")
    refused = runner.invoke(app, ["run", str(scenario), "-n", "5", "--no-plots", "--out", str(out)])
    assert refused.exit_code == 2 and "--force" in refused.stderr
    forced = runner.invoke(app, ["run", str(scenario), "-n", "5", "--no-plots", "--out", str(out), "--force"])
    assert forced.exit_code == 0 and (out / "thesis.tex").read_text() == "do not touch"
    assert (out / "replications.parquet").exists()
