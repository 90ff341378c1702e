"""Readable labels for figures, taken from the scenario: actor names, issue names and event labels instead of
raw parameter paths (``actors.TUR.capability`` -> ``Turkey: capability``)."""

from __future__ import annotations

import re

from sim.core.categories import CATEGORY_LABELS
from sim.scenario.schema import Scenario

FIELD_WORDS = {
    "capability": "capability", "risk": "risk attitude", "outside_option": "outside option",
    "concession": "concession exponent", "positions": "position on", "salience": "salience of",
    "reservation": "reservation value on", "status_quo": "status quo", "disagreement": "disagreement value",
    "influence": "influence", "alignment": "alignment", "probability": "chance per month",
    "influence_rate": "influence rate per month", "alignment_weight": "alignment weight",
}


def issue_name(scenario: Scenario | None, issue: str) -> str:
    """A short name for an issue: its id as a word (``tartus`` -> ``Tartus``); the full label is for titles."""
    return issue.replace("_", " ").capitalize() if scenario is None or issue in scenario.issues else issue


def parameter_label(path: str, scenario: Scenario | None = None) -> str:
    """A readable label for a parameter path; the path itself when it is not a scenario parameter."""
    parts = path.split(".")
    actors = scenario.actors if scenario is not None else {}
    name = lambda actor_id: actors[actor_id].name if actor_id in actors else actor_id  # noqa: E731
    if parts[0] == "actors" and len(parts) >= 3:
        word = FIELD_WORDS.get(parts[2], parts[2].replace("_", " "))
        issue = f" {issue_name(scenario, parts[3])}" if len(parts) > 3 else ""
        return f"{name(parts[1])}: {word}{issue}"
    if parts[0] == "relations" and len(parts) == 3 and "->" in parts[1]:
        source, target = parts[1].split("->")
        return f"{FIELD_WORDS.get(parts[2], parts[2])} of {name(source)} on {name(target)}"
    if parts[0] == "issues" and len(parts) == 3:
        return f"{issue_name(scenario, parts[1])}: {FIELD_WORDS.get(parts[2], parts[2])}"
    if parts[0] == "events" and len(parts) == 3:
        events = scenario.events if scenario is not None else {}
        label = events[parts[1]].label if parts[1] in events else parts[1].replace("_", " ")
        return f"{label}: {FIELD_WORDS.get(parts[2], parts[2])}"
    if parts[0] == "dynamics" and len(parts) == 2:
        return FIELD_WORDS.get(parts[1], parts[1].replace("_", " "))
    if parts[:2] == ["mechanism", "params"] and len(parts) == 3:
        return f"mechanism parameter {parts[2]}"
    return path


STATUS_WORDS = {"signed": "a new agreement signed", "breakdown": "talks broken down",
                "unresolved": "talks still open"}


def output_label(text: str, scenario: Scenario | None = None) -> str:
    """``mean(outcome.tartus)`` -> ``mean final value of Tartus (0-100)``, ``P(signed.m12)`` -> ``share of runs
    with a new agreement signed at month 12``; other outputs are kept as written."""
    inner = text[text.find("(") + 1:text.rfind(")")] if "(" in text else text
    column, _, condition = inner.strip().partition(" ")
    month = re.search(r"\.m(\d+)$", column)
    if month:  # a month-k column: the same words as the final column, "at month k"
        at = f" at month {month.group(1)}"
        final = text.replace(column, column[:month.start()], 1)
        if text.startswith("P(") and column[:month.start()] in STATUS_WORDS and not condition:
            return f"share of runs with {STATUS_WORDS[column[:month.start()]]}{at}"
        if text.startswith("mean(presence."):
            return f"mean presence at {issue_name(scenario, column.split('.')[1])}{at} (0-100)"
        label = output_label(final, scenario)
        return label.replace("final ", "") + at if label != final else text
    if text.startswith("P(") and column in STATUS_WORDS and not condition:
        return f"share of runs with {STATUS_WORDS[column]} at the end"
    if text.startswith("mean(outcome."):
        return f"mean final value of {issue_name(scenario, inner.removeprefix('outcome.'))} (0-100)"
    if text.startswith("mean(agreement_round"):
        return "mean month of agreement (runs that agreed)"
    if text.startswith("P(agreed"):
        return "share of runs with an agreement"
    if text.startswith("P(category."):
        issue, _, rest = inner.removeprefix("category.").partition(" ")
        op, _, value = rest.partition(" ")
        words = {">=": "or better for Russia", "<=": "or worse for Russia", "==": "exactly", ">": "better than",
                 "<": "worse than", "!=": "other than"}
        shown = CATEGORY_LABELS.get(value, value)
        if op in (">=", "<="):
            return f"share of runs with {issue_name(scenario, issue)} at '{shown}' {words[op]}"
        if op == "==":
            return f"share of runs with {issue_name(scenario, issue)} at '{shown}'"
        return f"share of runs with {issue_name(scenario, issue)} {words.get(op, op)} '{shown}'"
    return text


def natural_range(text: str, scenario: Scenario | None = None) -> tuple[float, float] | None:
    """The range an output can take: 0-1 for shares, 0-100 for issue values, 1-rounds for months."""
    if text.startswith("P("):
        return (0.0, 1.0)
    if text.startswith(("mean(outcome.", "mean(presence.")):
        return (0.0, 100.0)
    if text.startswith("mean(agreement_round") and scenario is not None:
        return (1.0, float(scenario.rounds))
    return None
