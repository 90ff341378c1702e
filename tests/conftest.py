"""Shared fixtures: paths, and a generator of small random scenarios for property tests."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

# CI runs the property tests on a fixed set of examples (HYPOTHESIS_PROFILE=ci, set by .ci/run) so a run is
# never red because of an example drawn for the first time; local runs keep exploring new examples and replay
# any failure from .hypothesis/ until it is fixed.
# No per-example deadline in either profile: speed targets live in benchmarks/, never in unit tests, and a loaded
# 2-core machine must not turn a correct property into a red run.
settings.register_profile("ci", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("default", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"


@pytest.fixture
def baseline_path() -> Path:
    return BASELINE


def minimal_scenario(n_actors: int = 2, n_issues: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid scenario dict with ``n_actors`` actors (first two veto) and ``n_issues`` issues (first is a base)."""
    issues = {f"i{j}": {"label": f"issue {j}", "base": j == 0, "status_quo": 50, "disagreement": 25}
              for j in range(n_issues)}
    actors = {}
    for i in range(n_actors):
        actors[f"A{i}"] = {
            "name": f"actor {i}", "role": "veto" if i < 2 else "influencer", "capability": 0.5 + 0.1 * i,
            "positions": {f"i{j}": (100 * ((i + j) % 3) / 2) for j in range(n_issues)},
            "salience": {f"i{j}": 0.5 for j in range(n_issues)},
        }
    data = {"schema": 1, "name": "mini", "title": "mini", "question": "does it run?", "as_of": "2025-01-28",
            "issues": issues, "actors": actors, "rounds": 6}
    data.update(overrides)
    return data


def write_scenario(folder: Path, data: dict[str, Any], name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
