"""`sim.run`: the Python API mirrors the CLI and returns DataFrames; workers never change the rows."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
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
    serial = sim.run(BASELINE, n=24, seed=5)
    parallel = sim.run(BASELINE, n=24, seed=5, workers=2)
    pd.testing.assert_frame_equal(serial.replications, parallel.replications)
    pd.testing.assert_frame_equal(serial.trajectories, parallel.trajectories)


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
