"""``CompiledScenario.sample_many`` draws what ``sample`` draws, replication by replication, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.seeds import replication_generator, replication_seed
from sim.scenario import compile_scenario, load_scenario


@pytest.mark.parametrize("name", ["baseline", "expanded_cast", "turkey_rising"])
def test_stacked_draws_equal_one_replication_at_a_time(name: str) -> None:
    compiled = compile_scenario(load_scenario(f"scenarios/{name}.yaml"))
    seeds = [replication_seed(11, r) for r in range(40)]
    overrides = [None] * 20 + [{"actors.RUS.capability": 0.3 + r / 100, "actors.TUR.positions.tartus": 20.0 + r}
                               for r in range(20)]
    arrays, values = compiled.sample_many([replication_generator(s) for s in seeds], overrides)
    generators = [replication_generator(s) for s in seeds]
    for r, (seed_gen, over) in enumerate(zip(generators, overrides, strict=True)):
        one = compiled.sample(seed_gen, over)
        assert one.arrays.keys() == values[r].arrays.keys()
        for key, expected in one.arrays.items():
            np.testing.assert_array_equal(values[r].arrays[key], expected, err_msg=key)
            np.testing.assert_array_equal(arrays[key][r], expected, err_msg=key)
        np.testing.assert_array_equal(values[r].state.position, one.state.position)
    # each generator is left where ``sample`` leaves it (later draws, e.g. events, continue the same stream)
    again = [replication_generator(s) for s in seeds]
    compiled.sample_many(again, overrides)
    after_one = [replication_generator(s) for s in seeds]
    for gen, over in zip(after_one, overrides, strict=True):
        compiled.sample(gen, over)
    assert [g.random() for g in again] == [g.random() for g in after_one]
