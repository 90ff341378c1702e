"""Which scenario events fire in a round, and applying their effects through the parameter table."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from sim.scenario.compiled import CompiledScenario, ParameterValues
from sim.scenario.schema import Effect, Event


@dataclass(frozen=True)
class FiredEvent:
    round: int
    event_id: str
    label: str
    injected: bool = False


class EventSchedule:
    """Decides each round which events fire: scheduled ones at their round, probabilistic ones by a draw."""

    def __init__(self, event_ids: tuple[str, ...], events: list[Event]) -> None:
        self.event_ids = event_ids
        self.events = events
        self.fired: set[str] = set()
        self.at_round = np.array([e.at_round or 0 for e in events], dtype=int)
        self.is_random = np.array([e.probability is not None and not e.library_only for e in events], dtype=bool)
        self.once = np.array([e.once for e in events], dtype=bool)
        self.timing = [(bool(r), int(a), (e.window or (1, 10**9))[0], (e.window or (1, 10**9))[1])
                       for r, a, e in zip(self.is_random, self.at_round, events, strict=True)]

    @classmethod
    def for_scenario(cls, compiled: CompiledScenario) -> EventSchedule:
        """A fresh schedule sharing the scenario's precomputed (read-only) event arrays."""
        template = getattr(compiled, "_event_template", None)
        if template is None:
            template = cls(compiled.event_ids, compiled.events)
            compiled._event_template = template
        schedule = copy.copy(template)
        schedule.fired = set()
        return schedule

    def due(self, round_: int, probability: np.ndarray, rng: np.random.Generator) -> list[int]:
        """Indices of the events firing in ``round_``; one uniform draw per event per round keeps streams stable."""
        if not self.events:
            return []
        draws = rng.random(len(self.events)).tolist()
        due = []
        for index, (is_random, at, first, last) in enumerate(self.timing):
            if is_random:
                if not (first <= round_ <= last and draws[index] < probability[index]):
                    continue
            elif at != round_:
                continue
            if not (self.once[index] and self.event_ids[index] in self.fired):
                due.append(index)
        return due

    def mark(self, index: int) -> None:
        self.fired.add(self.event_ids[index])


def apply_effects(values: ParameterValues, effects: list[Effect]) -> None:
    for effect in effects:
        values.apply(effect.path, effect.op, effect.value)
