"""Outside options that move through relations (``dynamics.outside_support``, issue 11 item 3)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.seeds import replication_seed
from sim.core.utility import outside_options, third_party_backing
from sim.experiments.batch import run_batch
from sim.scenario import compile_scenario, load_scenario
from tests.conftest import BASELINE
from tests.test_batch import assert_same_rows, single


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=9, max_size=9), st.lists(st.floats(-1, 1), min_size=9, max_size=9))
def test_only_third_parties_back_and_only_veto_players_are_backed(influence, alignment):
    inf, ali = np.array(influence).reshape(3, 3), np.array(alignment).reshape(3, 3)
    veto = np.array([True, True, False])
    backing = third_party_backing(inf, ali, veto)
    assert backing[2] == 0.0  # the third party itself is not a bargainer
    for i in (0, 1):
        assert np.isclose(backing[i], inf[2, i] * ali[2, i])  # the partner's own tie never counts


def test_backing_is_off_by_default_and_moves_with_a_friendly_outsider():
    values = compile_scenario(load_scenario(BASELINE)).sample(np.random.default_rng(0))
    state = values.state
    before = outside_options(state).copy()
    values.set("dynamics.outside_support", 0.5)
    with_support = outside_options(state).copy()
    syr = state.actor_ids.index("SYR")
    values.set("relations.USA->SYR.alignment", 0.8)  # Washington warms to Damascus: more alternatives
    warmer = outside_options(state)
    assert warmer[syr] > with_support[syr]
    third = [i for i, veto in enumerate(state.veto) if not veto]
    assert np.array_equal(before[third], warmer[third])  # outsiders' own options never change


def test_an_event_on_a_relation_adds_to_the_actors_own_option_not_to_the_backing():
    values = compile_scenario(load_scenario(BASELINE)).sample(np.random.default_rng(1))
    values.set("dynamics.outside_support", 1.0)
    syr = values.state.actor_ids.index("SYR")
    total = outside_options(values.state)[syr]
    values.apply("actors.SYR.outside_option", "add", 0.05)
    assert np.isclose(outside_options(values.state)[syr], min(1.0, total + 0.05))


def test_batch_rows_equal_the_model_with_backing_and_relation_events():
    """us_conditional_relief raises Washington's influence on Damascus in round 3: the backing moves mid-run."""
    compiled = compile_scenario(load_scenario(BASELINE.parent / "us_conditional_relief.yaml"))
    seeds = [replication_seed(11, r) for r in range(12)]
    overrides = [{"dynamics.outside_support": 0.25 * (r % 5), "relations.USA->SYR.alignment": 0.6}
                 for r in range(12)]
    assert_same_rows(run_batch(compiled, seeds, overrides), single(compiled, seeds, overrides))


def test_hostile_outsiders_make_damascus_more_likely_to_settle():
    """Backing that narrows Damascus's alternatives (hostile ties) can only make a deal easier for Moscow."""
    compiled = compile_scenario(load_scenario(BASELINE))
    seeds = [replication_seed(12, r) for r in range(60)]
    signed = {}
    for sign in (-1.0, 1.0):
        overrides = [{"dynamics.outside_support": 1.0, "relations.TUR->SYR.alignment": sign,
                      "relations.TUR->SYR.influence": 1.0}] * len(seeds)
        rows = run_batch(compiled, seeds, overrides)
        signed[sign] = np.mean([row["status"] == "signed" for row in rows])
    assert signed[-1.0] >= signed[1.0]
