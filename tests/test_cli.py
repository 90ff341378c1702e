"""The command line end to end: `sim run` on the baseline, `sim validate`, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
from typer.testing import CliRunner

from sim.cli.main import app
from tests.conftest import BASELINE, ROOT, minimal_scenario, write_scenario

runner = CliRunner()


def test_sim_run_baseline_end_to_end_through_the_console_script(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(BASELINE), "-n", "40", "--seed", "7",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "new agreement signed" in proc.stdout and "talks still open" in proc.stdout and "tartus" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["replications"] == 40 and len(manifest["scenario_hash"]) == 64
    assert "syria-bases-sim" in manifest["versions"]
    replications = pd.read_parquet(out / "replications.parquet")
    assert len(replications) == 40
    table = pd.read_csv(out / "outcome_table.csv")
    for issue in ("tartus", "hmeimim"):
        assert abs(table[table.issue == issue].probability.sum() - 1) < 1e-9
    trajectories = pd.read_parquet(out / "trajectories.parquet")
    assert set(trajectories.columns) == {"replication", "round", "actor", "issue", "position"}
    assert pd.read_parquet(out / "rounds.parquet")["round"].min() == 1
    for plot in ("outcomes.png", "trajectories.png", "network.png"):
        assert (out / "plots" / plot).stat().st_size > 1000


def test_same_seed_same_files(tmp_path):
    for name in ("a", "b"):
        result = runner.invoke(app, ["run", str(BASELINE), "-n", "15", "--seed", "3", "--out", str(tmp_path / name),
                                     "--no-plots"])
        assert result.exit_code == 0, result.output
    a = pd.read_parquet(tmp_path / "a" / "replications.parquet")
    b = pd.read_parquet(tmp_path / "b" / "replications.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_validate_reports_full_coverage_on_the_baseline():
    result = runner.invoke(app, ["validate", str(BASELINE), "--strict"])
    assert result.exit_code == 0, result.output
    assert "evidence coverage: 100%" in result.output
    assert "bare 0" in result.output


def test_validate_strict_fails_on_bare_parameters(tmp_path):
    path = write_scenario(tmp_path, minimal_scenario())
    result = runner.invoke(app, ["validate", str(path), "--strict"])
    assert result.exit_code == 1
    assert "bare" in result.output


def test_bad_scenario_gives_a_message_not_a_traceback(tmp_path):
    data = minimal_scenario()
    data["actors"]["A0"]["salience"]["i0"] = "high"
    path = write_scenario(tmp_path, data)
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(path), "-n", "2"], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "scenario.yaml:" in proc.stderr and "actors.A0.salience.i0" in proc.stderr


def test_unknown_mechanism_is_a_clean_error():
    result = runner.invoke(app, ["run", str(BASELINE), "-n", "2", "--mechanism", "nope", "--no-plots"])
    assert result.exit_code == 2
    assert "unknown mechanism" in result.output


def test_catalogue_commands():
    result = runner.invoke(app, ["mechanisms"])
    assert result.exit_code == 0 and "bargaining" in result.output and "compromise" in result.output
    result = runner.invoke(app, ["scenarios", str(ROOT / "scenarios")])
    assert result.exit_code == 0 and "baseline.yaml" in result.output
