"""The facilitator vetoes a deal: reopening talks the teams (or the model) closed, and its limits."""

from __future__ import annotations

import pytest

from sim.classroom import debrief
from sim.classroom.errors import MoveError, PermissionDenied, PhaseError
from sim.classroom.session import ExerciseSession
from sim.classroom.turns import allowed_moves
from sim.classroom.views import player_view
from tests.test_classroom_replay import fingerprint
from tests.test_classroom_session import codes, new_session, to_phase


@pytest.fixture
def session(tmp_path) -> ExerciseSession:
    return new_session(tmp_path)


def play_round(session: ExerciseSession, response: str, level: float = 60) -> None:
    """The proposing team offers ``level`` on every issue and the other team gives ``response``; stop at
    adjudication."""
    fac, rus, syr = codes(session)
    to_phase(session, "negotiate")
    for actor, code in (("RUS", rus), ("SYR", syr)):
        allowed = allowed_moves(session, actor)
        if allowed["proposal"]:
            session.submit_move(code, {"proposal": dict.fromkeys(session.compiled.issue_ids, level)})
        if allowed["response"]:
            session.submit_move(code, {"response": response})
    to_phase(session, "adjudicate")


def test_facilitator_can_reopen_a_deal_the_teams_reached(session: ExerciseSession) -> None:
    fac, rus, _ = codes(session)
    with pytest.raises(PhaseError):
        session.override(fac, "too early", reopen=True)
    play_round(session, "reject")
    assert not session.model.finished
    with pytest.raises(PhaseError, match="no agreement"):
        session.override(fac, "nothing to veto", reopen=True)
    to_phase(session, "publish")
    session.advance(fac)
    play_round(session, "accept")  # round 2: both veto players accept, so the model closes a deal
    assert session.model.finished and session.model.final.agreed
    with pytest.raises(MoveError):
        session.override(fac, "both", reopen=True, parameter="actors.RUS.capability", value=1)
    with pytest.raises(PermissionDenied):
        session.override(rus, "mine", reopen=True)
    session.override(fac, "the Duma would never ratify it", reopen=True)
    assert not session.model.finished and session.model.agreement_round is None
    to_phase(session, "publish")
    history = player_view(session, "SYR")["history"]
    assert history[-1]["round"] == 2 and not history[-1]["agreed"]
    assert history[-1]["overrides"] == [{"reason": "the Duma would never ratify it", "reopen": True}]
    session.advance(fac)
    assert session.phase == "negotiate" and session.round == 3 and not session.finished
    timeline = debrief.timeline(session)
    assert timeline["what"].str.contains("reopens the talks").any()
    play_round(session, "accept")
    to_phase(session, "publish")
    session.advance(fac)
    assert session.finished and session.rounds[-1]["outcome"]["agreement_round"] == 3
    assert fingerprint(ExerciseSession.replay(session.log.path)) == fingerprint(session)


def test_a_deal_at_the_deadline_cannot_be_reopened(session: ExerciseSession) -> None:
    fac, *_ = codes(session)
    for _ in range(session.model.state.n_rounds - 1):
        play_round(session, "reject")
        to_phase(session, "publish")
        session.advance(fac)
    play_round(session, "accept")
    assert session.model.state.round == session.model.state.n_rounds and session.model.final.agreed
    with pytest.raises(PhaseError, match="last round"):
        session.override(fac, "too late", reopen=True)
