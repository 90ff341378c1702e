"""Classroom: the lobby and the start, roles that matter, truthful votes, who sent a move, the projector's view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.classroom.errors import MoveError, PermissionDenied, PhaseError
from sim.classroom.session import ExerciseSession
from sim.classroom.turns import allowed_moves, bottom_line, nearest_anchor
from sim.classroom.views import facilitator_view, player_view, projector_view
from tests.test_classroom_session import codes, new_session, to_phase

ANCHORS = {0: "full withdrawal", 50: "reduced presence", 100: "2017 terms"}


@pytest.fixture
def lobby(tmp_path: Path) -> ExerciseSession:
    return new_session(tmp_path, roles=("RUS", "SYR", "TUR"), start=False, auto_advance=True,
                       durations={"negotiate": 30})


def test_the_clock_starts_with_the_class_not_with_the_server(lobby: ExerciseSession) -> None:
    fac, rus, syr = codes(lobby)
    assert lobby.phase == "lobby" and not lobby.started
    lobby.clock.advance(10_000)  # the server has been up for hours: nothing runs out, nothing advances
    assert lobby.remaining() == 30 and not lobby.tick() and lobby.phase == "lobby"
    for action in (lambda: lobby.advance(fac), lambda: lobby.pause(fac), lambda: lobby.extend(fac, 60)):
        with pytest.raises(PhaseError, match="not started"):
            action()
    with pytest.raises(PhaseError, match="not started"):
        lobby.submit_move(syr, {"response": "reject"})
    with pytest.raises(PermissionDenied):
        lobby.start(rus)
    lobby.start(fac)
    assert lobby.phase == "negotiate" and lobby.remaining() == 30
    with pytest.raises(PhaseError, match="already"):
        lobby.start(fac)
    lobby.clock.advance(30)
    assert lobby.tick() and lobby.phase == "submit"


def test_the_lobby_lists_who_joined_each_team_and_a_name_is_required(lobby: ExerciseSession) -> None:
    fac, rus, syr = codes(lobby)
    for code, name in ((rus, "Anna"), (rus, " Boris  "), (rus, "Anna"), (syr, "Layla")):
        lobby.join(code, name)
    with pytest.raises(MoveError, match="name"):
        lobby.join(syr, "   ")
    with pytest.raises(MoveError, match="at most"):
        lobby.join(syr, "x" * 41)
    assert lobby.join(fac) == "facilitator"
    assert facilitator_view(lobby)["lobby"] == {"RUS": ["Anna", "Boris"], "SYR": ["Layla"], "TUR": []}
    assert player_view(lobby, "RUS")["me"]["team"] == ["Anna", "Boris"]
    assert projector_view(lobby)["lobby"]["SYR"] == ["Layla"]
    assert [r["kind"] for r in lobby.records].count("join") == 4  # the facilitator's visit is not logged


def test_only_moves_that_count_are_offered_and_accepted(lobby: ExerciseSession) -> None:
    fac, rus, syr = codes(lobby)
    tur = lobby.roster.roles["TUR"].code
    lobby.start(fac)
    issues = lobby.compiled.issue_ids
    rus_moves, syr_moves, tur_moves = (allowed_moves(lobby, a) for a in ("RUS", "SYR", "TUR"))
    assert rus_moves["proposer"] == "RUS"  # alternating offers: Russia opens, Damascus answers
    assert (rus_moves["proposal"], rus_moves["response"]) == (True, False) and "does not vote" in rus_moves["why"]
    assert (syr_moves["proposal"], syr_moves["response"]) == (False, True)
    assert (tur_moves["proposal"], tur_moves["response"], tur_moves["pressure"]) == (False, False, True)
    assert "not a veto player" in tur_moves["why"]
    with pytest.raises(MoveError, match="only this round's proposer"):
        lobby.submit_move(syr, {"proposal": dict.fromkeys(issues, 40)})
    with pytest.raises(MoveError, match="would not count"):
        lobby.submit_move(rus, {"response": "accept"})
    with pytest.raises(MoveError, match="would not count"):
        lobby.submit_move(tur, {"response": "reject"})
    lobby.submit_move(tur, {"pressures": [{"target": "SYR", "strength": 0.7, "issue": "tartus"}]}, name="Deniz")
    assert "standing ties" in player_view(lobby, "TUR")["me"]["pressure_help"]
    lobby.submit_move(syr, {"response": "reject"})  # no deal in round 1, so there is a round 2
    to_phase(lobby, "publish")
    lobby.advance(fac)
    assert allowed_moves(lobby, "SYR")["proposal"] and allowed_moves(lobby, "RUS")["response"]  # round 2: swap


def test_adjudication_reports_the_votes_the_mechanism_counted(lobby: ExerciseSession) -> None:
    fac, rus, syr = codes(lobby)
    lobby.start(fac)
    lobby.submit_move(syr, {"response": "reject"}, name="Layla")
    to_phase(lobby, "adjudicate")
    result = lobby.rounds[0]["result"]
    assert result["proposer"] == "RUS" and not result["agreed"]
    assert result["votes"] == {"SYR": {"accept": False, "by": "team"}}  # not RUS (proposer), not TUR/USA/ISR
    assert all(result["accepted"][a] for a in ("RUS", "TUR", "USA", "ISR"))  # the mechanism's raw flags
    to_phase(lobby, "publish")
    lobby.advance(fac)  # round 2: Syria proposes; Russia's team sends nothing, so the model answers for it
    to_phase(lobby, "adjudicate")
    votes = lobby.rounds[1]["result"]["votes"]
    assert list(votes) == ["RUS"] and votes["RUS"]["by"] == "model"
    assert len(player_view(lobby, "TUR")["history"]) == 1  # round 2 is not published yet
    assert facilitator_view(lobby)["history"][1]["votes"] == votes


def test_every_submission_says_who_and_when_and_the_last_one_counts(lobby: ExerciseSession) -> None:
    fac, rus, _ = codes(lobby)
    lobby.start(fac)
    issues = lobby.compiled.issue_ids
    lobby.submit_move(rus, {"proposal": dict.fromkeys(issues, 90)}, name="Anna")
    lobby.clock.advance(65)
    lobby.submit_move(rus, {"proposal": dict.fromkeys(issues, 85)}, name="Boris")
    subs = player_view(lobby, "RUS")["me"]["submissions"]
    assert [(s["name"], s["current"]) for s in subs] == [("Anna", False), ("Boris", True)]
    assert subs[0]["at"] != subs[1]["at"] and "tartus=85" in subs[1]["what"]
    assert player_view(lobby, "SYR")["me"]["submissions"] == []
    assert facilitator_view(lobby)["submissions"]["RUS"][-1]["name"] == "Boris"
    to_phase(lobby, "adjudicate")
    assert lobby.rounds[0]["submitted_by"] == {"RUS": ["Anna", "Boris"]}
    assert lobby.rounds[0]["result"]["offer"]["tartus"] == 85
    assert player_view(lobby, "RUS")["me"]["submissions"] == []  # a new round starts with none


def test_the_projector_view_holds_no_secret(lobby: ExerciseSession) -> None:
    fac, rus, syr = codes(lobby)
    lobby.start(fac)
    lobby.submit_move(rus, {"proposal": dict.fromkeys(lobby.compiled.issue_ids, 77)}, name="Anna")
    lobby.inject(fac, label="Secret cable for Moscow", visibility=["RUS"])
    lobby.inject(fac, label="Public statement from Ankara")
    briefs = [lobby.compiled.scenario.actors[a].brief.strip()[:60] for a in lobby.compiled.actor_ids]
    for _ in range(6):
        view = projector_view(lobby)
        text = json.dumps(view)
        assert not any(code in text for code in (fac, rus, syr, lobby.roster.roles["TUR"].code))
        assert not any(brief in text for brief in briefs)
        assert "Secret cable" not in text and "reservation" not in text and "salience" not in text
        assert "Public statement from Ankara" in text
        if lobby.phase in ("negotiate", "submit"):
            assert view["preview"]["proposer"] and view["moves_in"] == sorted(lobby.moves)
        if lobby.finished:
            break
        lobby.advance(fac)


def test_old_logs_without_a_lobby_still_replay(tmp_path: Path) -> None:
    live = new_session(tmp_path, start=False)
    records = [json.loads(line) for line in live.log.path.read_text().splitlines()]
    records[0]["format"] = 1  # a log written before the lobby existed: the clock ran at once
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps(records[0]) + "\n")
    session = ExerciseSession.replay(old)
    assert session.phase == "negotiate" and session.started


@pytest.mark.parametrize("ideal, reservation, expected", [
    (90.0, 50.0, "no less than 50"), (10.0, 40.0, "no more than 40"), (60.0, 60.2, "will not move")])
def test_bottom_lines_are_said_in_the_roles_terms(ideal, reservation, expected) -> None:
    text = bottom_line("Tartus", ideal, reservation, ANCHORS)
    assert expected in text and text.startswith("Tartus: you want about")
    assert nearest_anchor(90, ANCHORS) == "2017 terms" and "no bottom line" in bottom_line("x", None, 5, ANCHORS)


def test_each_base_is_shown_month_by_month_signed_unresolved_or_broken_down(lobby: ExerciseSession) -> None:
    from sim.classroom import debrief

    fac, rus, syr = codes(lobby)
    lobby.start(fac)
    assert player_view(lobby, "SYR")["world"] == {"month": 0, "bases": {}}
    lobby.submit_move(syr, {"response": "reject"})
    to_phase(lobby, "adjudicate")
    live = facilitator_view(lobby)["world"]
    assert live["month"] == 1 and set(live["bases"]) == {"tartus", "hmeimim"}
    assert live["bases"]["tartus"]["status"] == "unresolved" and live["bases"]["tartus"]["legal"] in (
        "in_force", "suspended")
    assert player_view(lobby, "SYR")["world"]["month"] == 0  # not published yet
    to_phase(lobby, "publish")
    assert projector_view(lobby)["world"] == live
    while not lobby.finished:
        lobby.advance(fac)
    table = debrief.world_table(lobby)
    assert list(table["month"]) == [e["round"] for e in lobby.rounds]
    world = debrief.world(lobby)
    last = world[world["issue"] == "tartus"].iloc[-1]
    assert last["status"] in ("signed", "unresolved", "breakdown")
    label = lobby.compiled.scenario.issues["tartus"].label
    assert table[label].iloc[-1].startswith(last["status"] + ": ")
