"""The white cell's injects and overrides: checking one before it is logged, applying a logged inject.

A library inject names a scenario event; an ad-hoc one carries a headline, details and effects. Either fires at
the start of the next round played, and its news reaches the roles in ``visibility`` ("public" or role ids).
An override imposes an agreement, reopens the talks or sets one parameter, always with a reason.
"""

from __future__ import annotations

import math
from typing import Any

from sim.classroom.errors import MoveError, PhaseError
from sim.classroom.moves import parse_move


def visibility_of(session: Any, visibility: str | list[str] | None) -> str | list[str]:
    if visibility in ("public", None, ""):
        return "public"
    roles = [visibility] if isinstance(visibility, str) else list(visibility)
    unknown = [r for r in roles if r not in session.compiled.actor_ids]
    if unknown or not roles:
        raise MoveError(f"visibility: unknown roles {unknown}; use 'public' or role ids")
    return roles


def check_inject(session: Any, event_id: str | None, *, label: str = "", description: str = "",
                 effects: list[dict[str, Any]] | None = None,
                 visibility: str | list[str] | None = "public") -> dict[str, Any]:
    """The fields of the inject record to log; raises (changing nothing) on bad input."""
    from sim.scenario.schema import Effect

    if session.model.finished:
        raise PhaseError("no round is left for an inject to fire in")
    roles = visibility_of(session, visibility)
    if event_id:
        if event_id not in session.compiled.scenario.events:
            raise MoveError(f"unknown event {event_id!r}; the library has "
                            f"{', '.join(session.compiled.scenario.events) or 'no events'}")
        return {"event_id": event_id, "visibility": roles}
    if not label.strip():
        raise MoveError("an ad-hoc inject needs a headline")
    checked = []
    for effect in effects or []:
        try:
            spec = Effect(**effect)
        except (TypeError, ValueError) as exc:
            raise MoveError(f"effect {effect}: {exc}") from None
        if spec.path not in session.compiled.cells:
            raise MoveError(f"effect: unknown parameter path {spec.path!r}")
        checked.append(spec.model_dump(exclude_none=True))
    return {"label": label.strip(), "description": description.strip(), "effects": checked, "visibility": roles}


def apply_inject(session: Any, record: dict[str, Any]) -> dict[str, Any]:
    """Queue the logged inject in the model; returns the session's entry for it (news, debrief)."""
    from sim.scenario.schema import Effect, Event

    if record.get("event_id"):
        event = session.compiled.scenario.events[record["event_id"]]
        session.model.inject(record["event_id"])
        entry = {"event_id": record["event_id"], "label": event.label, "description": event.description}
    else:
        event = Event(label=record["label"], description=record.get("description", ""), library_only=True,
                      effects=[Effect(**e) for e in record["effects"]])
        session.model.inject(event)
        entry = {"event_id": f"adhoc:{record['label']}", "label": record["label"],
                 "description": record.get("description", "")}
    fires = session.round + (1 if session.phase in ("adjudicate", "publish") else 0)
    return {**entry, "seq": record["seq"], "queued_round": session.round, "fires_round": fires,
            "visibility": record["visibility"], "effects": [e.model_dump(exclude_none=True) for e in event.effects]}


def check_override(session: Any, reason: str, package: dict[str, Any] | None, parameter: str | None, value: Any,
                   reopen: bool) -> dict[str, Any]:
    """The fields of the override record to log; raises (changing nothing) on bad input."""
    if not reason or not reason.strip():
        raise MoveError("an override needs a reason (it goes into the log and the debrief)")
    if (package is not None) + (parameter is not None) + bool(reopen) != 1:
        raise MoveError("override one thing: the agreement (package), one parameter, or reopen the talks")
    model = session.model
    if reopen:
        refusal = model.reopen_refusal()
        if refusal:
            raise PhaseError(refusal)
        return {"reason": reason.strip(), "reopen": True}
    if package is not None:
        if model.finished and model.final is not None and model.final.agreed:
            raise PhaseError("this round already closed an agreement")
        move = parse_move({"proposal": package}, "facilitator", session.compiled.actor_ids,
                          session.compiled.issue_ids)
        return {"reason": reason.strip(), "package": move.proposal}
    if parameter not in session.compiled.cells:
        raise MoveError(f"unknown parameter path {parameter!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise MoveError(f"{parameter}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise MoveError(f"{parameter}: expected a finite number")
    return {"reason": reason.strip(), "parameter": parameter, "value": number}
