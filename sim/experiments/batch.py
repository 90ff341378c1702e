"""Many replications at once: the fast path behind sweeps and ``sim run``.

Each replication keeps its own seed, generator, sampled parameters and event schedule, exactly as in
``NegotiationModel``; the round (events -> influence -> mechanism -> presence drift) is the model's, with the
influence step and the mechanism's round done for all active replications together through the mechanism's
``batch_step`` (the same arithmetic as its ``step``). A mechanism that declares no batch path for its options,
human or scripted policies, or mechanism parameters that differ between replications take the
one-model-per-replication path, so callers never need to choose. Tests check that both paths give the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.seeds import Seed, replication_generator
from sim.core.state import NegotiationState
from sim.experiments.batch_summary import BatchEnd, rows_of, summary_columns
from sim.experiments.replication import end_diagnostics, run_replication
from sim.mechanisms.base import BatchStep, Mechanism
from sim.mechanisms.batched import batched_influence
from sim.mechanisms.registry import create
from sim.model.events import FiredEvent
from sim.model.records import RoundRecord
from sim.scenario.compiled import CompiledScenario, ParameterValues, ReplicationValues


def run_batch(compiled: CompiledScenario, seeds: list[Seed], overrides: list[dict[str, float] | None] | None = None,
              mechanism: str | None = None, mechanism_params: dict | None = None,
              months: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """Summary rows (as ``ReplicationResult.summary(months)``) of one replication per seed, in order."""
    return rows_of(run_batch_recorded(compiled, seeds, overrides, mechanism, mechanism_params, months)[0])


@dataclass
class RoundHistory:
    """One replication's rounds as the model records them with ``record=True`` (the per-round tables' source)."""

    records: list[RoundRecord]
    initial_position: np.ndarray  # (N, M) sampled ideal points at the start
    salience: np.ndarray  # (N, M) saliences at the end of the run


def run_batch_recorded(compiled: CompiledScenario, seeds: list[Seed],
                       overrides: list[dict[str, float] | None] | None = None, mechanism: str | None = None,
                       mechanism_params: dict | None = None, months: tuple[int, ...] = (),
                       record: int = 0, diagnostics: bool = False) -> tuple[dict[str, list[Any]], list[RoundHistory]]:
    """:func:`run_batch`'s rows as columns (name -> one value per replication) plus the round history (positions
    after every round) of the first ``record`` replications, the records one model per replication keeps with
    ``record=True``. ``diagnostics`` adds the columns of ``replication.end_diagnostics`` (Pareto check, distance
    to the Nash point) from each replication's end state."""
    overrides = overrides or [None] * len(seeds)
    if len(overrides) != len(seeds):
        raise ValueError("one overrides mapping per seed expected")
    record = min(record, len(seeds))
    generators = [replication_generator(seed) for seed in seeds]
    arrays, values = compiled.sample_many(generators, overrides)
    mech = create(mechanism or compiled.scenario.mechanism.name,
                  _params(compiled, values[0], mechanism, mechanism_params)) if seeds else None
    if mech is None or not mech.supports_batch() or not _same_params(compiled, arrays, mechanism):
        rows, histories = [], []
        for index, (seed, over) in enumerate(zip(seeds, overrides, strict=True)):
            result = run_replication(compiled, seed, overrides=over, mechanism=mechanism,
                                     mechanism_params=mechanism_params, record=index < record)
            rows.append(result.summary(months) | (result.diagnostics() if diagnostics else {}))
            if index < record:
                histories.append(RoundHistory(result.history, result.initial_position, result.salience))
        return {name: [row[name] for row in rows] for name in (rows[0] if rows else {})}, histories
    batch = _Batch(compiled, generators, arrays, values, mech, record)
    columns = batch.run(months)
    if diagnostics:
        found = [end_diagnostics(state, package) for state, package in zip(batch.states, batch.packages, strict=True)]
        columns |= {name: [row[name] for row in found] for name in found[0]}
    return columns, batch.histories()


def _params(compiled: CompiledScenario, values: ParameterValues, mechanism: str | None, extra: dict | None) -> dict:
    """The replication's mechanism parameters, as ``NegotiationModel`` would create them."""
    spec = compiled.scenario.mechanism
    if mechanism is None or mechanism == spec.name:
        return values.mechanism_params(spec.params) | (extra or {})
    return dict(extra or {})


