"""The result store: resume after SIGKILL, partial sweeps, refusal to mix a changed sweep, flat layout."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.sweeps import StoreMismatchError, run_sweep
from sim.sweeps.analysis import analyze, load_results
from sim.sweeps.report import render_report

ROOT = Path(__file__).resolve().parents[1]
PI = math.pi


def ishigami_sweep(tmp: Path, name: str = "ishi", samples: int = 64, replications: int = 2,
                   options: dict | None = None, x3: float = PI) -> Path:
    spec = {"name": name, "evaluator": {"ishigami": {"noise": 0.5, **(options or {})}}, "design": "sobol",
            "samples": samples, "replications": replications, "seed": 5,
            "parameters": {"x1": [-PI, PI], "x2": [-PI, PI], "x3": [-x3, x3]}, "outputs": ["mean(y)"]}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def rows(directory: Path) -> pd.DataFrame:
    return load_results(directory).reset_index(drop=True)


def test_resume_after_sigkill_loses_and_repeats_nothing(tmp_path):
    sweep = ishigami_sweep(tmp_path, samples=32, options={"delay": 0.004})  # 32 x 5 x 2 = 320 runs, ~1.3 s
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim.sweeps", "sweep", str(sweep), "--out", str(out),
           "--chunk-size", "8", "--no-report"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(list((out / "parts").glob("part-*.parquet"))) < 5:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(rows(out))
    assert 0 < done < 320, "the kill must land mid-sweep"
    (out / "parts" / ".tmp-deadbeef.parquet").write_bytes(b"half a file")  # debris of a killed write
    again = run_sweep(sweep, out, chunk_size=8)
    assert again.n_done_before == done and again.n_ran == 320 - done
    assert not list((out / "parts").glob(".tmp-*"))
    resumed = rows(out)
    assert list(resumed.run_id) == list(range(320))  # none lost, none repeated
    run_sweep(sweep, tmp_path / "ref", chunk_size=1000)
    pd.testing.assert_frame_equal(resumed, rows(tmp_path / "ref"))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1, 120), min_size=1, max_size=4), st.integers(1, 50))
def test_any_split_into_partial_runs_gives_the_same_rows(tmp_path_factory, pieces, chunk):
    tmp = tmp_path_factory.mktemp("split")
    sweep = ishigami_sweep(tmp, samples=16)  # 160 runs
    for n in pieces:
        run_sweep(sweep, tmp / "split", max_runs=n, chunk_size=chunk)
    run_sweep(sweep, tmp / "split", chunk_size=chunk)
    run_sweep(sweep, tmp / "whole")
    pd.testing.assert_frame_equal(rows(tmp / "split"), rows(tmp / "whole"))


def test_partial_sweep_reports_and_analyzes(tmp_path):
    sweep = ishigami_sweep(tmp_path, samples=64)
    run_sweep(sweep, tmp_path / "p", max_runs=300, chunk_size=50)
    a = analyze(tmp_path / "p")
    assert not a.complete and a.runs_done == 300 and a.points_complete == 150
    assert a.indices["mean(y)"].attrs["blocks_used"] == 30  # complete Saltelli blocks of D + 2 = 5 points
    text = render_report(tmp_path / "p").read_text()
    assert "300 / 640" in text and "partial sweep" in text


def test_changed_sweep_refuses_to_mix(tmp_path):
    out = tmp_path / "o"
    run_sweep(ishigami_sweep(tmp_path, samples=16), out)
    changed = ishigami_sweep(tmp_path, "changed", samples=16, x3=2.0)
    with pytest.raises(StoreMismatchError, match="different sweep"):
        run_sweep(changed, out)
    mixed = run_sweep(changed, out, allow_mixed=True)
    assert mixed.n_done_before == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["generations"]) == 2
    assert rows(out)["generation"].eq(1).all()  # analyses read the newest generation
    new = run_sweep(ishigami_sweep(tmp_path, samples=16), out, force_new=True)
    assert new.n_done_before == 0 and list(tmp_path.glob("o.superseded-*"))


def test_manifest_records_hashes_version_and_seeds(tmp_path):
    run_sweep(ishigami_sweep(tmp_path, samples=16), tmp_path / "m")
    m = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert {"scenario_hash", "sweep_hash", "version", "seed", "seed_rule", "n_runs"} <= set(m)
    df = rows(tmp_path / "m")
    assert df["seed"].nunique() == len(df) == m["n_runs"]


def test_workers_never_hold_all_rows(tmp_path):
    """Parts are per chunk: a 2,560-run sweep in chunks of 100 is 26 files, not one in-memory table."""
    run_sweep(ishigami_sweep(tmp_path, samples=256), tmp_path / "c", chunk_size=100)
    assert len(list((tmp_path / "c" / "parts").glob("part-*.parquet"))) == 26
    assert os.path.getsize(tmp_path / "c" / "manifest.json") < 10_000
