"""Classroom debrief: tables, comparison with the model-alone runs, the exported report; the live-update hub."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.classroom import debrief, report
from sim.classroom.baseline import Baseline
from sim.classroom.live import Hub
from sim.classroom.session import ExerciseSession
from sim.outcomes import CATEGORIES
from tests.test_classroom_session import codes, new_session


@pytest.fixture(scope="module")
def played(tmp_path_factory) -> ExerciseSession:
    folder = tmp_path_factory.mktemp("debrief")
    session = new_session(folder, rounds=5)
    fac, rus, syr = codes(session)
    issues = session.compiled.issue_ids
    session.submit_move(rus, {"proposal": dict.fromkeys(issues, 90)})
    session.submit_move(syr, {"response": "reject", "pressures": [{"target": "RUS", "strength": 0.5}]})
    session.inject(fac, label="Port strike", description="Dockers stop work.", visibility=["SYR"])
    while not session.finished:
        session.advance(fac)
    return session


@pytest.fixture(scope="module")
def baseline(played: ExerciseSession) -> pd.DataFrame:
    return sim.run(played.scenario_path, n=30, seed=played.seed, trajectories=False).replications


def test_tables_cover_every_round_and_actor(played: ExerciseSession) -> None:
    rounds = len(played.rounds)
    positions = debrief.positions(played)
    n_actors, n_issues = len(played.compiled.actor_ids), len(played.compiled.issue_ids)
    assert len(positions) == (rounds + 1) * n_actors * n_issues
    assert positions["position"].between(0, 100).all()
    utilities = debrief.utilities(played)
    assert len(utilities) == rounds * n_actors and utilities["utility"].dropna().between(0, 1).all()
    timeline = debrief.timeline(played)
    assert list(timeline["round"]) == sorted(timeline["round"])
    assert {"move", "inject", "advance", "offer"} <= set(timeline["kind"])
    assert any("Port strike" in w for w in timeline["what"])


def test_comparison_places_the_class_in_the_model_alone_distribution(played, baseline) -> None:
    compare = debrief.comparison(played, baseline)
    assert compare["n"] == 30 and set(compare["bases"]) == {"tartus", "hmeimim"}
    for info in compare["bases"].values():
        assert sum(info["shares"].values()) == pytest.approx(1.0)
        assert set(info["shares"]) == set(CATEGORIES) and 0 <= info["percentile"] <= 100
    first = baseline[baseline["replication"] == 0].iloc[0]
    assert compare["counterfactual"]["tartus"] == first["category.tartus"]
    assert debrief.comparison(played, None) is None


def test_the_seed_stream_makes_replication_zero_the_class_game_without_moves(tmp_path: Path) -> None:
    session = new_session(tmp_path, roles=("RUS",), seed=11)
    while not session.finished:
        session.advance(session.roster.facilitator_code)
    first = sim.run(session.scenario_path, n=1, seed=11, trajectories=False).replications.iloc[0]
    assert session.rounds[-1]["outcome"]["package"]["tartus"] == pytest.approx(first["outcome.tartus"])


def test_export_writes_report_charts_and_log(played, baseline, tmp_path: Path) -> None:
    written = report.export(played, tmp_path / "out", baseline)
    for key in ("positions", "utilities", "comparison"):
        assert written[key].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    markdown = written["markdown"].read_text()
    assert "Compared with 30 model-alone runs" in markdown and "![positions](positions.png)" in markdown
    page = written["html"].read_text()
    assert '<img alt="positions" src="positions.png"' in page and "<table" in page
    log = json.loads(written["log_json"].read_text())
    assert len(log["records"]) == len(played.records) - 1
    assert "facilitator_code" not in json.dumps(log["header"])
    assert len(pd.read_csv(written["log_csv"])) == len(played.records) - 1
    assert ExerciseSession.replay(written["log_jsonl"]).rounds == played.rounds


def test_report_escapes_markup_typed_into_injects(tmp_path: Path) -> None:
    session = new_session(tmp_path, rounds=2)
    fac, *_ = codes(session)
    session.inject(fac, label="<script>alert(1)</script>")
    while not session.finished:
        session.advance(fac)
    page = report.export(session, tmp_path / "out")["html"].read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_background_baseline_finishes_with_the_session_seed(played: ExerciseSession) -> None:
    runner = Baseline(played.scenario_path, played.seed, n=5)
    assert not runner.ready
    runner.start()
    runner.join(timeout=120)
    assert runner.ready and runner.status() == {"n": 5, "done": 5, "ready": True, "error": None}
    broken = Baseline(Path("missing.yaml"), 0, n=2)
    broken.run()
    assert broken.error and not broken.ready


def test_hub_calls_subscribers_by_topic_and_forgets_broken_ones() -> None:
    hub, calls = Hub(), []
    stop = hub.subscribe("state", lambda: calls.append("a"))
    hub.subscribe("clock", lambda: calls.append("clock"))
    hub.subscribe("state", lambda: 1 / 0)
    hub.notify("state")
    assert calls == ["a"] and len(hub) == 2
    stop()
    hub.notify("state")
    hub.notify("clock")
    assert calls == ["a", "clock"] and len(hub) == 1


def test_threaded_hub_delivers_in_order_off_the_calling_thread() -> None:
    import threading

    hub, done, threads = Hub(threaded=True), threading.Event(), []
    hub.subscribe("state", lambda: (threads.append(threading.current_thread().name), done.set()))
    hub.notify("state")
    assert done.wait(30) and threads[0] == "classroom-hub"