def _same_params(compiled: CompiledScenario, arrays: dict[str, np.ndarray], mechanism: str | None) -> bool:
    """Whether every replication gets the same mechanism parameters (:func:`_params`): the scenario's numeric
    mechanism parameters (stacked ``mechanism.<name>`` arrays) are equal in all of them, or are not used."""
    spec = compiled.scenario.mechanism
    if mechanism is not None and mechanism != spec.name:
        return True
    columns = [arrays[f"mechanism.{name}"] for name in spec.params if f"mechanism.{name}" in arrays]
    return all(bool(np.all(column == column[0])) for column in columns)


class _Batch:
    def __init__(self, compiled: CompiledScenario, generators: list[np.random.Generator],
                 arrays: dict[str, np.ndarray], values: ReplicationValues, mechanism: Mechanism,
                 record: int = 0) -> None:
        """``arrays`` are the stacked parameter arrays (R, ...) that every replication's ``values`` view."""
        self.compiled, self.generators, self.values, self.mechanism = compiled, generators, values, mechanism
        self.records: list[list[RoundRecord]] = [[] for _ in range(record)]
        self.packages = np.zeros((len(values), len(compiled.issue_ids)))  # (R, M) each run's final package (after run)
        self.finished_round = np.zeros(len(values), dtype=int)  # (R,) each run's last round (after run)
        self.initial_position = values.initial_position  # (R, N, M) the positions sampled at the start
        self.arrays = dict(arrays)
        a = self.arrays
        a["reservation_range"] = np.stack([a["reservation_lo"], a["reservation_hi"]], axis=-1)
        first = values[0].state
        a["is_base"] = first.is_base_issue
        self.events = compiled.events
        timing = np.array(compiled.event_timing, dtype=np.int64).reshape(len(self.events), 4)
        self.drawn, self.at_round, self.window = timing[:, 0].astype(bool), timing[:, 1], timing[:, 2:]
        self.once = np.array([e.once for e in self.events], dtype=bool)
        self.fired = np.zeros((len(values), len(self.events)), dtype=bool)
        mechanism.batch_start(a, first.veto)
        self.chances: np.ndarray | None = None  # (R, rounds, events) every month's draws, where drawn ahead
        if self.events and not mechanism.batch_draws():
            # nothing else draws from a replication's stream while it runs, so its monthly draws of k uniforms
            # are the stream's next rounds * k uniforms in order (``Generator.random`` fills element by element)
            shape = (compiled.scenario.rounds, len(self.events))
            self.chances = np.stack([g.random(shape) for g in generators])

    def run(self, months: tuple[int, ...]) -> dict[str, list[Any]]:
        """Play every replication to its end; the summary columns (``batch_summary.summary_columns``)."""
        compiled, a, mech = self.compiled, self.arrays, self.mechanism
        size, n_rounds, n_issues = len(self.values), compiled.scenario.rounds, len(compiled.issue_ids)
        packages = self.packages
        status = np.full(size, "", dtype=object)
        breakdown_by = np.full(size, -1)
        finished_round = self.finished_round
        events_fired = np.zeros(size, dtype=int)
        month_status = np.full((size, n_rounds), "open", dtype=object)
        presence = np.zeros((size, n_rounds, n_issues))
        suspended = np.zeros((size, n_rounds, n_issues))
        forecast = mech.classifier.get("outcome") == "forecast"
        is_base = a["is_base"]
        active = np.arange(size)
        for round_ in range(1, n_rounds + 1):
            counts, fired = self._fire_events(active, round_)
            events_fired[active] += counts
            self._influence(active)
            step = mech.batch_step(a, active, round_, n_rounds, self.generators)
            np.minimum(np.maximum(a["position"], 0.0, out=a["position"]), 100.0, out=a["position"])
            walked = (step.breakdown_by >= 0) & ~step.deal
            last = round_ >= n_rounds
            done = step.deal | walked | last
            for index in np.flatnonzero(done):
                r = active[index]
                if step.deal[index]:
                    packages[r], status[r] = step.offer[index], "forecast" if forecast else "signed"
                elif walked[index]:
                    packages[r], status[r] = a["disagreement"][r], "breakdown"
                    breakdown_by[r] = step.breakdown_by[index]
                else:
                    state = self.values[r].state
                    state.round = round_
                    final = mech.finish(state, self.generators[r])
                    packages[r], status[r] = final.package, "forecast" if forecast else final.status
                finished_round[r] = round_
            still = active[~done]
            a["presence"][still] += a["drift_rate"][still] * (a["drift_target"][still] - a["presence"][still])
            month_status[active, round_ - 1] = np.where(done, status[active], "open")
            settled = done[:, None] & is_base & np.isin(status[active], ("signed", "breakdown", "forecast"))[:, None]
            presence[active, round_ - 1] = np.where(settled, packages[active], a["presence"][active])
            suspended[active, round_ - 1] = a["suspended"][active]
            if self.records:
                self._record(round_, active, fired, step, month_status[:, round_ - 1])
            active = still
            if not active.size:
                break
        end = BatchEnd(status, packages, breakdown_by, finished_round, events_fired, month_status, presence,
                       suspended, self.initial_position, a["salience"])
        return summary_columns(end, compiled.actor_ids, compiled.issue_ids, is_base,
                               compiled.scenario.outcomes.thresholds, months)

    def _fire_events(self, active: np.ndarray, round_: int) -> tuple[np.ndarray, dict[int, list[int]]]:
        """How many events fire this round in each active replication, and which (by position in ``active``, only
        where any fire), with their effects applied. ``EventSchedule.due``'s rule: one uniform draw per event per
        round from the replication's generator."""
        if not self.events:
            return np.zeros(active.size, dtype=int), {}
        if self.chances is not None:
            draws = self.chances[active, round_ - 1]
        else:
            draws = np.array([self.generators[r].random(len(self.events)) for r in active])
        in_window = (self.window[:, 0] <= round_) & (round_ <= self.window[:, 1])
        due = np.where(self.drawn, in_window & (draws < self.arrays["event_probability"][active]),
                       self.at_round == round_)
        due &= ~(self.once & self.fired[active])
        fired: dict[int, list[int]] = {}
        for e in np.flatnonzero(due.any(axis=0)):  # a replication's events in the model's order, one at a time
            indices = np.flatnonzero(due[:, e])
            rows = active[indices]
            for effect in self.events[e].effects:
                self.values.apply(rows, effect.path, effect.op, effect.value)
            self.fired[rows, e] = True
            for index in indices.tolist():
                fired.setdefault(index, []).append(int(e))
        return due.sum(axis=1), fired

    def _record(self, round_: int, active: np.ndarray, fired: dict[int, list[int]], step: BatchStep,
                status: np.ndarray) -> None:
        """The model's ``RoundRecord`` of this round for the recorded replications still active."""
        for index in np.flatnonzero(active < len(self.records)):
            r = int(active[index])
            made = step.made is None or bool(step.made[index])
            events = [FiredEvent(round_, self.compiled.event_ids[e], self.events[e].label)
                      for e in fired.get(int(index), ())]
            self.records[r].append(RoundRecord(
                round=round_, events=events, proposer=int(step.proposer[index]),
                offer=np.minimum(np.maximum(step.offer[index], 0.0), 100.0) if made else None,
                agreed=bool(step.deal[index]), positions=self.arrays["position"][r].copy(), status=str(status[r])))

    def histories(self) -> list[RoundHistory]:
        """The recorded replications' rounds (after :meth:`run`)."""
        return [RoundHistory(records, self.initial_position[r].copy(), self.arrays["salience"][r].copy())
                for r, records in enumerate(self.records)]

    @property
    def states(self) -> list[NegotiationState]:
        """Every replication's state (built now where not built yet), at its last round after :meth:`run`."""
        states = [value.state for value in self.values]
        for state, last in zip(states, self.finished_round, strict=True):
            state.round = int(last)
        return states

    def _influence(self, active: np.ndarray) -> None:
        a = self.arrays
        rate = a["influence_rate"][active]
        moving = active[(rate > 0) & a["influence"][active].any(axis=(1, 2))]
        if moving.size:
            a["position"][moving] = batched_influence(a["position"][moving], a["salience"][moving],
                                                      a["capability"][moving], a["influence"][moving],
                                                      a["influence_rate"][moving], a["alignment"][moving],
                                                      a["alignment_weight"][moving])
