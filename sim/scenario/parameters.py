"""The numeric parameters of a scenario, each named by its path (``actors.RUS.positions.tartus``).

One table serves evidence coverage, Monte Carlo sampling, event effects and sweeps, so a path means the same thing
everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sim.scenario.distributions import Value
from sim.scenario.schema import BOUNDS, Scenario


@dataclass(frozen=True)
class Parameter:
    """One numeric parameter: its path, its value (number or distribution) and the bounds of its kind."""

    path: str
    value: Value | None
    kind: str
    explicit: bool = True  # written in the file (False: a schema default)

    @property
    def bounds(self) -> tuple[float, float]:
        return BOUNDS[self.kind]


def iter_parameters(scenario: Scenario) -> Iterator[Parameter]:
    """Every numeric parameter the scenario sets or the model derives, in a stable order.

    Optional parameters the file leaves out (an actor's ``outside_option``, ``reservation``) are yielded with
    value None: they are derived at run time but can still be set by an event or a sweep.
    """
    for issue_id, issue in scenario.issues.items():
        yield Parameter(f"issues.{issue_id}.status_quo", issue.status_quo, "status_quo")
        yield Parameter(f"issues.{issue_id}.disagreement", issue.disagreement, "disagreement")
        if issue.base:
            given = issue.model_fields_set
            yield Parameter(f"issues.{issue_id}.presence", issue.presence, "presence")
            yield Parameter(f"issues.{issue_id}.drift_target", issue.drift_target, "drift_target")
            yield Parameter(f"issues.{issue_id}.drift_rate", issue.drift_rate, "drift_rate", "drift_rate" in given)
            yield Parameter(f"issues.{issue_id}.suspended", float(issue.legal_status == "suspended"), "suspended",
                            "legal_status" in given)
    for actor_id, actor in scenario.actors.items():
        prefix = f"actors.{actor_id}"
        given = actor.model_fields_set
        yield Parameter(f"{prefix}.capability", actor.capability, "capability")
        yield Parameter(f"{prefix}.risk", actor.risk, "risk", "risk" in given)
        yield Parameter(f"{prefix}.outside_option", actor.outside_option, "outside_option")
        yield Parameter(f"{prefix}.concession", actor.concession, "concession", "concession" in given)
        yield Parameter(f"{prefix}.discount", actor.discount, "discount", "discount" in given)
        for issue_id in scenario.issues:
            yield Parameter(f"{prefix}.positions.{issue_id}", actor.positions.get(issue_id), "positions")
            yield Parameter(f"{prefix}.salience.{issue_id}", actor.salience.get(issue_id), "salience")
            yield Parameter(f"{prefix}.reservation.{issue_id}", actor.reservation.get(issue_id), "reservation")
    for key, relation in scenario.relations.items():
        given = relation.model_fields_set
        yield Parameter(f"relations.{key}.influence", relation.influence, "influence", "influence" in given)
        yield Parameter(f"relations.{key}.alignment", relation.alignment, "alignment", "alignment" in given)
    for event_id, event in scenario.events.items():
        if event.probability is not None:
            yield Parameter(f"events.{event_id}.probability", event.probability, "probability")
    yield Parameter("dynamics.influence_rate", scenario.dynamics.influence_rate, "influence_rate",
                    "influence_rate" in scenario.dynamics.model_fields_set)
    yield Parameter("dynamics.alignment_weight", scenario.dynamics.alignment_weight, "alignment_weight",
                    "alignment_weight" in scenario.dynamics.model_fields_set)
    yield Parameter("dynamics.outside_support", scenario.dynamics.outside_support, "outside_support",
                    "outside_support" in scenario.dynamics.model_fields_set)
    for name, value in scenario.mechanism.params.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield Parameter(f"mechanism.params.{name}", float(value), "mechanism")


def parameter_table(scenario: Scenario) -> dict[str, Parameter]:
    return {p.path: p for p in iter_parameters(scenario)}


def given_parameters(scenario: Scenario) -> dict[str, Parameter]:
    """Parameters the file actually sets (the ones evidence coverage is about); schema defaults are not counted
    (they are documented in docs/scenarios.md)."""
    return {p.path: p for p in iter_parameters(scenario) if p.value is not None and p.explicit}


def evidence_for(path: str, scenario: Scenario) -> str | None:
    """The evidence key covering ``path``: the path itself or its nearest listed prefix."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        key = ".".join(parts[:cut])
        if key in scenario.evidence:
            return key
    return None
