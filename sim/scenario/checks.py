"""Cross-reference checks a schema cannot express: ids that must exist, bounds per parameter kind, evidence."""

from __future__ import annotations

from sim.errors import MechanismError
from sim.scenario.distributions import Normal, Triangular, Uniform
from sim.scenario.parameters import iter_parameters, parameter_table
from sim.scenario.schema import Scenario

Problem = tuple[str, str]  # (field path, message)


def check_scenario(scenario: Scenario) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_actors(scenario)
    problems += _check_relations(scenario)
    problems += _check_bounds(scenario)
    problems += _check_events(scenario)
    problems += _check_evidence(scenario)
    problems += _check_mechanism(scenario)
    return problems


def _check_actors(scenario: Scenario) -> list[Problem]:
    problems = []
    issues = set(scenario.issues)
    for actor_id, actor in scenario.actors.items():
        for field in ("positions", "salience"):
            given = getattr(actor, field)
            for missing in sorted(issues - set(given)):
                problems.append((f"actors.{actor_id}.{field}",
                                 f"no value for issue '{missing}'; expected one per issue: {sorted(issues)}"))
        for field in ("positions", "salience", "reservation"):
            for unknown in sorted(set(getattr(actor, field)) - issues):
                problems.append((f"actors.{actor_id}.{field}.{unknown}",
                                 f"unknown issue '{unknown}'; expected one of {sorted(issues)}"))
    if not scenario.veto_players:
        problems.append(("actors", "no actor has role: veto; an agreement needs at least one veto player"))
    return problems


def _check_relations(scenario: Scenario) -> list[Problem]:
    problems = []
    for key in scenario.relations:
        ends = key.split("->")
        if len(ends) != 2:
            problems.append((f"relations.{key}", "expected a key of the form 'FROM->TO' (two actor ids)"))
            continue
        for end in ends:
            if end not in scenario.actors:
                problems.append((f"relations.{key}",
                                 f"unknown actor '{end}'; expected one of {sorted(scenario.actors)}"))
        if ends[0] == ends[1]:
            problems.append((f"relations.{key}", "an actor cannot have a relation to itself"))
    return problems


def _check_bounds(scenario: Scenario) -> list[Problem]:
    problems = []
    for param in iter_parameters(scenario):
        value = param.value
        if value is None:
            continue
        lo, hi = param.bounds
        if isinstance(value, int | float):
            if not lo <= value <= hi:
                problems.append((param.path, f"expected a value in [{lo:g}, {hi:g}], got {value:g}"))
        elif isinstance(value, Uniform | Triangular):
            a, b = value.support()
            if a < lo or b > hi:
                problems.append((param.path, f"distribution reaches outside [{lo:g}, {hi:g}]: [{a:g}, {b:g}]"))
        elif isinstance(value, Normal) and not lo <= value.normal[0] <= hi:
            problems.append((param.path, f"normal mean {value.normal[0]:g} lies outside [{lo:g}, {hi:g}]"))
    return problems


def _check_events(scenario: Scenario) -> list[Problem]:
    problems = []
    table = parameter_table(scenario)
    for event_id, event in scenario.events.items():
        for index, effect in enumerate(event.effects):
            if effect.path not in table:
                problems.append((f"events.{event_id}.effects.{index}.path",
                                 f"unknown parameter path '{effect.path}' (see `sim validate --paths`)"))
        if event.window is not None and not 1 <= event.window[0] <= event.window[1]:
            problems.append((f"events.{event_id}.window", "expected [first, last] with 1 <= first <= last"))
        if not isinstance(event.visibility, str):
            for role in event.visibility.roles:
                if role not in scenario.actors:
                    problems.append((f"events.{event_id}.visibility", f"unknown actor '{role}'"))
        if event.source is not None and event.source not in scenario.sources:
            problems.append((f"events.{event_id}.source", f"unknown source '{event.source}'"))
    return problems


SETTINGS = {"rounds", "mechanism", "mechanism.name", "mechanism.params"}
"""Non-numeric choices that can carry evidence too (the most consequential ones in a file)."""


def _check_evidence(scenario: Scenario) -> list[Problem]:
    problems = []
    paths = list(parameter_table(scenario))
    events = {f"events.{event_id}" for event_id in scenario.events}  # an event's timing and effects as a whole
    for key, entry in scenario.evidence.items():
        if key not in events | SETTINGS and not any(p == key or p.startswith(key + ".") for p in paths):
            problems.append((f"evidence.{key}",
                             f"'{key}' is not a parameter path, a prefix of one, an event (events.<id>) or a "
                             f"setting ({', '.join(sorted(SETTINGS))})"))
        if entry.source is not None and entry.source not in scenario.sources:
            problems.append((f"evidence.{key}.source",
                             f"unknown source '{entry.source}'; expected one of {sorted(scenario.sources)}"))
    return problems


def _check_mechanism(scenario: Scenario) -> list[Problem]:
    from sim.mechanisms.registry import create

    try:
        create(scenario.mechanism.name, scenario.mechanism.params)
    except MechanismError as exc:
        return [("mechanism", str(exc))]
    return []
