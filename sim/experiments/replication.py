"""One replication: sample a scenario, run the model, classify the outcome, flatten it into a row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.categories import CATEGORIES
from sim.core.state import NegotiationState
from sim.model.records import RoundRecord
from sim.outcomes.classify import Outcome
from sim.policies.base import Policy
from sim.scenario.compiled import CompiledScenario


@dataclass
class ReplicationResult:
    outcome: Outcome
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    history: list[RoundRecord]
    events: list[str]
    initial_position: np.ndarray  # (N, M) sampled ideal points at the start
    salience: np.ndarray  # (N, M) saliences at the end
    state: NegotiationState  # the state at the end of the run

    def summary(self, months: tuple[int, ...] = ()) -> dict[str, Any]:
        """Flat scalar outputs (see :func:`summarize`)."""
        return summarize(self.outcome, self.actor_ids, self.issue_ids, len(self.events), months)

    def diagnostics(self) -> dict[str, Any]:
        """Pareto and Nash diagnostics of the final package over the veto players (:func:`end_diagnostics`)."""
        return end_diagnostics(self.state, self.outcome.package)


def end_diagnostics(state: NegotiationState, package: np.ndarray) -> dict[str, Any]:
    """Whether the final ``package`` is Pareto-optimal for the veto players of the end ``state`` and the utility
    they could all gain: among all packages, and among those within their bottom lines (1.0 / 0.0, NaN where the
    bottom lines leave no common package); and its root-mean-square distance (points per issue) to their Nash
    bargaining point, again among all packages and among those within their bottom lines (NaN where no such
    package beats every disagreement value). Exact on the frontier for two veto
    players (about 1 ms a replication); scipy for more."""
    from sim.mechanisms.diagnostics import bottom_line_box, nash_point, pareto_improvement

    box = bottom_line_box(state)
    check = pareto_improvement(state, package)
    inside = pareto_improvement(state, package, box=box)
    zone = not np.isnan(inside.improvement)
    return {"pareto_optimal": check.optimal, "pareto_gain": check.improvement,
            "pareto_optimal_within_bottom_lines": float(inside.optimal) if zone else np.nan,
            "pareto_gain_within_bottom_lines": inside.improvement,
            "nash_distance": _distance(package, nash_point(state)),
            "nash_distance_within_bottom_lines": _distance(package, nash_point(state, box=box))}


def _distance(package: np.ndarray, point: np.ndarray | None) -> float:
    """Root-mean-square distance in points per issue (NaN without a point)."""
    return float(np.sqrt(np.mean((package - point) ** 2))) if point is not None else np.nan


DEFAULT_MONTHS = (6, 12, 24)
"""Months every summary row reports (those within the months simulated), besides any a caller asks for."""


def summarize(outcome: Outcome, actor_ids: tuple[str, ...], issue_ids: tuple[str, ...],
              events_fired: int, months: tuple[int, ...] = ()) -> dict[str, Any]:
    """Flat scalar outputs of one replication.

    Final state: status (signed / breakdown / unresolved / forecast), agreed, breakdown, breakdown_by,
    agreement_round, rounds_played, outcome.<issue>, category.<base> and state.<base> ("status:category"),
    level.<base> (category index 0-4), utility.<actor>, events_fired. At each month k: signed.mK, breakdown.mK,
    unresolved.mK (booleans) and, per base, state.<base>.mK, category.<base>.mK, level.<base>.mK,
    presence.<base>.mK, legal.<base>.mK.
    """
    row: dict[str, Any] = {
        "status": outcome.status,
        "agreed": outcome.status == "signed",
        "breakdown": outcome.status == "breakdown",
        "breakdown_by": actor_ids[outcome.breakdown_by] if outcome.breakdown_by is not None else "",
        "agreement_round": float(outcome.agreement_round) if outcome.agreement_round is not None else np.nan,
        "rounds_played": outcome.rounds_played,
    }
    for j, issue in enumerate(issue_ids):
        row[f"outcome.{issue}"] = float(outcome.package[j])
    for issue, category in outcome.categories.items():
        row[f"category.{issue}"] = category
        row[f"state.{issue}"] = f"{outcome.status}:{category}"
        row[f"level.{issue}"] = CATEGORIES.index(category)
    for i, actor in enumerate(actor_ids):
        row[f"utility.{actor}"] = float(outcome.utilities[i])
    row["events_fired"] = events_fired
    if outcome.timeline is not None:
        cap = outcome.timeline.cap or outcome.timeline.months
        for k in sorted({m for m in DEFAULT_MONTHS if m <= cap} | set(months)):
            row.update(month_columns(outcome, k))
    return row


def month_columns(outcome: Outcome, month: int) -> dict[str, Any]:
    """The state at the end of ``month`` as flat columns (see :func:`summarize`)."""
    states = outcome.at(month)
    status = outcome.timeline.status_at(month) if outcome.timeline is not None else outcome.status
    cols: dict[str, Any] = {f"signed.m{month}": status == "signed", f"breakdown.m{month}": status == "breakdown",
                            f"unresolved.m{month}": status == "unresolved"}
    for issue, (state, category, presence, legal) in states.items():
        cols[f"state.{issue}.m{month}"] = f"{state}:{category}" if category else state
        cols[f"category.{issue}.m{month}"] = category or None
        cols[f"level.{issue}.m{month}"] = CATEGORIES.index(category) if category else np.nan
        cols[f"presence.{issue}.m{month}"] = presence
        cols[f"legal.{issue}.m{month}"] = legal
    return cols


def run_replication(compiled: CompiledScenario, seed: int | np.random.SeedSequence | None,
                    overrides: dict[str, float] | None = None, mechanism: str | None = None,
                    record: bool = False, policies: dict[str, Policy] | None = None,
                    mechanism_params: dict | None = None) -> ReplicationResult:
    """Run one replication to its end. ``record`` keeps per-round positions in the history."""
    from sim.model.model import NegotiationModel  # Mesa loads only when a model runs

    model = NegotiationModel(compiled, seed, mechanism=mechanism, mechanism_params=mechanism_params,
                             policies=policies, overrides=overrides, record=record)
    outcome = model.run()
    events = [e.event_id for r in model.history for e in r.events]
    return ReplicationResult(outcome, compiled.actor_ids, compiled.issue_ids, model.history, events,
                             model.state.initial_position, model.state.salience, model.state)
