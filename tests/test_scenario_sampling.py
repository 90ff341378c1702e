"""``CompiledScenario.sample_many`` draws what ``sample`` draws, replication by replication, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_values_built_late_keep_the_sampled_start_and_view_the_current_arrays() -> None:
    """``sample_many`` builds a replication's values and state when first read; one built after the positions
    moved still reports the sampled positions as its start, and views (not copies) the stacked arrays."""
    compiled = compile_scenario(load_scenario("scenarios/baseline.yaml"))
    seeds = [replication_seed(3, r) for r in range(12)]
    arrays, values = compiled.sample_many([replication_generator(s) for s in seeds],
                                          [None] * 11 + [{"actors.RUS.capability": 0.41}])
    sampled = arrays["position"].copy()
    early = values[2].state
    arrays["position"] += 7.0  # what a batch's rounds do to the shared arrays
    for r in (2, 9, -1):
        state = values[r].state
        np.testing.assert_array_equal(state.initial_position, sampled[r])
        np.testing.assert_array_equal(state.position, sampled[r] + 7.0)
    assert values[2].state is early
    assert values[11].get("actors.RUS.capability") == 0.41
    assert len(values) == 12 and len(values[10:]) == 2
    with pytest.raises(IndexError):
        values[12]


_BASELINE = compile_scenario(load_scenario("scenarios/baseline.yaml"))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_applying_an_effect_to_many_replications_equals_applying_it_to_each(data) -> None:
    """``ReplicationValues.apply`` (the batch path's events) writes what ``ParameterValues.apply`` (the model's
    events) writes, bit for bit: every op, values beyond the bounds, and unset (derived) parameters."""
    compiled = _BASELINE
    paths = compiled.parameter_paths()
    unset = [p for p in paths if p.endswith("outside_option") and np.isnan(compiled.nominal(p))]
    assert unset  # the baseline leaves outside options to be derived: half the effects go there
    effects = data.draw(st.lists(st.tuples(st.sampled_from(paths) | st.sampled_from(unset),
                                           st.sampled_from(["set", "add", "scale"]),
                                           st.floats(-150, 150, allow_nan=False)), min_size=1, max_size=4))
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, 7), min_size=1))))
    seeds = [replication_seed(5, r) for r in range(8)]
    arrays, values = compiled.sample_many([replication_generator(s) for s in seeds], [None] * 8)
    singles = [compiled.sample(replication_generator(s)) for s in seeds]
    for path, op, value in effects:
        values.apply(rows, path, op, value)
        for r in rows:
            singles[r].apply(path, op, value)
    for r, one in enumerate(singles):
        for key, expected in one.arrays.items():
            np.testing.assert_array_equal(arrays[key][r], expected, err_msg=f"{key} of replication {r}")
