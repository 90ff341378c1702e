"""The issue-3 mechanisms run inside the Mesa model on the baseline Syria scenario."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("name", ["bdm", "ktab", "exchange"])
def test_runs_on_the_baseline_scenario(name):
    from pathlib import Path

    import sim
    from sim.experiments.replication import run_replication
    from sim.scenario import compile_scenario

    path = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    if not path.is_file():
        pytest.skip("baseline scenario not present")
    compiled = compile_scenario(sim.load_scenario(path))
    summary = run_replication(compiled, seed=1, mechanism=name).summary()
    outcomes = [v for k, v in summary.items() if k.startswith("outcome.")]
    assert outcomes and all(0.0 <= v <= 100.0 for v in outcomes)
    assert any(k.startswith("category.") for k in summary)
