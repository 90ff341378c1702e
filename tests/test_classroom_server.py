"""The server-side glue: open-or-resume, actions under the lock that notify every tab, `sim play` options."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from sim.classroom import server
from sim.classroom.errors import MoveError
from sim.cli.play import _durations
from tests.test_classroom_session import classroom_scenario


def test_open_session_creates_then_resumes_the_same_game(tmp_path: Path) -> None:
    scenario = classroom_scenario(tmp_path)
    first, resumed = server.open_session(scenario, tmp_path / "log.jsonl", ["RUS"], seed=5)
    assert not resumed and first.roster.human_ids == ["RUS"] and first.phase == "lobby"
    first.start(first.roster.facilitator_code)
    first.advance(first.roster.facilitator_code)
    again, resumed = server.open_session(None, tmp_path / "log.jsonl")
    assert resumed and again.phase == "submit" and again.roster.roles["RUS"].code == first.roster.roles["RUS"].code
    everyone, _ = server.open_session(scenario, tmp_path / "all.jsonl")
    assert everyone.roster.human_ids == list(everyone.compiled.actor_ids)
    with pytest.raises(FileNotFoundError):
        server.open_session(None, tmp_path / "missing.jsonl")


def test_act_runs_under_the_lock_and_notifies_every_tab(tmp_path: Path, monkeypatch) -> None:
    session, _ = server.open_session(classroom_scenario(tmp_path), tmp_path / "log.jsonl", ["RUS"])
    monkeypatch.setitem(server._state, "session", session)
    session.start(session.roster.facilitator_code)
    delivered = threading.Event()
    seen = []
    stop = server.hub.subscribe("state", lambda: (seen.append(session.phase), delivered.set()))
    try:
        assert server.act(session.advance, session.roster.facilitator_code) == "submit"
        assert delivered.wait(30) and seen[0] == "submit" and server.current() is session
    finally:
        stop()


def test_phase_minutes_option() -> None:
    assert _durations("10,3,2,2") == {"negotiate": 600.0, "submit": 180.0, "adjudicate": 120.0, "publish": 120.0}
    for bad in ("10,3", "a,b,c,d", "10,0,2,2"):
        with pytest.raises(MoveError):
            _durations(bad)
