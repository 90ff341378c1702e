"""`sim.run`: the Python API mirrors the CLI and returns DataFrames; workers never change the rows."""

from __future__ import annotations

import sys
import threading

import pandas as pd
import pytest

import sim
from sim.experiments import processes, runner
from tests.conftest import BASELINE


def test_run_returns_frames_and_a_manifest():
    result = sim.run(BASELINE, n=30, seed=11)
    assert len(result.replications) == 30
    assert {"agreed", "outcome.tartus", "category.tartus", "utility.RUS"} <= set(result.replications.columns)
    assert {"offer.tartus", "offer_utility.SYR", "events", "proposer"} <= set(result.rounds.columns)
    assert result.manifest["scenario_hash"] == sim.load_scenario(BASELINE).hash
    assert result.manifest["seed"] == 11
    assert (result.table.probability.between(0, 1)).all()


def test_workers_do_not_change_results():
    """2,001 replications: three chunks of at most 1,000 over two workers (the first carries the recorded rounds)."""
    assert len(runner._chunk_bounds(2001, 2)) == 3
    serial = sim.run(BASELINE, n=2001, seed=5, trajectories=True, trajectory_runs=30)
    parallel = sim.run(BASELINE, n=2001, seed=5, workers=2, trajectories=True, trajectory_runs=30)
    pd.testing.assert_frame_equal(serial.replications, parallel.replications)
    pd.testing.assert_frame_equal(serial.rounds, parallel.rounds)
    pd.testing.assert_frame_equal(serial.trajectories, parallel.trajectories)


def test_the_positions_table_is_handed_over_while_later_chunks_still_run():
    """``on_trajectories`` gets the result's own positions table once, after the chunk holding the recorded runs
    and before the last chunk is in (``sim run`` draws its trajectories figure meanwhile)."""
    events: list[object] = []
    result = sim.run(BASELINE, n=2001, seed=4, workers=2, trajectory_runs=20,
                     progress=lambda done, total: events.append(done), on_trajectories=events.append)
    handed = [e for e in events if isinstance(e, pd.DataFrame)]
    assert len(handed) == 1 and handed[0] is result.trajectories
    assert set(result.trajectories["replication"]) == set(range(20))
    where = next(i for i, e in enumerate(events) if isinstance(e, pd.DataFrame))
    assert 0 < events[where - 1] < 2001 and events[-1] == 2001  # after the first chunk, before the last
    quiet: list[object] = []
    sim.run(BASELINE, n=30, seed=4, trajectories=False, on_trajectories=quiet.append)
    assert quiet == []  # no recorded runs: nothing to hand over


def test_diagnostics_add_their_columns_and_keep_the_recorded_runs():
    """``diagnostics=True`` adds the Pareto and Nash columns to the same rows, and per-round tables still cover only
    the first ``trajectory_runs`` replications."""
    plain = sim.run(BASELINE, n=24, seed=2, trajectory_runs=5)
    checked = sim.run(BASELINE, n=24, seed=2, trajectory_runs=5, diagnostics=True)
    extra = ["pareto_optimal", "pareto_gain", "pareto_optimal_within_bottom_lines", "pareto_gain_within_bottom_lines",
             "nash_distance", "nash_distance_within_bottom_lines"]
    assert list(checked.replications.columns) == [*plain.replications.columns, *extra]
    pd.testing.assert_frame_equal(checked.replications.drop(columns=extra), plain.replications)
    assert checked.replications["pareto_gain"].ge(0).all() and checked.replications["nash_distance"].notna().any()
    assert set(checked.trajectories["replication"]) == set(range(5))
    pd.testing.assert_frame_equal(checked.rounds, plain.rounds)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is chosen only on Linux")
def test_workers_are_forked_only_when_no_other_thread_runs(monkeypatch):
    """Decided on the thread count (a test process keeps other tests' threads, so it is set here)."""
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)
    assert runner._process_context().get_start_method() == "fork"
    monkeypatch.setattr(processes.threading, "active_count", lambda: 2)
    assert runner._process_context().get_start_method() in ("forkserver", "spawn")


def test_the_cli_forks_workers_with_no_progress_thread_running(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from sim.cli.main import app

    seen: list[int] = []
    before = threading.active_count()  # other tests may have left threads; the progress bar must add none
    original = runner._process_context
    monkeypatch.setattr(runner, "_process_context", lambda: (seen.append(threading.active_count()), original())[1])
    result = CliRunner().invoke(app, ["run", str(BASELINE), "-n", "1001", "-w", "2", "--no-plots",
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert seen == [before]


def test_mechanism_override_and_bad_arguments():
    result = sim.run(BASELINE, n=5, mechanism="compromise", trajectories=False)
    assert result.manifest["mechanism"] == "compromise"
    assert result.replications.agreement_round.eq(1).all()
    with pytest.raises(ValueError):
        sim.run(BASELINE, n=0)


def test_overrides_apply_to_every_replication():
    result = sim.run(BASELINE, n=10, overrides={"actors.SYR.positions.tartus": 0.0, "actors.SYR.capability": 5.0},
                     mechanism="compromise")
    baseline = sim.run(BASELINE, n=10, mechanism="compromise")
    assert (result.replications["outcome.tartus"] < baseline.replications["outcome.tartus"]).all()
