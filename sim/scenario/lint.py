"""Events that can never fire: their round, or the opening of their window, lies beyond the horizon."""

from __future__ import annotations

from sim.scenario.schema import Scenario


def unreachable_events(scenario: Scenario) -> list[tuple[str, str]]:
    """(field, message) for every event whose round or window starts after the last round."""
    problems = []
    for event_id, event in scenario.events.items():
        if event.library_only:
            continue
        if event.at_round is not None and event.at_round > scenario.rounds:
            problems.append((f"events.{event_id}.at_round",
                             f"never fires: round {event.at_round} lies beyond the horizon "
                             f"(rounds: {scenario.rounds})"))
        if event.window is not None and event.window[0] > scenario.rounds:
            problems.append((f"events.{event_id}.window",
                             f"never fires: the window opens in round {event.window[0]}, beyond the horizon "
                             f"(rounds: {scenario.rounds})"))
    return problems
