"""Executors give identical rows, row for row; a Dask worker dying mid-sweep does not lose the sweep."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.sweeps import run_sweep
from sim.sweeps.analysis import load_results

pytest.importorskip("dask.distributed")

PI = math.pi
INPROC = {"cluster_kwargs": {"processes": False, "n_workers": 1, "threads_per_worker": 2}}


def sweep_file(tmp: Path, name: str, options: dict | None = None, samples: int = 32) -> Path:
    spec = {"name": name, "evaluator": {"ishigami": {"noise": 1.0, **(options or {})}}, "design": "sobol",
            "samples": samples, "replications": 3, "seed": 9,
            "parameters": {"x1": [-PI, PI], "x2": [-PI, PI], "x3": [-PI, PI]}, "outputs": ["mean(y)"]}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def rows(directory: Path) -> pd.DataFrame:
    return load_results(directory).reset_index(drop=True)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    tmp = tmp_path_factory.mktemp("ref")
    run_sweep(sweep_file(tmp, "eq"), tmp / "serial", executor="serial")
    return rows(tmp / "serial")


@pytest.mark.parametrize(("executor", "workers", "options", "chunk"), [
    ("serial", 1, None, 7),
    ("processes", 2, None, 13),
    ("dask", 1, INPROC, 11),
])
def test_same_rows_whatever_the_executor(tmp_path, reference, executor, workers, options, chunk):
    run_sweep(sweep_file(tmp_path, "eq"), tmp_path / executor, executor=executor, workers=workers,
              executor_options=options, chunk_size=chunk)
    pd.testing.assert_frame_equal(rows(tmp_path / executor), reference)


def test_dask_with_two_real_worker_processes(tmp_path, reference):
    run_sweep(sweep_file(tmp_path, "eq"), tmp_path / "dask2", executor="dask", workers=2, chunk_size=16)
    pd.testing.assert_frame_equal(rows(tmp_path / "dask2"), reference)


def test_dask_worker_dying_mid_sweep_still_completes(tmp_path, reference):
    marker = tmp_path / "died"
    run_sweep(sweep_file(tmp_path, "eq", {"die_once_marker": str(marker)}), tmp_path / "crash",
              executor="dask", workers=2, chunk_size=16)
    assert marker.exists(), "a worker process must actually have died"
    got = rows(tmp_path / "crash")
    assert list(got.run_id) == list(range(len(reference)))
    pd.testing.assert_series_equal(got["y"], reference["y"])
    pd.testing.assert_series_equal(got["seed"], reference["seed"])


def test_dask_connects_to_a_running_scheduler(tmp_path, reference):
    from dask.distributed import LocalCluster

    with LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0") as cluster:
        run_sweep(sweep_file(tmp_path, "eq"), tmp_path / "sched", executor="dask",
                  scheduler=cluster.scheduler_address, chunk_size=20)
    pd.testing.assert_frame_equal(rows(tmp_path / "sched"), reference)


def test_process_pool_worker_death_is_reported_and_resumable(tmp_path, reference):
    from sim.errors import SimError

    marker = tmp_path / "died"
    sweep = sweep_file(tmp_path, "eq", {"die_once_marker": str(marker)})
    with pytest.raises(SimError, match="run the same command again"):
        run_sweep(sweep, tmp_path / "pp", executor="processes", workers=2, chunk_size=16)
    run_sweep(sweep, tmp_path / "pp", executor="processes", workers=2, chunk_size=16)  # marker exists now
    pd.testing.assert_series_equal(rows(tmp_path / "pp")["y"], reference["y"])
