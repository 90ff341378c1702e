"""Cross-reference checks a schema cannot express: ids that must exist, bounds per parameter kind, evidence."""

from __future__ import annotations

import math
from typing import Any

from sim.core.mechanism_list import unknown_mechanism
from sim.names import RULE, is_safe_name
from sim.scenario.distributions import Normal, Triangular, Uniform
from sim.scenario.lint import unreachable_events
from sim.scenario.parameters import iter_parameters, parameter_table
from sim.scenario.schema import Scenario
from sim.scenario.sources import missing_seed_files

Problem = tuple[str, str]  # (field path, message)


def check_scenario(scenario: Scenario) -> list[Problem]:
    problems: list[Problem] = []
    problems += _check_actors(scenario)
    problems += _check_relations(scenario)
    problems += _check_bounds(scenario)
    problems += _check_events(scenario)
    problems += _check_evidence(scenario)
    problems += missing_seed_files(scenario)
    problems += _check_mechanism(scenario)
    problems += _check_name(scenario)
    problems += _check_horizon(scenario)
    return problems


def _check_name(scenario: Scenario) -> list[Problem]:
    if is_safe_name(scenario.name):
        return []
    return [("name", f"{scenario.name!r} cannot be a folder name (out/<name>): {RULE}")]


def _check_horizon(scenario: Scenario) -> list[Problem]:
    """Numbers a schema type lets through: infinite or NaN thresholds, events that could only fire after ``rounds``.

    A window that opens within the horizon and closes after it is fine: the rounds past the horizon are never
    reached, so the event may or may not fire in a run (a shorter game is a shorter look at the same world).
    An event a child scenario inherits and pushes past its horizon by shortening ``rounds`` is left to
    ``sim validate`` (a warning; ``--strict`` fails): the parent stays valid on its own horizon.
    """
    problems = []
    if not all(math.isfinite(t) for t in scenario.outcomes.thresholds):
        problems.append(("outcomes.thresholds", f"expected finite numbers, got {list(scenario.outcomes.thresholds)}"))
    own_file = getattr(scenario, "_path", None)
    for field, message in unreachable_events(scenario):
        written_in = scenario._lines.get(tuple(field.split(".")), (own_file, 0))[0]
        if written_in == own_file:  # an inherited event is the parent's; `sim validate` still warns about it
            problems.append((field, message))
    return problems


NUMERIC_FIELDS = ("rounds", "outcomes.thresholds", "events.*.at_round", "events.*.window",
                  "events.*.effects.*.set", "events.*.effects.*.add", "events.*.effects.*.scale")


def check_raw(data: dict[str, Any], scenario: Scenario) -> list[Problem]:
    """Checks on the data as written: a YAML ``true`` where a number belongs (the schema would read it as 1)."""
    paths = [p.path for p in iter_parameters(scenario)]
    for pattern in NUMERIC_FIELDS:
        paths += _expand(data, pattern.split("."), ())
    problems = []
    for path in paths:
        value = _get(data, path.split("."))
        if _has_bool(value):
            problems.append((path, f"expected a number, got the boolean {value!r}"))
    return problems


def _expand(node: Any, parts: list[str], done: tuple[str, ...]) -> list[str]:
    if not parts:
        return [".".join(done)]
    head, rest = parts[0], parts[1:]
    if head == "*":
        keys = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
        return [p for k in keys for p in _expand(node[k], rest, (*done, str(k)))]
    if isinstance(node, dict) and head in node:
        return _expand(node[head], rest, (*done, head))
    return []


def _get(data: Any, parts: list[str]) -> Any:
    node = data
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _has_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, list):
        return any(isinstance(v, bool) for v in value)
    if isinstance(value, dict) and len(value) == 1:  # a distribution
        return _has_bool(next(iter(value.values())))
    return False


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
        elif isinstance(value, Normal) and not all(math.isfinite(v) for v in value.normal):
            problems.append((param.path, f"normal needs a finite mean and sd, got {list(value.normal)}"))
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
            elif not math.isfinite(effect.value):
                problems.append((f"events.{event_id}.effects.{index}.{effect.op}",
                                 f"expected a finite number, got {effect.value}"))
            elif effect.op == "set" and not _inside(effect.value, table[effect.path].bounds):
                lo, hi = table[effect.path].bounds
                problems.append((f"events.{event_id}.effects.{index}.set",
                                 f"{effect.value:g} lies outside [{lo:g}, {hi:g}], the bounds of '{effect.path}'"))
        if event.window is not None and not 1 <= event.window[0] <= event.window[1]:
            problems.append((f"events.{event_id}.window", "expected [first, last] with 1 <= first <= last"))
        if not isinstance(event.visibility, str):
            for role in event.visibility.roles:
                if role not in scenario.actors:
                    problems.append((f"events.{event_id}.visibility", f"unknown actor '{role}'"))
        if event.source is not None and event.source not in scenario.sources:
            problems.append((f"events.{event_id}.source", f"unknown source '{event.source}'"))
    return problems


def _inside(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


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
    """The name against the ground-floor list; the parameters are checked by the mechanisms layer, which knows
    each mechanism's options (:func:`sim.mechanisms.registry.check_scenario_mechanism`, run by ``sim validate``,
    ``sim run`` and whenever a model is built)."""
    problem = unknown_mechanism(scenario.mechanism.name)
    return [("mechanism", problem)] if problem else []
