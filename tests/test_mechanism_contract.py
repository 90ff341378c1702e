"""The contract every registered mechanism passes (in the spirit of Axelrod's TestPlayer): a new mechanism added to
``sim.mechanisms.registry.MECHANISMS`` gets these checks without writing a test.

On random scenarios with N actors (two veto players) and M issues: the run ends, positions and outcomes stay on the
scale, the same seed gives the same row, the outcome goes through the shared classifier (a known status and a
category per base), and where the mechanism has a batch path its rows equal the one-model-per-replication rows.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.categories import CATEGORIES
from sim.core.seeds import replication_seed
from sim.experiments.batch import run_batch
from sim.experiments.replication import run_replication
from sim.mechanisms.registry import MECHANISMS, create
from sim.scenario import compile_scenario
from sim.scenario.schema import Scenario

STATUSES = {"signed", "breakdown", "unresolved", "forecast"}


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n = draw(st.integers(2, 5))
    m = draw(st.integers(1, 4))
    issues = {f"i{j}": {"label": f"issue {j}", "base": j == 0, "status_quo": draw(st.integers(0, 100)),
                        "disagreement": draw(st.integers(0, 100))} for j in range(m)}
    actors = {}
    for i in range(n):
        actors[f"A{i}"] = {
            "name": f"actor {i}", "role": "veto" if i < 2 else "influencer",
            "capability": draw(st.floats(0.1, 1.0)),
            "discount": draw(st.floats(0.8, 0.99)),
            "positions": {f"i{j}": draw(st.integers(0, 100)) for j in range(m)},
            "salience": {f"i{j}": draw(st.floats(0.05, 1.0)) for j in range(m)},
            "reservation": {f"i{j}": draw(st.integers(0, 100)) for j in range(m)},
        }
    relations = {f"A{n - 1}->A0": {"influence": draw(st.floats(0.0, 0.5)), "alignment": 0.5}}
    return Scenario.model_validate({"name": "random", "title": "random", "question": "?", "as_of": "2025-01-01",
                                    "issues": issues, "actors": actors, "relations": relations,
                                    "rounds": draw(st.integers(2, 12))})


def _same(a: object, b: object) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("name", sorted(MECHANISMS))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 2**32 - 1))
def test_mechanism_contract(name: str, scenario: Scenario, seed: int) -> None:
    compiled = compile_scenario(scenario)
    result = run_replication(compiled, replication_seed(seed, 0), mechanism=name, record=True)
    outcome = result.outcome
    assert outcome.status in STATUSES
    assert 1 <= outcome.rounds_played <= scenario.rounds
    assert np.all((outcome.package >= 0) & (outcome.package <= 100))
    assert all(r.positions.min() >= 0 and r.positions.max() <= 100 for r in result.history)
    assert outcome.categories.keys() == {"i0"} and outcome.categories["i0"] in CATEGORIES
    assert np.all((outcome.utilities >= -1e-9) & (outcome.utilities <= 1 + 1e-9))
    again = run_replication(compiled, replication_seed(seed, 0), mechanism=name).summary()
    row = result.summary()
    assert all(_same(row[k], again[k]) for k in row)
    if create(name).supports_batch():
        seeds = [replication_seed(seed, r) for r in range(3)]
        batch = run_batch(compiled, seeds, mechanism=name)
        model = [run_replication(compiled, s, mechanism=name).summary() for s in seeds]
        for b, m in zip(batch, model, strict=True):
            assert b.keys() == m.keys() and all(_same(b[k], m[k]) for k in b), name


def test_every_listed_mechanism_loads_and_describes_itself() -> None:
    for name in MECHANISMS:
        mech = create(name)
        described = mech.describe()
        assert described["name"] == name and described["reference"] and described["outcome"] in {"agreement",
                                                                                                  "forecast"}
