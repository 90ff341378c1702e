"""The numeric parameters of a scenario, each named by its path (``actors.RUS.positions.tartus``).

One table serves evidence coverage, Monte Carlo sampling, event effects and sweeps, so a path means the same thing
everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sim.scenario.distributions import Value
from sim.scenario.schema import BOUNDS, Scenario

Cell = tuple[str, tuple[int, ...]]  # (array name in the compiled scenario, index into that array)

#: actor fields -> the compiled array holding them (one value per actor, or per actor and issue)
ACTOR_SCALARS = {"capability": "capability", "risk": "risk", "outside_option": "outside_option",
                 "concession": "concession_beta", "discount": "discount"}
ACTOR_ISSUE = {"positions": "position", "salience": "salience", "reservation": "reservation"}


@dataclass(frozen=True)
class Parameter:
    """One numeric parameter: its path, its value (number or distribution), its kind (for bounds), whether the
    file writes it, and the cell of the compiled arrays that holds it."""

    path: str
    value: Value | None
    kind: str
    explicit: bool = True  # written in the file (False: a schema default)
    cell: Cell = ("", ())

    @property
    def bounds(self) -> tuple[float, float]:
        return BOUNDS[self.kind]


def iter_parameters(scenario: Scenario) -> Iterator[Parameter]:
    """Every numeric parameter the scenario sets or the model derives, in a stable order, with its cell.

    Optional parameters the file leaves out (an actor's ``outside_option``, ``reservation``) are yielded with
    value None: they are derived at run time but can still be set by an event or a sweep.
    """
    issues = list(scenario.issues)
    actor_index = {actor_id: i for i, actor_id in enumerate(scenario.actors)}
    for j, (issue_id, issue) in enumerate(scenario.issues.items()):
        yield Parameter(f"issues.{issue_id}.status_quo", issue.status_quo, "status_quo", cell=("status_quo", (j,)))
        yield Parameter(f"issues.{issue_id}.disagreement", issue.disagreement, "disagreement",
                        cell=("disagreement", (j,)))
        if issue.base:
            given = issue.model_fields_set
            yield Parameter(f"issues.{issue_id}.presence", issue.presence, "presence", cell=("presence", (j,)))
            yield Parameter(f"issues.{issue_id}.drift_target", issue.drift_target, "drift_target",
                            cell=("drift_target", (j,)))
            yield Parameter(f"issues.{issue_id}.drift_rate", issue.drift_rate, "drift_rate", "drift_rate" in given,
                            cell=("drift_rate", (j,)))
            yield Parameter(f"issues.{issue_id}.suspended", float(issue.legal_status == "suspended"), "suspended",
                            "legal_status" in given, cell=("suspended", (j,)))
    for i, (actor_id, actor) in enumerate(scenario.actors.items()):
        prefix = f"actors.{actor_id}"
        given = actor.model_fields_set
        for name, explicit in (("capability", True), ("risk", "risk" in given), ("outside_option", True),
                               ("concession", "concession" in given), ("discount", "discount" in given)):
            yield Parameter(f"{prefix}.{name}", getattr(actor, name), name, explicit, cell=(ACTOR_SCALARS[name], (i,)))
        for j, issue_id in enumerate(issues):
            for name in ("positions", "salience", "reservation"):
                yield Parameter(f"{prefix}.{name}.{issue_id}", getattr(actor, name).get(issue_id), name,
                                cell=(ACTOR_ISSUE[name], (i, j)))
    for key, relation in scenario.relations.items():
        given = relation.model_fields_set
        source, _, target = key.partition("->")  # a malformed key is refused by the checks
        pair = (actor_index.get(source, -1), actor_index.get(target, -1))  # unknown ids: refused by the checks
        for name in ("influence", "alignment"):
            yield Parameter(f"relations.{key}.{name}", getattr(relation, name), name, name in given, cell=(name, pair))
    for k, (event_id, event) in enumerate(scenario.events.items()):
        if event.probability is not None:
            yield Parameter(f"events.{event_id}.probability", event.probability, "probability",
                            cell=("event_probability", (k,)))
    for name in ("influence_rate", "alignment_weight", "outside_support"):
        yield Parameter(f"dynamics.{name}", getattr(scenario.dynamics, name), name,
                        name in scenario.dynamics.model_fields_set, cell=(name, ()))
    for name, value in scenario.mechanism.params.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            yield Parameter(f"mechanism.params.{name}", float(value), "mechanism", cell=(f"mechanism.{name}", ()))


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
