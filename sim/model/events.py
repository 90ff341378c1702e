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
        # (random?, scheduled round, first, last round of the window); library-only events never match a round
        self.timing = [(e.probability is not None and not e.library_only, e.at_round or 0,
                        *(e.window or (1, 10**9))) for e in events]

    @classmethod
    def for_scenario(cls, compiled: CompiledScenario) -> EventSchedule:
        """A fresh schedule sharing the scenario's precomputed (read-only) event timing."""
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
            if not (self.events[index].once and self.event_ids[index] in self.fired):
                due.append(index)
        return due

    def mark(self, index: int) -> None:
        self.fired.add(self.event_ids[index])


def apply_effects(values: ParameterValues, effects: list[Effect]) -> None:
    for effect in effects:
        values.apply(effect.path, effect.op, effect.value)
