"""Many replications at once: the fast path behind sweeps and ``sim run`` without per-round tables.

Each replication keeps its own seed, generator, sampled parameters and event schedule, exactly as in
``NegotiationModel``; only the round math is done for all active replications together
(``sim.mechanisms.batched``). Scenarios the batch math does not cover (another mechanism, trade-off offers)
silently take the one-model-per-replication path, so callers never need to choose.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.experiments.replication import run_replication, summarize
from sim.mechanisms.bargaining import acceptance_rule, choose_proposer
from sim.mechanisms.batched import batched_influence, batched_offers
from sim.mechanisms.registry import create
from sim.model.events import EventSchedule, apply_effects
from sim.model.streams import replication_generator
from sim.outcomes.classify import classify
from sim.scenario.compiled import CompiledScenario, ParameterValues

Seed = int | np.random.SeedSequence


def run_batch(compiled: CompiledScenario, seeds: list[Seed], overrides: list[dict[str, float] | None] | None = None,
              mechanism: str | None = None, mechanism_params: dict | None = None) -> list[dict[str, Any]]:
    """Summary rows (as ``ReplicationResult.summary()``) of one replication per seed, in order."""
    overrides = overrides or [None] * len(seeds)
    if len(overrides) != len(seeds):
        raise ValueError("one overrides mapping per seed expected")
    generators = [replication_generator(seed) for seed in seeds]
    values = [compiled.sample(gen, over) for gen, over in zip(generators, overrides, strict=True)]
    params = [_mechanism_params(compiled, v, mechanism, mechanism_params) for v in values]
    if not seeds or any(p is None for p in params):
        return [run_replication(compiled, seed, overrides=over, mechanism=mechanism,
                                mechanism_params=mechanism_params).summary()
                for seed, over in zip(seeds, overrides, strict=True)]
    return _Batch(compiled, generators, values, params).run()


def _mechanism_params(compiled: CompiledScenario, values: ParameterValues, mechanism: str | None,
                      extra: dict | None) -> Any | None:
    """The replication's validated bargaining parameters, or None when the batch math does not apply."""
    spec = compiled.scenario.mechanism
    if mechanism is None or mechanism == spec.name:
        mech = create(spec.name, values.mechanism_params(spec.params) | (extra or {}))
    else:
        mech = create(mechanism, extra or {})
    if mech.name != "bargaining" or mech.params.offers != "concession":
        return None
    return mech.params


class _Batch:
    def __init__(self, compiled: CompiledScenario, generators: list[np.random.Generator],
                 values: list[ParameterValues], params: list[Any]) -> None:
        self.compiled, self.generators, self.values = compiled, generators, values
        self.arrays = {key: np.stack([v.arrays[key] for v in values]) for key in values[0].arrays}
        for r, value in enumerate(values):  # every replication now reads and writes the batch arrays
            value.arrays = {key: array[r, ...] for key, array in self.arrays.items()}
            value.state = compiled._state(value.arrays)
        self.states = [v.state for v in values]
        self.schedules = [EventSchedule.for_scenario(compiled) for _ in values]
        self.k = np.array([p.initial_concession for p in params])[:, None]
        self.discount = np.array([p.outside_option_discount for p in params])[:, None]
        self.rule = params[0].proposer
        self.vetoes = np.flatnonzero(self.states[0].veto)

    def run(self) -> list[dict[str, Any]]:
        compiled, a = self.compiled, self.arrays
        size, n_rounds = len(self.values), compiled.scenario.rounds
        packages = np.zeros((size, len(compiled.issue_ids)))
        agreed = np.zeros(size, dtype=bool)
        finished_round = np.zeros(size, dtype=int)
        events_fired = np.zeros(size, dtype=int)
        active = np.arange(size)
        for round_ in range(1, n_rounds + 1):
            for r in active:
                events_fired[r] += self._fire_events(int(r), round_)
            self._influence(active)
            proposer = self._proposers(active, round_)
            rows = np.arange(active.size)
            pos, res, beta = a["position"][active], a["reservation"][active], a["concession_beta"][active]
            k = self.k[active]
            offer = batched_offers(pos, res, beta, proposer, min(1.0, round_ / max(1, n_rounds)), k)
            accept = acceptance_rule(pos, a["salience"][active], res, beta, a["outside_option"][active],
                                        a["disagreement"][active], offer, round_, n_rounds, k,
                                        self.discount[active])
            accept[rows, proposer] = True
            deal = accept[:, self.vetoes].all(axis=1)
            done = deal | (round_ >= n_rounds)
            for index in np.flatnonzero(done):
                r = active[index]
                packages[r] = offer[index] if deal[index] else a["disagreement"][r]
                agreed[r], finished_round[r] = deal[index], round_
            active = active[~done]
            if not active.size:
                break
        rows_out = []
        thresholds = compiled.scenario.outcomes.thresholds
        for r, state in enumerate(self.states):
            state.round = int(finished_round[r])
            outcome = classify(state, packages[r], bool(agreed[r]), state.round if agreed[r] else None, thresholds)
            rows_out.append(summarize(outcome, compiled.actor_ids, compiled.issue_ids, int(events_fired[r])))
        return rows_out

    def _fire_events(self, r: int, round_: int) -> int:
        self.states[r].round = round_
        schedule, value = self.schedules[r], self.values[r]
        due = schedule.due(round_, value.event_probability, self.generators[r])
        for index in due:
            apply_effects(value, schedule.events[index].effects)
            schedule.mark(index)
        return len(due)

    def _influence(self, active: np.ndarray) -> None:
        a = self.arrays
        rate = a["influence_rate"][active]
        moving = active[(rate > 0) & a["influence"][active].any(axis=(1, 2))]
        if moving.size:
            a["position"][moving] = batched_influence(a["position"][moving], a["salience"][moving],
                                                      a["capability"][moving], a["influence"][moving],
                                                      a["influence_rate"][moving], a["alignment"][moving],
                                                      a["alignment_weight"][moving])

    def _proposers(self, active: np.ndarray, round_: int) -> np.ndarray:
        if self.rule == "alternate":
            return np.full(active.size, self.vetoes[(round_ - 1) % len(self.vetoes)])
        return np.array([choose_proposer(self.states[r], self.generators[r], self.rule, self.vetoes)
                         for r in active])
