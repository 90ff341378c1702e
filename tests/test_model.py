"""The model: bounds, determinism, any N x M, events, policies, facilitator hooks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.core.seeds import replication_seed
from sim.experiments.replication import run_replication
from sim.model import NegotiationModel
from sim.policies import Pressure, ScriptedPolicy
from sim.scenario import compile_scenario, load_scenario
from sim.scenario.schema import Effect, Event
from tests.conftest import BASELINE, minimal_scenario, write_scenario


@pytest.fixture(scope="module")
def baseline():
    return compile_scenario(load_scenario(BASELINE))


def random_scenario(draw, tmp_path):
    n = draw(st.integers(2, 7))
    m = draw(st.integers(1, 5))
    data = minimal_scenario(n, m, rounds=draw(st.integers(1, 12)))
    unit = st.floats(0, 1)
    for actor in data["actors"].values():
        actor["capability"] = draw(st.floats(0, 5))
        actor["concession"] = draw(st.floats(0.05, 10))
        for j in range(m):
            actor["positions"][f"i{j}"] = draw(st.floats(0, 100))
            actor["salience"][f"i{j}"] = draw(unit)
    data["relations"] = {f"A{k}->A{i}": {"influence": draw(unit)} for k in range(n) for i in range(n)
                         if k != i and draw(st.booleans())}
    data["dynamics"] = {"influence_rate": draw(unit)}
    mechanism = draw(st.sampled_from(["bargaining", "compromise"]))
    data["mechanism"] = {"name": mechanism}
    return compile_scenario(load_scenario(write_scenario(tmp_path, data)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_any_n_by_m_scenario_runs_and_stays_in_bounds(tmp_path, data, seed):
    compiled = random_scenario(data.draw, tmp_path)
    model = NegotiationModel(compiled, seed)
    while not model.finished:
        model.step()
        assert np.all((model.state.position >= 0) & (model.state.position <= 100))
        assert np.all((model.state.salience >= 0) & (model.state.salience <= 1))
    outcome = model.outcome()
    assert outcome.package.shape == (len(compiled.issue_ids),)
    assert np.all((outcome.package >= 0) & (outcome.package <= 100))
    assert np.all((outcome.utilities >= 0) & (outcome.utilities <= 1 + 1e-12))
    assert 1 <= outcome.rounds_played <= compiled.scenario.rounds


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**63 - 1), rep=st.integers(0, 10_000))
def test_same_seed_gives_identical_results(baseline, seed, rep):
    a = run_replication(baseline, replication_seed(seed, rep), record=True)
    b = run_replication(baseline, replication_seed(seed, rep), record=True)
    assert a.summary() == b.summary()
    for ra, rb in zip(a.history, b.history, strict=True):
        np.testing.assert_array_equal(ra.positions, rb.positions)


def test_different_seeds_give_different_draws(baseline):
    rows = {tuple(run_replication(baseline, replication_seed(0, r)).summary().values()) for r in range(20)}
    assert len(rows) > 10


def test_scheduled_event_fires_and_applies_its_effects(tmp_path):
    data = minimal_scenario(events={"shock": {"label": "shock", "at_round": 2, "effects": [
        {"path": "issues.i0.disagreement", "set": 5}, {"path": "actors.A0.capability", "scale": 2.0}]}}, rounds=4)
    compiled = compile_scenario(load_scenario(write_scenario(tmp_path, data)))
    model = NegotiationModel(compiled, 0, mechanism="compromise", mechanism_params={"decision_round": 4})
    model.step()
    assert model.state.disagreement[0] == 25 and not model.history[0].events
    model.step()
    assert [e.event_id for e in model.history[1].events] == ["shock"]
    assert model.state.disagreement[0] == 5
    assert model.state.capability[0] == pytest.approx(1.0)


def test_probabilistic_event_frequency_matches_its_probability(tmp_path):
    data = minimal_scenario(events={"coin": {"label": "coin", "probability": 0.3, "window": [1, 1],
                                             "effects": [{"path": "issues.i0.disagreement", "add": 1}]}}, rounds=1)
    compiled = compile_scenario(load_scenario(write_scenario(tmp_path, data)))
    fired = sum(bool(run_replication(compiled, replication_seed(1, r)).events) for r in range(2000))
    assert 0.26 < fired / 2000 < 0.34


def test_injected_event_fires_next_round(baseline):
    model = NegotiationModel(baseline, 3)
    model.inject("us_conditional_relief")
    before = model.state.influence[baseline.actor_ids.index("USA"), baseline.actor_ids.index("SYR")]
    model.step()
    assert model.history[0].events[0].injected
    after = model.state.influence[baseline.actor_ids.index("USA"), baseline.actor_ids.index("SYR")]
    assert after == pytest.approx(min(1.0, before + 0.2))
    adhoc = Event(label="ad hoc", library_only=True, effects=[Effect(path="actors.SYR.salience.economy", set=1.0)])
    model.inject(adhoc)
    model.step()
    assert model.state.salience[baseline.actor_ids.index("SYR"), baseline.issue_ids.index("economy")] == 1.0


def test_a_policy_that_always_rejects_forces_the_disagreement_outcome(baseline):
    never = ScriptedPolicy(responses={r: False for r in range(1, 100)})
    model = NegotiationModel(baseline, 5, policies={"SYR": never, "RUS": never})
    outcome = model.run()
    assert not outcome.agreed and outcome.agreement_round is None
    assert outcome.rounds_played == baseline.scenario.rounds
    np.testing.assert_allclose(outcome.package, model.state.disagreement)


def test_a_scripted_proposal_accepted_in_round_one_ends_the_run(baseline):
    always = ScriptedPolicy(responses={1: True})
    offer = [60, 60, 60, 60, 60]
    proposer = ScriptedPolicy(proposals={1: offer})
    model = NegotiationModel(baseline, 5, policies={"RUS": proposer, "SYR": always})
    outcome = model.run()
    assert outcome.agreed and outcome.agreement_round == 1
    np.testing.assert_allclose(outcome.package, offer)
    assert outcome.categories == {"tartus": "reduced_presence", "hmeimim": "reduced_presence"}


def test_extra_pressure_moves_the_target_toward_the_source(baseline):
    usa, syr = baseline.actor_ids.index("USA"), baseline.actor_ids.index("SYR")
    tartus = baseline.issue_ids.index("tartus")
    plain = NegotiationModel(baseline, 9)
    pressed = NegotiationModel(baseline, 9, policies={"USA": ScriptedPolicy(
        pressures={1: [Pressure(target=syr, strength=1.0, issue=tartus)]})})
    plain.step()
    pressed.step()
    gap_plain = abs(plain.state.position[syr, tartus] - plain.state.position[usa, tartus])
    gap_pressed = abs(pressed.state.position[syr, tartus] - pressed.state.position[usa, tartus])
    assert gap_pressed < gap_plain


def test_force_agreement_and_set_parameter(baseline):
    model = NegotiationModel(baseline, 2)
    model.set_parameter("actors.RUS.capability", 7.0)
    assert model.state.capability[0] == 7.0
    model.set_parameter("actors.RUS.salience.tartus", 3.0)
    assert model.state.salience[0, 0] == 1.0  # clipped to bounds
    model.step()
    model.force_agreement([10, 20, 30, 40, 50], note="white cell")
    assert model.finished and model.outcome().agreed
    assert model.outcome().categories["tartus"] == "withdrawal"
    with pytest.raises(ValueError):
        NegotiationModel(baseline, 2).force_agreement([1, 2])


def test_reopen_undoes_an_agreement_and_talks_go_on(baseline):
    model = NegotiationModel(baseline, 3)
    with pytest.raises(ValueError, match="no agreement"):
        model.reopen()
    model.step()
    model.force_agreement([10, 20, 30, 40, 50], note="white cell")
    model.reopen(note="vetoed")
    assert not model.finished and model.agreement_round is None and model.running
    assert not model.history[-1].agreed and model.history[-1].note == "vetoed"
    outcome = model.run()
    assert model.state.round > 1 and outcome.rounds_played == model.state.round
    twin = NegotiationModel(baseline, 3)  # the same veto in the same round gives the same game
    twin.step()
    twin.force_agreement([10, 20, 30, 40, 50])
    twin.reopen()
    assert twin.run().package.tolist() == outcome.package.tolist()
    vetoed = NegotiationModel(baseline, 3)  # every deal the model reaches is vetoed up to the deadline
    while not vetoed.finished:
        vetoed.step()
        if vetoed.finished and vetoed.state.round < vetoed.state.n_rounds:
            vetoed.reopen()
    assert vetoed.state.round == vetoed.state.n_rounds
    if not vetoed.final.agreed:
        vetoed.force_agreement([50] * 5)
    with pytest.raises(ValueError, match="last round"):
        vetoed.reopen()


def test_unknown_policy_actor_is_rejected(baseline):
    from sim.errors import ScenarioError

    with pytest.raises(ScenarioError, match="unknown actors"):
        NegotiationModel(baseline, 0, policies={"XXX": ScriptedPolicy()})


def test_agents_are_mesa_agents_with_views(baseline):
    model = NegotiationModel(baseline, 0)
    assert len(model.agents) == len(baseline.actor_ids)
    russia = model.stakeholders[0]
    assert russia.actor_id == "RUS" and russia.is_veto
    np.testing.assert_array_equal(russia.position, model.state.position[0])


def test_finished_models_are_garbage_collected(baseline):
    """Mesa 3.3 keeps a class-level registry keyed by model (mesa#3179); the model releases it."""
    import gc
    import weakref

    model = NegotiationModel(baseline, 0)
    model.run()
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_every_kind_of_parameter_can_be_uncertain(tmp_path):
    """Distributions on scalar, per-actor, per-issue and per-relation cells are all sampled inside their bounds."""
    data = minimal_scenario(3, 2, relations={"A2->A0": {"influence": {"triangular": [0.1, 0.2, 0.9]}}},
                            dynamics={"influence_rate": {"uniform": [0.2, 0.4]}},
                            events={"e": {"label": "e", "probability": {"normal": [0.5, 0.2]},
                                          "effects": [{"path": "issues.i0.disagreement", "add": 1}]}})
    data["issues"]["i1"]["status_quo"] = {"uniform": [10, 20]}
    data["actors"]["A1"]["salience"]["i1"] = {"normal": [0.9, 0.3]}
    compiled = compile_scenario(load_scenario(write_scenario(tmp_path, data)))
    seen = []
    for seed in range(50):
        values = compiled.sample(np.random.default_rng(seed))
        seen.append((values.influence_rate, values.get("relations.A2->A0.influence"),
                     values.get("events.e.probability"), values.get("issues.i1.status_quo"),
                     values.get("actors.A1.salience.i1")))
    seen = np.array(seen)
    assert np.all((seen[:, 0] >= 0.2) & (seen[:, 0] <= 0.4))
    assert np.all((seen[:, 1] >= 0.1) & (seen[:, 1] <= 0.9))
    assert np.all((seen[:, 2] >= 0) & (seen[:, 2] <= 1))
    assert np.all((seen[:, 3] >= 10) & (seen[:, 3] <= 20))
    assert np.all((seen[:, 4] >= 0) & (seen[:, 4] <= 1))
    assert len(np.unique(seen[:, 0])) == 50
