"""One seeds module: every seed derivation in ``sim`` goes through :mod:`sim.core.seeds`, by the documented rules."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.core.seeds import replication_generator, replication_seed, spawned, sweep_run_seed
from sim.sweeps.store import SEED_RULE

SIM = Path(__file__).resolve().parents[1] / "sim"
HOME = SIM / "core" / "seeds.py"
#: the external validation's scoring (cross-validation folds, bootstraps) still builds its own streams from
#: ``SeedSequence(seed)``; those files belong to work in progress and move to sim.core.seeds next. Its runner
#: (sim/validation/runner.py, the mechanisms' streams) already uses sim.core.seeds.
NOT_YET_MOVED = "validation/"
CONSTRUCTORS = {"SeedSequence", "default_rng", "RandomState", "Generator"}


def _constructs_streams(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in CONSTRUCTORS:
                lines.append(node.lineno)
    return lines


def test_streams_are_built_only_in_the_seeds_module():
    found = {str(p.relative_to(SIM)): lines for p in SIM.rglob("*.py") if p != HOME
             for lines in [_constructs_streams(p)] if lines}
    stray = {k: v for k, v in found.items() if not k.startswith(NOT_YET_MOVED) or k == "validation/runner.py"}
    assert not stray, stray
    assert _constructs_streams(HOME)  # the scan sees a constructor where there is one


@given(st.integers(0, 2**63 - 1), st.integers(0, 10**6), st.integers(0, 10**4))
def test_sweep_run_seed_is_the_rule_the_manifest_records(seed, point, rep):
    assert SEED_RULE == "SeedSequence(seed, spawn_key=(point, rep)).generate_state(1, uint64)[0] >> 1"
    expected = int(np.random.SeedSequence(seed, spawn_key=(point, rep)).generate_state(1, np.uint64)[0] >> 1)
    assert sweep_run_seed(seed, point, rep) == expected
    assert 0 <= expected < 2**63


@given(st.integers(0, 2**32), st.integers(0, 1000))
def test_replication_seed_is_addressable_spawning(seed, rep):
    """Replication ``r``'s seed is the r-th spawned child, whatever order replications are scheduled in."""
    child = spawned(seed, rep + 1)[rep]
    draw = replication_generator(replication_seed(seed, rep)).random(3)
    np.testing.assert_array_equal(draw, replication_generator(child).random(3))
