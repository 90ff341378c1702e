"""What each principal may see, as plain dicts: the web app renders only these, so privacy is testable here.

A player's view holds its own brief, interests and utilities, the *published* public state (positions as of
the last published round), the news visible to its role and its own pending move — never another role's
brief, saliences, reservation values or moves. The projector's view holds only what every team may see. The
facilitator's view holds everything.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from sim.classroom.preview import offer_preview
from sim.classroom.roles import FACILITATOR
from sim.classroom.session import ExerciseSession
from sim.classroom.turns import allowed_moves, anchors_text, bottom_line, pressure_help
from sim.core.utility import utilities

PUBLIC = "public"  # the projector: a principal that sees only public news and published rounds


def visible_to(visibility: Any, actor: str) -> bool:
    """Whether a message with ``visibility`` ("public", a list of role ids, or a scenario RoleVisibility)
    reaches ``actor`` (the facilitator sees everything)."""
    if actor == FACILITATOR or visibility in (None, "public"):
        return True
    roles = getattr(visibility, "roles", visibility)
    return actor in list(roles)


def utility_of(session: ExerciseSession, actor: str, package: dict[str, float] | None) -> float | None:
    """``actor``'s utility (0-1, against its starting ideal) for a package (``sim.core.utility``)."""
    if package is None:
        return None
    snap = session.published
    issues = session.compiled.issue_ids
    ideal = np.array([snap["ideal"][actor][i] for i in issues])
    salience = np.array([snap["salience"][actor][i] for i in issues])
    value = np.array([float(package[i]) for i in issues])
    return round(float(utilities(ideal, salience, value)), 4)


def _event_visibility(session: ExerciseSession, event: dict[str, Any], round_: int) -> Any:
    if event.get("injected"):
        for inject in session.injects:
            if inject["event_id"] == event["event_id"] and inject["fires_round"] == round_:
                return inject["visibility"]
        return "public"
    spec = session.compiled.scenario.events.get(event["event_id"])
    return spec.visibility if spec is not None else "public"


def news(session: ExerciseSession, actor: str) -> list[dict[str, Any]]:
    """Injects (when made) and fired scheduled events (when published) that ``actor`` may see."""
    items = [{"round": inj["queued_round"], "label": inj["label"], "description": inj["description"],
              "kind": "inject", "private": inj["visibility"] != "public"}
             for inj in session.injects if visible_to(inj["visibility"], actor)]
    for entry in session.rounds:
        if not entry["published"] and actor != FACILITATOR:
            continue
        for event in entry["result"].get("events", []):
            if event.get("injected"):
                continue
            vis = _event_visibility(session, event, entry["round"])
            if visible_to(vis, actor):
                spec = session.compiled.scenario.events.get(event["event_id"])
                items.append({"round": entry["round"], "label": event["label"],
                              "description": spec.description if spec else "", "kind": "event",
                              "private": vis != "public"})
    return items


def _public_history(session: ExerciseSession, actor: str) -> list[dict[str, Any]]:
    rows = []
    for entry in session.rounds:
        if not entry["published"] and actor != FACILITATOR:
            continue
        result = entry["result"]
        rows.append({
            "round": entry["round"], "proposer": result.get("proposer"), "offer": result.get("offer"),
            "accepted": result.get("accepted"), "votes": result.get("votes"), "agreed": result.get("agreed", False),
            "overrides": [{"reason": o["reason"], **{k: o[k] for k in ("package", "reopen") if k in o}}
                          for o in entry["overrides"]],
            "events": [e["label"] for e in result.get("events", [])
                       if visible_to(_event_visibility(session, e, entry["round"]), actor)],
        })
    return rows


def _common(session: ExerciseSession, actor: str) -> dict[str, Any]:
    sc = session.compiled.scenario
    snap = session.published if actor != FACILITATOR else _live(session)
    return {
        "scenario": {"name": sc.name, "title": sc.title, "question": sc.question},
        "round": session.round, "rounds": sc.rounds, "class_rounds": session.settings.class_rounds,
        "phase": session.phase, "paused": session.paused, "started": session.started,
        "remaining": session.remaining(), "finished": session.finished,
        "issues": {i: {"label": sc.issues[i].label, "base": sc.issues[i].base,
                       "anchors": {int(k): v for k, v in sc.issues[i].anchors.items()},
                       "scale": anchors_text({int(k): v for k, v in sc.issues[i].anchors.items()})}
                   for i in session.compiled.issue_ids},
        "lobby": lobby(session),
        "world": _world(session, actor),
        "actors": {a: {"name": sc.actors[a].name, "veto": sc.actors[a].role == "veto",
                       "team": session.roster.roles[a].human,
                       "position": snap["position"][a], "capability": snap["capability"][a]}
                   for a in session.compiled.actor_ids},
        "history": _public_history(session, actor),
        "news": news(session, actor),
        "outcome": _final(session) if session.finished else None,
    }


