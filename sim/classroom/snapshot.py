"""Plain-dict snapshots of the model (JSON-ready) that views, the debrief and the log compare."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.core.utility import outside_options


def _num(value: float) -> float | None:
    """Rounded float, or None for NaN (a parameter the model derives, e.g. an unset outside option)."""
    value = float(value)
    return None if np.isnan(value) else round(value, 6)


def by_issue(row: np.ndarray, issue_ids: tuple[str, ...]) -> dict[str, float | None]:
    return {issue: _num(v) for issue, v in zip(issue_ids, row, strict=True)}


def state_snapshot(model: Any) -> dict[str, Any]:
    """Everything about the current state, keyed by ids (the views decide who sees what)."""
    state = model.state
    actors, issues = state.actor_ids, state.issue_ids
    return {
        "round": int(state.round),
        "position": {a: by_issue(state.position[i], issues) for i, a in enumerate(actors)},
        "ideal": {a: by_issue(state.initial_position[i], issues) for i, a in enumerate(actors)},
        "salience": {a: by_issue(state.salience[i], issues) for i, a in enumerate(actors)},
        "reservation": {a: by_issue(state.reservation[i], issues) for i, a in enumerate(actors)},
        "capability": {a: _num(state.capability[i]) for i, a in enumerate(actors)},
        "outside_option": {a: _num(v) for a, v in zip(actors, outside_options(state), strict=True)},
        "veto": {a: bool(state.veto[i]) for i, a in enumerate(actors)},
        "status_quo": by_issue(state.status_quo, issues),
        "disagreement": by_issue(state.disagreement, issues),
    }


def round_summary(model: Any, record: Any, votes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One model round record as a dict: events fired, proposer, offer, responses, agreement.

    ``votes`` are the answers the mechanism asked for ({actor: {"accept", "by"}}, see ``sim.classroom.ballot``);
    ``accepted`` keeps the mechanism's raw per-actor flags, in which actors who do not vote count as accepting.
    """
    if record is None:
        return {}
    actors, issues = model.state.actor_ids, model.state.issue_ids
    accepted = None
    if record.accepted is not None:
        accepted = {a: bool(record.accepted[i]) for i, a in enumerate(actors)}
    return {
        "round": int(record.round),
        "events": [{"event_id": e.event_id, "label": e.label, "injected": bool(e.injected)}
                   for e in record.events],
        "proposer": None if record.proposer is None else actors[int(record.proposer)],
        "offer": None if record.offer is None else by_issue(np.asarray(record.offer), issues),
        "accepted": accepted,
        "votes": votes,
        "agreed": bool(record.agreed),
        "note": record.note,
    }


def outcome_summary(model: Any) -> dict[str, Any] | None:
    """The classified final outcome once the model has finished (shared classifier in ``sim.outcomes``)."""
    if not model.finished:
        return None
    outcome = model.outcome()
    actors, issues = model.state.actor_ids, model.state.issue_ids
    return {
        "agreed": bool(outcome.agreed),
        "agreement_round": outcome.agreement_round,
        "rounds_played": int(outcome.rounds_played),
        "package": by_issue(outcome.package, issues),
        "categories": dict(outcome.categories),
        "utilities": {a: _num(u) for a, u in zip(actors, outcome.utilities, strict=True)},
    }


def world_state(model: Any, month: int | None = None) -> dict[str, dict[str, Any]]:
    """Each base issue at the end of ``month`` (default: the last month played): the talks' status (signed /
    unresolved / breakdown), the presence category and value, and the legal status, from the model's
    month-by-month record (``sim.outcomes.timeline``). Empty before the first month."""
    timeline = model.timeline()
    month = timeline.months if month is None else month
    if month < 1 or timeline.months == 0:
        return {}
    thresholds = model.compiled.scenario.outcomes.thresholds
    issues = model.state.issue_ids
    world = {}
    for j, issue in enumerate(issues):
        if not model.state.is_base_issue[j]:
            continue
        status, category, presence, legal = timeline.base_state(month, j, thresholds)
        world[issue] = {"status": status, "category": category, "presence": _num(presence), "legal": legal}
    return world


def world_history(model: Any) -> list[dict[str, Any]]:
    """:func:`world_state` for every month played, as rows (month, issue, status, category, presence, legal)."""
    return [{"month": month, "issue": issue, **state}
            for month in range(1, model.timeline().months + 1)
            for issue, state in world_state(model, month).items()]
