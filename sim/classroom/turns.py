"""Which moves have an effect for a role this round, and what they mean in the role's own terms.

Plain text for the pages, built from the scenario and the round's preview (who proposes); no negotiation math.
A proposal counts only from the round's proposer; an answer to the offer only from a veto player who is not the
proposer (the mechanism asks no one else: :mod:`sim.classroom.ballot` records who it asked); pressure counts
from anyone. Mechanisms that take no proposals (``uses_proposals`` false in their classifier) take pressure only.
"""

from __future__ import annotations

from typing import Any

from sim.classroom.preview import offer_preview


def uses_proposals(session: Any) -> bool:
    return bool(session.model.mechanism.classifier.get("uses_proposals", False))


def is_veto(session: Any, actor: str) -> bool:
    return bool(session.model.state.veto[session.compiled.actor_ids.index(actor)])


def allowed_moves(session: Any, actor: str) -> dict[str, Any]:
    """``{"proposal", "response", "pressure"}`` flags for ``actor`` now, the round's proposer, and why."""
    open_ = session.phase in ("negotiate", "submit") and not session.model.finished
    preview = offer_preview(session) if open_ else None
    proposer = preview["proposer"] if preview else None
    proposals = uses_proposals(session)
    veto = is_veto(session, actor)
    allowed = {"proposal": open_ and proposals and actor == proposer,
               "response": open_ and proposals and veto and proposer is not None and actor != proposer,
               "pressure": open_, "proposer": proposer, "veto": veto}
    allowed["why"] = _why(session, actor, allowed, proposals)
    return allowed


def _why(session: Any, actor: str, allowed: dict[str, Any], proposals: bool) -> str:
    names = {a: session.compiled.scenario.actors[a].name for a in session.compiled.actor_ids}
    proposer = allowed["proposer"]
    if not proposals:
        return ("In this scenario's mechanism nobody proposes or votes: positions move by pressure and the "
                "forecast follows them. Your move is pressure.")
    if allowed["proposal"]:
        return ("You propose this round: your package is the offer the other veto players vote on. The proposer "
                "does not vote on its own offer.")
    if allowed["response"]:
        return (f"You are a veto player: no deal without your 'accept'. {names.get(proposer, proposer)} proposes "
                "this round and your answer to that offer counts.")
    if allowed["veto"]:
        return "You are a veto player; you answer offers in the rounds where you do not propose."
    return ("You are not a veto player: you neither propose nor vote, and no deal needs your consent. "
            "You act by pressing on other actors, in the model and in the room.")


def pressure_help(session: Any, actor: str) -> str:
    """What pressure does, and the standing ties through which ``actor`` already presses on others."""
    ids = session.compiled.actor_ids
    k = ids.index(actor)
    influence = session.model.state.influence
    ties = [f"{session.compiled.scenario.actors[a].name} ({influence[k, i]:.2f})"
            for i, a in enumerate(ids) if i != k and influence[k, i] > 0]
    standing = ("Even without a move you press every month through your standing ties: " + ", ".join(ties) + "."
                if ties else "You have no standing ties: without a move you press on nobody.")
    return ("Pressure adds its strength (0-1) to your tie to the target for one month. The target then moves its "
            "stated positions part of the way toward yours: more when you are strong relative to it, when you "
            "care about the issue and when it cares little. Choose one issue to press on it alone. " + standing)


def anchors_text(anchors: dict[int, str]) -> str:
    """``0 = full withdrawal · 25 = ... · 100 = ...``."""
    return " · ".join(f"{k} = {v}" for k, v in sorted(anchors.items()))


def nearest_anchor(value: float, anchors: dict[int, str]) -> str:
    if not anchors:
        return ""
    key = min(anchors, key=lambda k: abs(k - value))
    return anchors[key]


def bottom_line(issue_label: str, ideal: float | None, reservation: float | None,
                anchors: dict[int, str]) -> str:
    """The reservation value said in the role's terms: how far it is prepared to concede, and towards what."""
    if ideal is None or reservation is None:
        return f"{issue_label}: no bottom line set."
    want = f"you want about {ideal:.0f} ({nearest_anchor(ideal, anchors)})" if anchors else \
        f"you want about {ideal:.0f}"
    if abs(reservation - ideal) < 0.5:
        return f"{issue_label}: {want} and will not move on it."
    direction = "no less than" if reservation < ideal else "no more than"
    near = f" (close to '{nearest_anchor(reservation, anchors)}')" if anchors else ""
    return (f"{issue_label}: {want}; the furthest you are prepared to concede is {reservation:.0f}{near}, "
            f"so settle for {direction} {reservation:.0f}.")
