"""Issue 14, items 5, 6 and 7: a sweep folder survives damage, quotes, a second writer and dying Dask workers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli.main import app
from sim.errors import SimError, SimWarning
from sim.sweeps import run_sweep
from sim.sweeps.analysis import load_results, point_results
from sim.sweeps.integrity import SweepLocked, folder_lock
from sim.sweeps.store import read_store
from tests.conftest import ROOT
from tests.test_sweep_store import ishigami_sweep, rows

runner = CliRunner()


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    run_sweep(ishigami_sweep(tmp, samples=16), tmp / "ref", chunk_size=20)  # 16 x 5 points x 2 reps = 160 runs
    return rows(tmp / "ref")


def test_a_quote_in_the_folder_name_is_just_a_character(tmp_path, reference):
    out = tmp_path / "it's \"here\""
    run_sweep(ishigami_sweep(tmp_path, samples=16), out, chunk_size=20)
    pd.testing.assert_frame_equal(rows(out), reference)
    assert len(point_results(out)) == 80


def test_duplicated_part_files_still_give_one_row_per_run(tmp_path, reference):
    out = tmp_path / "dup"
    run_sweep(ishigami_sweep(tmp_path, samples=16), out, chunk_size=20)
    for part in sorted((out / "parts").glob("part-*.parquet"))[:3]:
        shutil.copy(part, part.with_name(part.name.replace(".parquet", "-copy.parquet")))
    pd.testing.assert_frame_equal(rows(out), reference)
    points = point_results(out)
    assert (points["n"] == 2).all() and len(points) == 80


def test_a_truncated_manifest_is_rebuilt_and_the_sweep_resumes(tmp_path, reference):
    sweep, out = ishigami_sweep(tmp_path, samples=16), tmp_path / "cut"
    run_sweep(sweep, out, max_runs=50, chunk_size=10)
    text = (out / "manifest.json").read_text()
    (out / "manifest.json").write_text(text[: len(text) // 2])
    result = runner.invoke(app, ["report", str(out)])
    assert result.exit_code == 2 and "manifest.json is damaged" in result.stderr
    with pytest.warns(SimWarning, match="manifest.json is damaged.*rebuilt"):
        again = run_sweep(sweep, out, chunk_size=10)
    assert again.n_done_before == 50
    pd.testing.assert_frame_equal(rows(out), reference)


def test_a_damaged_manifest_of_another_sweep_is_not_rebuilt(tmp_path):
    out = tmp_path / "other"
    run_sweep(ishigami_sweep(tmp_path, samples=16), out, max_runs=20)
    (out / "manifest.json").write_text("{")
    with pytest.raises(SimError, match="cannot be rebuilt"):
        run_sweep(ishigami_sweep(tmp_path, name="ishi2", samples=32), out)


def test_a_truncated_part_is_set_aside_and_its_runs_run_again(tmp_path, reference):
    sweep, out = ishigami_sweep(tmp_path, samples=16), tmp_path / "part"
    run_sweep(sweep, out, max_runs=80, chunk_size=10)
    victim = sorted((out / "parts").glob("part-*.parquet"))[2]
    victim.write_bytes(victim.read_bytes()[:100])
    with pytest.warns(SimWarning, match="is damaged"):
        assert len(load_results(out)) == 70  # reading leaves the damaged part out
    result = runner.invoke(app, ["sweep", str(sweep), "--out", str(out), "--no-report", "--chunk-size", "10"])
    assert result.exit_code == 0, result.output
    assert f"warning: part file {victim.name} is damaged" in result.stderr
    assert (out / "damaged" / victim.name).exists()
    pd.testing.assert_frame_equal(rows(out), reference)


def test_a_held_lock_refuses_a_second_writer(tmp_path):
    with folder_lock(tmp_path / "sw"), pytest.raises(SweepLocked, match=f"process {os.getpid()}"):
        run_sweep(ishigami_sweep(tmp_path, samples=16), tmp_path / "sw")
    run_sweep(ishigami_sweep(tmp_path, samples=16), tmp_path / "sw")  # released with its holder


def test_two_concurrent_sweeps_on_one_folder_end_with_one_row_per_run(tmp_path):
    """Both start at once; whichever takes the lock first runs the sweep, the other is refused in one line."""
    sweep = ishigami_sweep(tmp_path, samples=32, options={"delay": 0.05})  # 320 runs, ~16 s of sleeping
    out = tmp_path / "shared"
    cmd = [sys.executable, "-m", "sim", "sweep", str(sweep), "--out", str(out), "--chunk-size", "8", "--no-report"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), p.communicate()[1]) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "another `sim sweep`" in refused and len(refused.strip().splitlines()) == 1, refused
    assert not any("Traceback" in err for _, err in results)
    got = rows(out)
    assert list(got.run_id) == list(range(320))  # exactly one row per (point, replication)


def test_dask_workers_that_keep_dying_end_in_one_line_with_resume_advice(tmp_path):
    pytest.importorskip("dask.distributed")
    import dask

    from sim.sweeps.executors import DaskExecutor, WorkersLost

    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        ex = DaskExecutor(workers=1, resubmits=1, cluster_kwargs={"n_workers": 1, "processes": True})
        try:
            with pytest.raises(WorkersLost, match="died 2 times"):
                list(ex.map(_die, None, [_Task()]))
        finally:
            ex.close()


def test_workers_lost_mid_sweep_keeps_the_rows_and_says_how_to_resume(tmp_path, monkeypatch, reference):
    from sim.sweeps import executors, run

    class Flaky(executors.SerialExecutor):
        def map(self, fn, ref, tasks):
            for i, task in enumerate(tasks):
                if i == 3:
                    raise executors.WorkersLost("Dask workers died 3 times in a row running the chunk of runs")
                yield fn(ref, task)

    sweep, out = ishigami_sweep(tmp_path, samples=16), tmp_path / "flaky"
    monkeypatch.setattr(run, "make_executor", lambda *a, **k: Flaky())
    result = runner.invoke(app, ["sweep", str(sweep), "--out", str(out), "--no-report", "--chunk-size", "10"])
    assert result.exit_code == 2 and "run the same command again to resume" in result.stderr
    assert len(result.stderr.strip().splitlines()[-1:]) == 1 and result.exception is not None
    monkeypatch.undo()
    run_sweep(sweep, out, chunk_size=10)
    pd.testing.assert_frame_equal(rows(out), reference)


class _Task:
    first, generation = 0, 0


def _die(ref, task):
    os._exit(3)


def test_report_refuses_a_run_folder_in_one_line(tmp_path):
    (tmp_path / "manifest.json").write_text('{"seed_scheme": "x", "replications": 3}')
    with warnings.catch_warnings(), pytest.raises(SimError, match="holds a `sim run` result"):
        read_store(tmp_path)
