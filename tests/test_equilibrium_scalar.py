"""The element-by-element value iteration equals the vectorised loop bit for bit (values and reported steps)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.seeds import replication_seed
from sim.experiments.batch import run_batch
from sim.mechanisms import equilibrium
from sim.mechanisms.frontier import Frontier
from sim.scenario import compile_scenario, load_scenario

Call = tuple


def both_paths(monkeypatch: pytest.MonkeyPatch, call: Call) -> None:
    """Run one recorded ``_iterate`` call element by element and vectorised; the results must be identical."""
    monkeypatch.setattr(equilibrium, "SCALAR_ELEMENTS", 10**9)
    scalar, steps_scalar = equilibrium._iterate(*call)
    monkeypatch.setattr(equilibrium, "SCALAR_ELEMENTS", -1)
    vector, steps_vector = equilibrium._iterate(*call)
    assert steps_scalar == steps_vector
    np.testing.assert_array_equal(scalar, vector)
    assert np.array_equal(np.signbit(scalar), np.signbit(vector))


@pytest.mark.parametrize("params", [{}, {"proposer": "capability"}, {"information": "private"}])
def test_recorded_baseline_calls_give_identical_values(monkeypatch: pytest.MonkeyPatch, params: dict) -> None:
    """Every ``_iterate`` call of 240 baseline replications (the cycling elements the solver really meets)."""
    calls: list[Call] = []
    original = equilibrium._iterate

    def record(*args):
        calls.append(tuple(a for a in args))
        return original(*args)

    monkeypatch.setattr(equilibrium, "_iterate", record)
    compiled = compile_scenario(load_scenario("scenarios/baseline.yaml"))
    run_batch(compiled, [replication_seed(0, r) for r in range(240)], mechanism_params=params)
    monkeypatch.setattr(equilibrium, "_iterate", original)
    assert calls, "the baseline should meet elements no closed form fits"
    cycling = 0
    for call in calls:
        both_paths(monkeypatch, call)
        monkeypatch.setattr(equilibrium, "SCALAR_ELEMENTS", 10**9)
        values, _ = equilibrium._iterate(*call)
        cycling += int(np.all(values == call[1], axis=(0, -1)).sum())
    assert cycling, "some recorded elements should cycle (and keep their start)"


def random_frontier(rng: np.random.Generator, k: int, m: int, p: int) -> Frontier:
    ideal = rng.uniform(0, 100, (k, 2, m)).round(rng.integers(0, 3))
    salience = rng.uniform(0, 1, (k, 2, m))
    lo = np.minimum(rng.uniform(0, 50, (k, m)), 100)
    hi = np.maximum(lo, rng.uniform(40, 100, (k, m)))
    return Frontier.build(ideal[:, p], salience[:, p], ideal[:, 1 - p], salience[:, 1 - p], lo, hi)


@settings(max_examples=60)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 6), m=st.integers(1, 5), recognition=st.booleans(),
       tied=st.booleans())
def test_random_games_give_identical_values(seed: int, k: int, m: int, recognition: bool, tied: bool) -> None:
    """Random frontiers, outside options, interim values and patience, started anywhere (also off every branch);
    ``tied`` makes outside options equal interim values, where ties decide the branch."""
    rng = np.random.default_rng(seed)
    frontiers = (random_frontier(rng, k, m, 0), random_frontier(rng, k, m, 1))
    outside = rng.uniform(-0.2, 1.0, (k, 2))
    flow = outside.copy() if tied else rng.uniform(0, 1, (k, 2))
    delta = rng.choice([0.5, 0.9, 0.97, 0.995], (k, 2))
    start = rng.uniform(0, 1, (2, k, 2))
    rec = rng.dirichlet([1, 1], k) if recognition else None
    call = (frontiers, start, outside, flow, delta, rec, 1e-7, 5000)
    with pytest.MonkeyPatch.context() as monkeypatch:
        both_paths(monkeypatch, call)
