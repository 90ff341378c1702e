"""Classroom log: replay reproduces the game exactly; a restarted server resumes from the log."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.classroom.errors import ClassroomError, PermissionDenied, ReplayError
from sim.classroom.log import read_log
from sim.classroom.session import ExerciseSession
from sim.classroom.turns import allowed_moves
from sim.classroom.views import facilitator_view, player_view
from tests.test_classroom_session import codes, new_session


def fingerprint(session: ExerciseSession) -> str:
    """Everything a replay must reproduce (the countdown's remaining time depends on the clock: left out)."""
    views = {a: player_view(session, a) for a in session.compiled.actor_ids}
    views["facilitator"] = facilitator_view(session)
    for view in views.values():
        view.pop("remaining")
        view.pop("log", None)
    return json.dumps({"views": views, "rounds": session.rounds, "round": session.round,
                       "phase": session.phase, "injects": session.injects, "overrides": session.overrides,
                       "positions": session.model.state.position.tolist()}, sort_keys=True, default=str)


def play_some(session: ExerciseSession) -> None:
    fac, rus, syr = codes(session)
    issues = session.compiled.issue_ids
    session.join(rus, "Anna")
    session.join(syr, "Omar")
    session.submit_move(rus, {"proposal": dict.fromkeys(issues, 70)}, name="Anna")
    session.submit_move(syr, {"response": "reject", "pressures": [{"target": "TUR", "strength": 0.4}]}, name="Omar")
    session.inject(fac, "russian_aid_offer", visibility=["RUS"])
    session.pause(fac, "questions")
    session.clock.advance(30)
    session.resume_clock(fac)
    session.extend(fac, 60)
    while session.phase != "adjudicate":
        session.advance(fac)
    session.override(fac, "ruled out", parameter="actors.USA.capability", value=0.2)
    session.advance(fac)
    session.advance(fac)
    session.submit_move(syr, {"proposal": dict.fromkeys(issues, 45)}, name="Layla")
    session.inject(fac, label="Strike near the coast", effects=[{"path": "actors.ISR.salience.tartus", "add": 0.1}])
    session.advance(fac)


def test_replay_reproduces_the_game_exactly(tmp_path: Path) -> None:
    live = new_session(tmp_path)
    play_some(live)
    while not live.finished:
        live.advance(live.roster.facilitator_code)
    replayed = ExerciseSession.replay(live.log.path)
    assert fingerprint(replayed) == fingerprint(live)
    assert replayed.records == live.records


def test_replay_up_to_a_record_shows_the_game_at_that_moment(tmp_path: Path) -> None:
    live = new_session(tmp_path)
    live.advance(live.roster.facilitator_code)
    middle = fingerprint(live)
    seq = live.records[-1]["seq"]
    play_some(live)
    assert fingerprint(ExerciseSession.replay(live.log.path, upto=seq)) == middle


def test_restart_resumes_from_the_log_paused_with_the_same_codes(tmp_path: Path) -> None:
    live = new_session(tmp_path)
    play_some(live)
    before = fingerprint(live)
    fac, rus, _ = codes(live)
    del live  # the server process dies
    resumed = ExerciseSession.resume(tmp_path / "game.jsonl")
    assert resumed.paused and resumed.records[-1]["kind"] == "restart"
    after = json.loads(fingerprint(resumed))
    expected = json.loads(before)
    for view in list(after["views"].values()) + list(expected["views"].values()):
        view.pop("paused")
    assert after == expected
    assert resumed.authenticate(rus) == "RUS"
    resumed.resume_clock(fac)
    resumed.submit_move(rus, {"response": "accept"})
    resumed.advance(fac)
    assert fingerprint(ExerciseSession.replay(tmp_path / "game.jsonl")) == fingerprint(resumed)


def test_a_torn_last_line_is_ignored_but_corruption_and_changed_scenarios_are_errors(tmp_path: Path) -> None:
    live = new_session(tmp_path)
    play_some(live)
    path = live.log.path
    with path.open("a") as fh:
        fh.write('{"kind": "adv')  # the server died mid-write
    assert fingerprint(ExerciseSession.replay(path)) == fingerprint(live)
    broken = tmp_path / "broken.jsonl"
    lines = path.read_text().splitlines()
    broken.write_text("\n".join(lines[:2] + ["not json"] + lines[2:]) + "\n")
    with pytest.raises(ReplayError, match=":3:"):
        ExerciseSession.replay(broken)
    copy = tmp_path / "copy.jsonl"
    shutil.copyfile(path, copy)
    scenario = Path(read_log(copy)[0]["scenario"]["path"])
    moved = tmp_path / "moved" / scenario.name
    moved.parent.mkdir()
    shutil.copyfile(scenario, moved)
    assert fingerprint(ExerciseSession.replay(copy, scenario=moved)) == fingerprint(live)
    scenario.write_text(scenario.read_text().replace("rounds: 4", "rounds: 5"))
    with pytest.raises(ReplayError, match="changed"):
        ExerciseSession.replay(copy)


def test_create_refuses_to_overwrite_a_log(tmp_path: Path) -> None:
    new_session(tmp_path)
    with pytest.raises(ReplayError, match="already"):
        new_session(tmp_path)


ACTIONS = st.lists(st.tuples(
    st.sampled_from(["move", "bad_move", "advance", "start", "join", "inject", "pause", "resume", "extend",
                     "override", "reopen", "tick", "wait"]),
    st.integers(0, 100), st.sampled_from(["RUS", "SYR"])), min_size=1, max_size=25)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, seed=st.integers(0, 2**31 - 1))
def test_any_sequence_of_actions_replays_identically(tmp_path_factory, actions, seed) -> None:
    folder = tmp_path_factory.mktemp("prop")
    live = new_session(folder, seed=seed, start=False, auto_advance=True,
                       durations={"negotiate": 50, "submit": 20})
    fac, rus, syr = codes(live)
    team = {"RUS": rus, "SYR": syr}
    issues = live.compiled.issue_ids
    for kind, number, actor in actions:
        try:
            if kind == "move":  # whatever counts for this team this round
                allowed = allowed_moves(live, actor)
                move = {"proposal": dict.fromkeys(issues, number)} if allowed["proposal"] else \
                    {"response": "accept" if number % 2 else "reject"} if allowed["response"] else {}
                live.submit_move(team[actor], move, name=f"student {number % 3}")
            elif kind == "start":
                live.start(fac)
            elif kind == "join":
                live.join(team[actor], f"student {number}")
            elif kind == "bad_move":
                live.submit_move(team[actor], {"proposal": {"tartus": -number - 1}})
            elif kind == "advance":
                live.advance(fac)
            elif kind == "inject":
                live.inject(fac, "russian_drawdown", visibility=[actor] if number % 2 else "public")
            elif kind == "pause":
                live.pause(fac)
            elif kind == "resume":
                live.resume_clock(fac)
            elif kind == "extend":
                live.extend(fac, number + 1)
            elif kind == "override":
                live.override(fac, "prop", parameter="actors.RUS.capability", value=number / 100)
            elif kind == "reopen":
                live.override(fac, "veto", reopen=True)
            elif kind == "tick":
                live.tick()
            else:
                live.clock.advance(number)
        except ClassroomError:
            pass
    assert fingerprint(ExerciseSession.replay(live.log.path)) == fingerprint(live)
    with pytest.raises(PermissionDenied):
        live.advance(rus)