def _world(session: ExerciseSession, actor: str) -> dict[str, Any]:
    """Each base's talks status, presence and legal status after the last round this principal may see."""
    seen = [e for e in session.rounds if e["published"] or actor == FACILITATOR]
    return {"month": seen[-1]["round"], "bases": seen[-1].get("world", {})} if seen else {"month": 0, "bases": {}}


def clock_time(t: float) -> str:
    """A record's time as the wall-clock time of the server (HH:MM:SS)."""
    return time.strftime("%H:%M:%S", time.localtime(t))


def lobby(session: ExerciseSession) -> dict[str, list[str]]:
    """Who has joined each team (names in the order they first joined)."""
    return {a: list(dict.fromkeys(j["name"] for j in joins)) for a, joins in session.joined.items()}


def submissions(session: ExerciseSession, actor: str) -> list[dict[str, Any]]:
    """This round's moves of ``actor``'s team, oldest first: who, when, what; only the last one counts."""
    from sim.classroom.debrief import describe_move

    subs = session.submissions.get(actor, [])
    return [{"name": s["name"] or "(no name)", "at": clock_time(s["t"]), "what": describe_move(s["move"]),
             "current": k == len(subs) - 1} for k, s in enumerate(subs)]


def _live(session: ExerciseSession) -> dict[str, Any]:
    from sim.classroom.snapshot import state_snapshot

    return state_snapshot(session.model)


def _final(session: ExerciseSession) -> dict[str, Any] | None:
    return session.rounds[-1]["outcome"] if session.rounds else None


def player_view(session: ExerciseSession, actor: str) -> dict[str, Any]:
    """What the team playing ``actor`` sees."""
    if actor not in session.compiled.actor_ids or actor == FACILITATOR:
        raise KeyError(actor)
    sc = session.compiled.scenario
    snap = session.published
    last_offer = next((r["result"].get("offer") for r in reversed(session.rounds) if r["published"]), None)
    view = _common(session, actor)
    final = view["outcome"]
    view["me"] = {
        "id": actor, "name": sc.actors[actor].name, "veto": sc.actors[actor].role == "veto",
        "brief": sc.actors[actor].brief,
        "ideal": snap["ideal"][actor], "position": snap["position"][actor],
        "salience": snap["salience"][actor],
        "reservation": snap["reservation"][actor], "outside_option": snap["outside_option"][actor],
        "utility": {
            "status_quo": utility_of(session, actor, snap["status_quo"]),
            "disagreement": utility_of(session, actor, snap["disagreement"]),
            "last_offer": utility_of(session, actor, last_offer),
            "final": utility_of(session, actor, final["package"]) if final else None,
        },
        "move": session.moves[actor].to_dict() if actor in session.moves else None,
        "submissions": submissions(session, actor),
        "team": view["lobby"].get(actor, []),
        "bottom_lines": [bottom_line(view["issues"][i]["label"], snap["ideal"][actor][i],
                                     snap["reservation"][actor][i], view["issues"][i]["anchors"])
                         for i in session.compiled.issue_ids],
        "pressure_help": pressure_help(session, actor),
    }
    view["allowed"] = allowed_moves(session, actor)
    preview = offer_preview(session)
    view["preview"] = None if preview is None else {
        **preview, "utility": utility_of(session, actor, preview["offer"])}
    return view


def facilitator_view(session: ExerciseSession) -> dict[str, Any]:
    """Everything: codes, briefs, live state, moves, the pending adjudication, injects, overrides."""
    sc = session.compiled.scenario
    view = _common(session, FACILITATOR)
    view.update({
        "codes": {"facilitator": session.roster.facilitator_code,
                  **{a: r.code for a, r in session.roster.roles.items() if r.human}},
        "briefs": {a: sc.actors[a].brief for a in session.compiled.actor_ids},
        "moves": {a: m.to_dict() for a, m in session.moves.items()},
        "submissions": {a: submissions(session, a) for a in session.submissions},
        "pending": session.rounds[-1] if session.rounds and not session.rounds[-1]["published"] else None,
        "library": {e: {"label": ev.label, "description": ev.description,
                        "visibility": "public" if ev.visibility == "public" else list(ev.visibility.roles)}
                    for e, ev in sc.events.items()},
        "injects": list(session.injects), "overrides": list(session.overrides),
        "parameters": session.compiled.parameter_paths(),
        "seed": session.seed, "log": str(session.log.path) if session.log else None,
        "preview": offer_preview(session),
    })
    return view


def projector_view(session: ExerciseSession) -> dict[str, Any]:
    """The public screen: round, clock, public news, the offer on the table, the published state, the outcome.
    No codes, no briefs, no team's pending move, no confidential news."""
    view = _common(session, PUBLIC)
    preview = offer_preview(session) if session.started else None
    view["preview"] = None if preview is None else {"proposer": preview["proposer"], "offer": preview["offer"]}
    view["moves_in"] = sorted(session.moves)  # which teams have submitted (not what)
    return view
