"""Classroom session: roles and codes, permissions, phases, moves into the model, injects, overrides, clock."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.classroom.clock import ManualClock
from sim.classroom.errors import MoveError, PermissionDenied, PhaseError
from sim.classroom.log import read_log
from sim.classroom.roles import normalise_code
from sim.classroom.session import ExerciseSession, Settings
from sim.classroom.views import facilitator_view, player_view
from sim.core.seeds import replication_seed
from sim.experiments.replication import run_replication
from sim.policies.human import HumanPolicy
from sim.scenario import compile_scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SECRET_EVENT = "intel_for_russia"


def classroom_scenario(folder: Path, rounds: int = 4) -> Path:
    """The baseline with a short deadline and one role-targeted library event."""
    data = {
        "extends": str(BASELINE), "name": "classroom_test", "rounds": rounds,
        "events": {SECRET_EVENT: {
            "label": "Moscow learns the guarantee is shaky", "description": "Only the Kremlin hears it.",
            "library_only": True, "visibility": {"roles": ["RUS"]},
            "effects": [{"path": "issues.tartus.disagreement", "add": -5}]}},
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "classroom_test.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def new_session(folder: Path, roles: tuple[str, ...] = ("RUS", "SYR"), seed: int = 7, rounds: int = 4,
                start: bool = True, **settings) -> ExerciseSession:
    """A new session on the classroom test scenario, started (out of the lobby) unless ``start`` is False."""
    session = ExerciseSession.create(classroom_scenario(folder, rounds), list(roles), folder / "game.jsonl",
                                     seed=seed, settings=Settings(**settings), clock=ManualClock())
    if start:
        session.start(session.roster.facilitator_code)
    return session


def codes(session: ExerciseSession) -> tuple[str, str, str]:
    roles = session.roster.roles
    return session.roster.facilitator_code, roles["RUS"].code, roles["SYR"].code


def to_phase(session: ExerciseSession, phase: str) -> None:
    while session.phase != phase:
        session.advance(session.roster.facilitator_code)


@pytest.fixture
def session(tmp_path: Path) -> ExerciseSession:
    return new_session(tmp_path)


# --- roles and codes ---------------------------------------------------------------------------------------
def test_codes_are_unguessable_not_seed_derived_and_logged(tmp_path: Path) -> None:
    a = new_session(tmp_path / "a")
    b = new_session(tmp_path / "b")  # same seed, same scenario
    assert codes(a) != codes(b)
    fac, rus, syr = codes(a)
    assert len({fac, rus, syr}) == 3 and len(normalise_code(rus)) == 10 and len(normalise_code(fac)) == 15
    assert a.roster.roles["TUR"].code is None and not a.roster.roles["TUR"].human
    header = read_log(tmp_path / "a" / "game.jsonl")[0]
    assert header["roles"]["RUS"]["code"] == rus and header["facilitator_code"] == fac
    assert header["seed"] == 7 and header["versions"]["numpy"] == np.__version__
    assert header["scenario"]["hash"] == a.compiled.hash


def test_authentication_accepts_codes_loosely_typed_and_rejects_others(session: ExerciseSession) -> None:
    fac, rus, _ = codes(session)
    assert session.authenticate(fac) == "facilitator"
    assert session.authenticate(rus.lower().replace("-", " ")) == "RUS"
    for bad in ("", None, "AAAAA-AAAAA", rus[:-1]):
        with pytest.raises(PermissionDenied):
            session.authenticate(bad)


def test_players_cannot_run_the_white_cell_and_the_facilitator_cannot_play(session: ExerciseSession) -> None:
    fac, rus, _ = codes(session)
    logged = len(session.records)
    for action in (lambda: session.advance(rus), lambda: session.pause(rus), lambda: session.extend(rus, 60),
                   lambda: session.inject(rus, "russian_aid_offer"),
                   lambda: session.override(rus, "x", parameter="actors.RUS.capability", value=1)):
        with pytest.raises(PermissionDenied):
            action()
    with pytest.raises(PermissionDenied):
        session.submit_move(fac, {"response": "accept"})
    with pytest.raises(PermissionDenied):
        session.submit_move("not-a-code", {"response": "accept"})
    assert len(session.records) == logged  # nothing was logged


def test_a_code_only_moves_its_own_role(session: ExerciseSession) -> None:
    _, _, syr = codes(session)
    session.submit_move(syr, {"response": "reject"})
    assert set(session.moves) == {"SYR"}
    with pytest.raises(MoveError):
        session.submit_move(syr, {"actor": "RUS", "response": "accept"})


# --- phases ------------------------------------------------------------------------------------------------
def test_phases_cycle_and_the_model_plays_when_submissions_close(session: ExerciseSession) -> None:
    fac, rus, syr = codes(session)
    assert (session.round, session.phase) == (1, "negotiate")
    assert session.advance(fac) == "submit" and not session.rounds
    session.submit_move(syr, {"response": "reject"})
    assert session.advance(fac) == "adjudicate" and len(session.rounds) == 1
    assert session.model.state.round == 1
    with pytest.raises(PhaseError):
        session.submit_move(rus, {"response": "accept"})
    assert session.advance(fac) == "publish"
    session.advance(fac)
    assert (session.round, session.phase) == (2, "negotiate") or session.finished


def test_results_reach_players_only_when_published(session: ExerciseSession) -> None:
    to_phase(session, "adjudicate")
    assert player_view(session, "SYR")["history"] == []
    assert facilitator_view(session)["pending"]["round"] == 1
    before = player_view(session, "SYR")["actors"]["RUS"]["position"]
    assert before == session.rounds[0]["before"]["position"]["RUS"]
    to_phase(session, "publish")
    assert [h["round"] for h in player_view(session, "SYR")["history"]] == [1]


def test_game_ends_in_debrief_with_a_classified_outcome(session: ExerciseSession) -> None:
    fac, *_ = codes(session)
    while not session.finished:
        session.advance(fac)
    final = session.rounds[-1]["outcome"]
    assert set(final["categories"]) == {"tartus", "hmeimim"}
    assert player_view(session, "RUS")["outcome"] == final
    for action in (lambda: session.advance(fac), lambda: session.inject(fac, "russian_aid_offer")):
        with pytest.raises(PhaseError):
            action()


# --- moves go into the same model --------------------------------------------------------------------------
def test_submitted_proposals_and_responses_are_what_the_model_uses(session: ExerciseSession) -> None:
    _, rus, syr = codes(session)
    issues = session.compiled.issue_ids
    offer = dict.fromkeys(issues, 80.0)
    assert player_view(session, "RUS")["allowed"]["proposal"]  # alternating proposers: Russia opens
    session.submit_move(rus, {"proposal": {i: str(v) for i, v in offer.items()}})
    session.submit_move(syr, {"response": "reject",
                              "pressures": [{"target": "RUS", "strength": "0.8", "issue": "tartus"}]})
    to_phase(session, "adjudicate")
    result = session.rounds[0]["result"]
    assert result["proposer"] == "RUS" and result["offer"] == pytest.approx(offer)
    assert result["accepted"]["SYR"] is False and not result["agreed"]
    assert result["votes"] == {"SYR": {"accept": False, "by": "team"}}  # only the veto responder voted
    assert all(not p.has_moves for p in session.human.values())  # cleared after the round


def test_a_class_that_submits_nothing_replays_the_model_alone_run(tmp_path: Path) -> None:
    session = new_session(tmp_path, roles=("RUS", "SYR", "TUR"))
    while not session.finished:
        session.advance(session.roster.facilitator_code)
    alone = run_replication(compile_scenario(load_scenario(session.scenario_path)), replication_seed(7, 0))
    final = session.rounds[-1]["outcome"]
    assert [final["package"][i] for i in session.compiled.issue_ids] == pytest.approx(alone.outcome.package)
    assert final["agreed"] == alone.outcome.agreed


def test_class_rounds_then_the_model_plays_to_the_deadline(tmp_path: Path) -> None:
    session = new_session(tmp_path, rounds=6, class_rounds=2)
    while not session.finished:
        session.advance(session.roster.facilitator_code)
    played = [r for r in session.rounds if not r.get("autoplayed")]
    assert [r["round"] for r in played] == [1, 2][:len(played)]
    assert session.rounds[-1]["round"] <= 6 and session.model.finished


@pytest.mark.parametrize("raw, fragment", [
    ({"proposal": {"tartus": "abc"}}, "every issue"),
    ({"proposal": {"tartus": "abc", "hmeimim": 1, "recognition": 1, "economy": 1, "assad": 1}}, "number"),
    ({"proposal": {"tartus": 150, "hmeimim": 1, "recognition": 1, "economy": 1, "assad": 1}}, "between"),
    ({"proposal": {"nowhere": 1}}, "unknown issues"),
    ({"response": "maybe"}, "accept"),
    ({"pressures": [{"target": "XXX", "strength": 0.5}]}, "unknown target"),
    ({"pressures": [{"target": "SYR", "strength": 0.5}]}, "itself"),
    ({"pressures": [{"target": "RUS", "strength": 2}]}, "between"),
    ({"pressures": [{"target": "RUS", "strength": "nan"}]}, "between"),
    ({"proposal": dict.fromkeys(("tartus", "hmeimim", "recognition", "economy", "assad"), 50)}, "only this round's"),
])
def test_bad_moves_get_a_clear_message_and_change_nothing(session: ExerciseSession, raw, fragment) -> None:
    _, _, syr = codes(session)
    session.submit_move(syr, {"response": "accept"})
    size = (session.log.path.stat().st_size, len(session.records))
    with pytest.raises(MoveError, match=fragment):
        session.submit_move(syr, raw)
    assert (session.log.path.stat().st_size, len(session.records)) == size
    assert session.moves["SYR"].response is True


def test_human_policy_returns_moves_or_falls_back() -> None:
    from sim.policies.base import Pressure

    suggestion = np.array([10.0, 20.0])

    class State:
        position = np.array([[1.0, 2.0]])

    model, none = HumanPolicy("model"), HumanPolicy("none")
    assert model.propose(0, State, suggestion) is suggestion and model.respond(0, State, suggestion, True)
    assert list(none.propose(0, State, suggestion)) == [1.0, 2.0] and not none.respond(0, State, suggestion, True)
    model.submit([5, 6], False, [Pressure(target=1, strength=0.3)])
    assert list(model.propose(0, State, suggestion)) == [5, 6] and model.respond(0, State, suggestion, True) is False
    assert model.pressure(0, State) == [Pressure(target=1, strength=0.3)]
    model.clear()
    assert not model.has_moves
    with pytest.raises(ValueError):
        HumanPolicy("random")


# --- injects and overrides ---------------------------------------------------------------------------------
def test_library_inject_fires_next_round_and_targeted_news_stays_private(session: ExerciseSession) -> None:
    fac, *_ = codes(session)
    session.inject(fac, SECRET_EVENT)  # the event's own visibility is public here: the facilitator decides
    session.inject(fac, "russian_aid_offer", visibility=["RUS"])
    to_phase(session, "adjudicate")
    fired = [e["event_id"] for e in session.rounds[0]["result"]["events"] if e["injected"]]
    assert fired == [SECRET_EVENT, "russian_aid_offer"]
    assert session.model.state.position[session.compiled.actor_ids.index("RUS"),
                                        session.compiled.issue_ids.index("economy")] == pytest.approx(95, abs=5)
    rus_news = [n["label"] for n in player_view(session, "RUS")["news"]]
    syr_news = [n["label"] for n in player_view(session, "SYR")["news"]]
    aid = session.compiled.scenario.events["russian_aid_offer"].label
    assert aid in rus_news and aid not in syr_news


def test_ad_hoc_inject_applies_its_effect_and_bad_injects_are_refused(session: ExerciseSession) -> None:
    fac, *_ = codes(session)
    for kwargs, fragment in (({"event_id": "nope"}, "unknown event"), ({"label": " "}, "headline"),
                             ({"label": "x", "effects": [{"path": "actors.XXX.capability", "set": 1}]}, "unknown"),
                             ({"label": "x", "effects": [{"path": "actors.RUS.capability"}]}, "exactly one"),
                             ({"label": "x", "visibility": ["NOPE"]}, "visibility")):
        with pytest.raises(MoveError, match=fragment):
            session.inject(fac, **kwargs)
    assert [r["kind"] for r in session.records] == ["header", "start"]
    session.inject(fac, label="Coup rumours", description="Damascus is nervous.",
                   effects=[{"path": "actors.SYR.capability", "set": 0.01}], visibility="public")
    to_phase(session, "adjudicate")
    assert session.model.state.capability[session.compiled.actor_ids.index("SYR")] == pytest.approx(0.01)
    assert "Coup rumours" in [n["label"] for n in player_view(session, "TUR")["news"]]


def test_override_needs_adjudicate_and_a_reason_and_is_logged(session: ExerciseSession) -> None:
    fac, *_ = codes(session)
    package = dict.fromkeys(session.compiled.issue_ids, 50)
    with pytest.raises(PhaseError):
        session.override(fac, "too early", package=package)
    to_phase(session, "adjudicate")
    with pytest.raises(MoveError, match="reason"):
        session.override(fac, "  ", package=package)
    with pytest.raises(MoveError):
        session.override(fac, "both", package=package, parameter="actors.RUS.capability", value=1)
    with pytest.raises(MoveError):
        session.override(fac, "bad", parameter="actors.RUS.capability", value="lots")
    if not session.model.finished:
        session.override(fac, "the white cell rules a compromise", package=package)
        to_phase(session, "publish")
        session.advance(fac)
        final = session.rounds[-1]["outcome"]
        assert session.finished and final["agreed"] and final["package"]["tartus"] == 50
        assert final["categories"]["tartus"] == "reduced_presence"
        logged = [r for r in read_log(session.log.path) if r["kind"] == "override"]
        assert logged[0]["reason"] == "the white cell rules a compromise"


# --- the clock ---------------------------------------------------------------------------------------------
def test_countdown_pause_extend_and_auto_advance(tmp_path: Path) -> None:
    session = new_session(tmp_path, auto_advance=True, durations={"negotiate": 100})
    fac, *_ = codes(session)
    clock = session.clock
    clock.advance(40)
    assert session.remaining() == pytest.approx(60)
    session.pause(fac)
    clock.advance(500)
    assert session.remaining() == pytest.approx(60) and not session.tick()
    with pytest.raises(PhaseError):
        session.pause(fac)
    session.resume_clock(fac)
    session.extend(fac, 30)
    with pytest.raises(MoveError):
        session.extend(fac, "soon")
    clock.advance(89)
    assert not session.tick() and session.phase == "negotiate"
    clock.advance(1)
    assert session.tick() and session.phase == "submit"
    assert session.records[-1]["by"] == "timer"
    assert session.remaining() == pytest.approx(Settings().durations["submit"])


def test_without_auto_advance_the_countdown_only_informs(session: ExerciseSession) -> None:
    session.clock.advance(10_000)
    assert session.remaining() == 0 and not session.tick() and session.phase == "negotiate"


def test_views_are_json_and_never_carry_another_roles_brief(session: ExerciseSession) -> None:
    fac, rus, syr = codes(session)
    session.submit_move(rus, {"proposal": dict.fromkeys(session.compiled.issue_ids, 77)})
    session.inject(fac, "russian_aid_offer", visibility=["RUS"])
    briefs = {a: session.compiled.scenario.actors[a].brief for a in session.compiled.actor_ids}
    for _ in range(4):
        for actor in session.compiled.actor_ids:
            text = json.dumps(player_view(session, actor))
            for other, brief in briefs.items():
                assert (brief.strip()[:60] in text) == (other == actor)
            assert (fac not in text) and (rus not in text) and (syr not in text)
            if actor != "RUS":
                assert "77" not in json.dumps(player_view(session, actor).get("me", {}).get("move"))
        session.advance(fac)
    assert all(b.strip()[:60] in json.dumps(facilitator_view(session)) for b in briefs.values())


def test_offer_preview_shows_the_coming_offer_without_playing_it(session: ExerciseSession) -> None:
    from sim.classroom.preview import offer_preview

    fac, rus, syr = codes(session)
    preview = offer_preview(session)
    assert session.model.state.round == 0 and len(session.records) == 2
    proposer = preview["proposer"]
    team = {"RUS": rus, "SYR": syr}
    if proposer in team:  # a team proposing changes the offer everyone sees
        package = dict.fromkeys(session.compiled.issue_ids, 33.0)
        session.submit_move(team[proposer], {"proposal": package})
        preview = offer_preview(session)
        assert preview["offer"] == pytest.approx(package)
    assert player_view(session, "SYR")["preview"]["offer"] == preview["offer"]
    to_phase(session, "adjudicate")
    result = session.rounds[0]["result"]
    assert (result["proposer"], result["offer"]) == (preview["proposer"], pytest.approx(preview["offer"]))
    assert offer_preview(session) is None
