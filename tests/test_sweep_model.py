"""The negotiation model through the sweep engine: rows, mechanism override, report with plots, CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli.main import app
from sim.experiments.replication import run_replication
from sim.scenario import compile_scenario, load_scenario
from sim.sweeps import load_sweep, run_sweep
from sim.sweeps.analysis import analyze, load_results
from sim.sweeps.discovery import discover_sweep

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
OUTPUTS = ["P(category.tartus >= reduced_presence)", "mean(outcome.tartus)", "P(agreed)",
           "mean(agreement_round)"]


def model_sweep(tmp: Path, design: str = "sobol", samples: int = 8, reps: int = 2, **extra) -> Path:
    spec = {"scenario": str(BASELINE), "design": design, "samples": samples, "replications": reps, "seed": 1,
            "parameters": {"actors.TUR.capability": [0.3, 0.8], "relations.TUR->SYR.influence": [0.2, 0.8],
                           "actors.SYR.positions.tartus": [10, 80]},
            "outputs": OUTPUTS, "discovery": "category.tartus <= reduced_presence", **extra}
    path = tmp / f"{design}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def sobol_dir(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("model")
    run_sweep(model_sweep(tmp), tmp / "serial", chunk_size=9)
    return tmp / "serial"


def test_rows_are_model_replications(sobol_dir):
    df = load_results(sobol_dir)
    assert len(df) == 8 * 5 * 2 and df["run_id"].is_unique
    row = df.iloc[7]
    compiled = compile_scenario(load_scenario(BASELINE))
    params = {k: row[k] for k in ("actors.TUR.capability", "relations.TUR->SYR.influence",
                                  "actors.SYR.positions.tartus")}
    again = run_replication(compiled, int(row["seed"]), overrides=params).summary()
    assert again["outcome.tartus"] == pytest.approx(row["outcome.tartus"])
    assert again["category.tartus"] == row["category.tartus"]


def test_processes_match_serial_for_the_model(tmp_path, sobol_dir):
    run_sweep(model_sweep(tmp_path), tmp_path / "proc", executor="processes", workers=2, chunk_size=5)
    pd.testing.assert_frame_equal(load_results(tmp_path / "proc"), load_results(sobol_dir))


def test_analysis_and_discovery(sobol_dir):
    a = analyze(sobol_dir)
    assert a.complete and set(a.indices) == set(OUTPUTS)
    t = a.indices["mean(outcome.tartus)"]
    assert list(t.columns) == ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
    d = discover_sweep(sobol_dir)
    assert d is not None and {"density", "coverage", "support", "box"} <= set(d.boxes.columns)
    assert d.boxes["coverage"].sum() == pytest.approx(1.0) or d.base_rate == 0


def test_mechanism_override_changes_the_identity(tmp_path):
    a = load_sweep(model_sweep(tmp_path))
    b = load_sweep(model_sweep(tmp_path, mechanism="compromise"))
    assert a.hash != b.hash and b.mechanism == {"name": "compromise", "params": {}}
    run_sweep(b, tmp_path / "comp", chunk_size=40)
    assert len(load_results(tmp_path / "comp")) == 80


def test_cli_runs_and_reports(tmp_path):
    sweep = model_sweep(tmp_path, design="oat", samples=3, reps=4)
    res = CliRunner().invoke(app, ["sweep", str(sweep), "--out", str(tmp_path / "cli"), "--executor", "serial"])
    assert res.exit_code == 0, res.output
    report = tmp_path / "cli" / "report" / "report.md"
    text = report.read_text()
    assert "Output `mean(outcome.tartus)`" in text and "oat_mean_outcome_tartus.png" in text
    assert (report.parent / "oat_mean_outcome_tartus.png").stat().st_size > 1000
    res = CliRunner().invoke(app, ["report", str(tmp_path / "cli")])
    assert res.exit_code == 0


def test_cli_reports_spec_errors_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"scenario: {BASELINE}\nsamples: 100\nparameters: {{actors.TUR.capability: [0, 1]}}\n"
                   "outputs: [P(agreed)]\n")
    res = CliRunner().invoke(app, ["sweep", str(bad)])
    assert res.exit_code == 2 and "power of 2" in res.output and "Traceback" not in res.output


def test_changed_scenario_is_detected(tmp_path):
    from sim.sweeps import StoreMismatchError

    scen = tmp_path / "variant.yaml"
    scen.write_text(f"extends: {BASELINE}\nname: variant\nrounds: 24\n")
    sweep = tmp_path / "s.yaml"
    sweep.write_text("scenario: variant.yaml\ndesign: oat\nreplications: 1\n"
                     "parameters: {actors.TUR.capability: [0.3, 0.8]}\noutputs: [P(agreed)]\n")
    run_sweep(sweep, tmp_path / "out")
    scen.write_text(f"extends: {BASELINE}\nname: variant\nrounds: 30\n")
    with pytest.raises(StoreMismatchError, match="different scenario"):
        run_sweep(sweep, tmp_path / "out")


def test_finished_models_are_released():
    """Mesa 3.3 keeps every model alive through Agent._ids (mesa#3179); the evaluator must not leak them."""
    import gc

    from sim.model.model import NegotiationModel
    from sim.sweeps.evaluators import ModelEvaluator

    ev = ModelEvaluator(str(BASELINE))
    for seed in range(30):
        ev({"actors.TUR.capability": 0.5}, seed)
    gc.collect()
    assert sum(isinstance(o, NegotiationModel) for o in gc.get_objects()) <= 1
