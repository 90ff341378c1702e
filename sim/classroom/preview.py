"""The offer on the table before the round is played, so teams respond to an offer they can see.

The model's round protocol asks for a proposal and the responses in one step. To let a team see the offer it
is answering, the preview plays the coming round on a deep copy of the model, with the moves submitted so far,
and reports only who proposes and what. The live model is untouched, so the preview changes nothing; it
updates whenever a move changes (a human proposer revising its package changes the offer).
"""

from __future__ import annotations

import copy
from typing import Any

from sim.classroom.moves import feed
from sim.classroom.snapshot import by_issue


def offer_preview(session: Any) -> dict[str, Any] | None:
    """``{"round", "proposer", "offer"}`` of the coming round (None outside negotiate/submit), cached per log
    length."""
    if session.phase not in ("negotiate", "submit") or session.model.finished:
        return None
    key = len(session.records)
    cached = getattr(session, "_preview_cache", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    model = copy.deepcopy(session.model)
    policies = {s.actor_id: s.policy for s in model.stakeholders if s.actor_id in session.human}
    feed(policies, session.moves, session.compiled.actor_ids, session.compiled.issue_ids)
    model.step()
    record = model.history[-1]
    preview = None
    if record.offer is not None:
        preview = {"round": int(record.round),
                   "proposer": None if record.proposer is None else model.state.actor_ids[int(record.proposer)],
                   "offer": by_issue(record.offer, model.state.issue_ids)}
    session._preview_cache = (key, preview)
    return preview
