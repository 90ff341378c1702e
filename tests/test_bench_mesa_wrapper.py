"""The benchmark's ``mesa.batch_run`` wrapper returns the sweep engine's rows (so the two runners do the same work).

Mesa's ``batch_run`` reads the data collector at index ``steps - 1``; a wrapper that also collects in ``__init__``
gets the row one step early (every output ``None``). This checks the fixed wrapper row for row against
``run_sweep`` on a few baseline design points, for the model and for the Ishigami test function.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim.sweeps import run_sweep
from sim.sweeps.analysis import load_results

ROOT = Path(__file__).resolve().parents[1]


def wrappers():
    spec = importlib.util.spec_from_file_location("mesa_sweep_models", ROOT / "benchmarks" / "mesa_sweep_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sweep_file(tmp: Path, **spec) -> Path:
    path = tmp / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "design": "lhs", "seed": 3, **spec}))
    return path


def same(engine: pd.DataFrame, mesa_rows: list[dict], columns: list[str]) -> None:
    got = pd.DataFrame(mesa_rows).sort_values(["point", "rep"]).reset_index(drop=True)
    want = engine.sort_values(["point", "rep"]).reset_index(drop=True)
    assert len(got) == len(want) and (got[["point", "rep"]].to_numpy() == want[["point", "rep"]].to_numpy()).all()
    for c in columns:
        a, b = got[c].to_numpy(), want[c].to_numpy()
        if b.dtype.kind == "f":
            np.testing.assert_allclose(a.astype(float), b, atol=1e-9, rtol=0, err_msg=c)
        else:
            assert list(map(str, a)) == list(map(str, b)), c


def test_batch_run_wrapper_returns_the_engines_model_rows(tmp_path):
    path = sweep_file(tmp_path, scenario=str(ROOT / "scenarios" / "baseline.yaml"), samples=3, replications=2,
                      parameters={"actors.TUR.capability": [0.3, 0.8], "actors.SYR.positions.tartus": [30, 80]},
                      outputs=["mean(outcome.tartus)"])
    run_sweep(path, tmp_path / "out")
    engine = load_results(tmp_path / "out")
    rows = wrappers().batch_run_rows(str(path))
    assert all(r["status"] is not None for r in rows), "batch_run read the row one step early"
    outcome = [c for c in engine.columns if c.startswith(("outcome.", "category.", "utility."))]
    assert len(outcome) >= 6
    same(engine, rows, ["status", "agreed", "agreement_round", "rounds_played", *outcome])


def test_batch_run_wrapper_returns_the_engines_ishigami_rows(tmp_path):
    path = sweep_file(tmp_path, evaluator={"ishigami": {"noise": 0.5}}, samples=5, replications=3,
                      parameters={n: [-math.pi, math.pi] for n in ("x1", "x2", "x3")}, outputs=["mean(y)"])
    run_sweep(path, tmp_path / "out")
    same(load_results(tmp_path / "out"), wrappers().batch_run_rows(str(path)), ["y", "y_exact", "positive"])
