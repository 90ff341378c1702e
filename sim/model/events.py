"""Which scenario events fire in a round, and applying their effects through the parameter table."""

from __future__ import annotations

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

    def __init__(self, event_ids: tuple[str, ...], events: list[Event],
                 timing: tuple[tuple[bool, int, int, int], ...]) -> None:
        self.event_ids = event_ids
        self.events = events
        self.timing = timing  # CompiledScenario.event_timing
        self.fired: set[str] = set()

    @classmethod
    def for_scenario(cls, compiled: CompiledScenario) -> EventSchedule:
        """A fresh schedule over the scenario's event timing (computed once per compiled scenario)."""
        return cls(compiled.event_ids, compiled.events, compiled.event_timing)

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
