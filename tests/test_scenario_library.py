"""The scenario library: every file validates with full evidence, runs, and shows its distinctive change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import sim
from sim.scenario import compile_scenario, evidence_report, load_scenario
from sim.scenario.compiled import CompiledScenario
from sim.scenario.parameters import evidence_for, given_parameters

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
LIBRARY = sorted(p for p in SCENARIOS.glob("*.yaml") if p.name != "baseline.yaml")
REQUIRED = {"guarantee_lapses_early", "israel_escalates", "turkey_rising", "us_conditional_relief",
            "recognition_for_access", "expanded_cast"}


@pytest.fixture(scope="module")
def base() -> CompiledScenario:
    return compile_scenario(load_scenario(BASELINE))


def _compiled(name: str) -> CompiledScenario:
    return compile_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))


def _raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_library_has_the_required_scenarios() -> None:
    assert {p.stem for p in LIBRARY} >= REQUIRED


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_scenario_extends_baseline_and_says_what_it_asks(path: Path) -> None:
    raw = _raw(path)
    assert raw.get("extends") == "baseline.yaml"
    for key in ("name", "title", "question"):
        assert isinstance(raw.get(key), str) and raw[key].strip(), f"{path.name} needs its own '{key}'"
    assert raw["name"] == path.stem
    assert raw["question"].rstrip().endswith("?")


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_scenario_is_fully_cited_or_assumed(path: Path) -> None:
    """The equivalent of ``sim validate --strict``: no bare parameter."""
    report = evidence_report(load_scenario(path))
    assert report.bare == []
    assert report.coverage == 1.0


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_change_is_cited_in_the_file_itself(path: Path) -> None:
    """A parameter the file changes must not ride on the baseline's evidence for the old value."""
    child, parent = load_scenario(path), load_scenario(BASELINE)
    old = {p: repr(v.value) for p, v in given_parameters(parent).items()}
    own_evidence = set(_raw(path).get("evidence") or {})
    changed = [p for p, v in given_parameters(child).items() if old.get(p) != repr(v.value)]
    assert changed, f"{path.name} changes no parameter"
    uncovered = [p for p in changed if evidence_for(p, child) not in own_evidence]
    assert uncovered == [], f"changed in {path.name} but cited only by the baseline: {uncovered}"


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_scenario_runs(path: Path) -> None:
    result = sim.run(path, n=3, seed=5, trajectories=False)
    assert len(result.replications) == 3
    probs = result.table.groupby("issue")["probability"].sum()
    for issue in load_scenario(path).base_issues:
        assert probs[issue] == pytest.approx(1.0)


def _event(c: CompiledScenario, name: str):
    return c.scenario.events[name]


# name -> check(scenario, baseline) of the change that defines the scenario
DISTINCTIVE: dict[str, Callable[[CompiledScenario, CompiledScenario], bool]] = {
    "guarantee_lapses_early": lambda c, b: (
        c.nominal("events.guarantee_lapses.probability") > 3 * b.nominal("events.guarantee_lapses.probability")
        and _event(c, "guarantee_lapses").window[1] <= 6),
    "israel_escalates": lambda c, b: all(
        c.nominal(f"actors.ISR.salience.{i}") > b.nominal(f"actors.ISR.salience.{i}") + 0.2
        for i in ("tartus", "hmeimim"))
        and c.nominal("relations.ISR->SYR.influence") > b.nominal("relations.ISR->SYR.influence")
        and c.nominal("events.israeli_strikes_escalate.probability")
        > b.nominal("events.israeli_strikes_escalate.probability"),
    "turkey_rising": lambda c, b: (
        c.nominal("relations.TUR->SYR.influence") > b.nominal("relations.TUR->SYR.influence") + 0.15
        and c.nominal("actors.TUR.capability") > b.nominal("actors.TUR.capability")),
    "us_conditional_relief": lambda c, b: (
        not _event(c, "us_conditional_relief").library_only and _event(c, "us_conditional_relief").at_round == 3
        and _event(b, "us_conditional_relief").library_only
        and c.nominal("actors.USA.positions.tartus") < b.nominal("actors.USA.positions.tartus")),
    "recognition_for_access": lambda c, b: (
        c.nominal("actors.RUS.positions.recognition") > b.nominal("actors.RUS.positions.recognition") + 20
        and c.nominal("actors.RUS.salience.recognition") < b.nominal("actors.RUS.salience.recognition")
        and not _event(c, "russian_aid_offer").library_only),
    "expanded_cast": lambda c, b: (
        set(c.actor_ids) - set(b.actor_ids) == {"IRN", "EU", "UN"}
        and all(c.scenario.actors[a].role == "influencer" for a in ("IRN", "EU", "UN"))
        and "relations.IRN->RUS.influence" in c.parameter_paths()),
}


@pytest.mark.parametrize("name", sorted(DISTINCTIVE))
def test_distinctive_change_reaches_the_compiled_parameters(name: str, base: CompiledScenario) -> None:
    assert DISTINCTIVE[name](_compiled(name), base)


def test_distinctive_checks_fail_on_the_baseline(base: CompiledScenario) -> None:
    """Each check really detects its change: the baseline itself passes none of them."""
    assert not any(check(base, base) for check in DISTINCTIVE.values())


def test_scheduled_library_events_fire() -> None:
    """The events a scenario switches on fire in every run still talking at their month (events_fired counts
    them); a run that settled earlier never sees them."""
    for name, month in (("us_conditional_relief", 3), ("recognition_for_access", 2)):
        result = sim.run(SCENARIOS / f"{name}.yaml", n=6, seed=2, trajectories=False)
        rows = result.replications
        reached = rows["rounds_played"] >= month
        assert reached.any()
        assert (rows.loc[reached, "events_fired"] >= 1).all()


def test_expanded_cast_actors_are_optional(tmp_path: Path) -> None:
    """A child of expanded_cast drops one added actor with `null` and still validates strictly."""
    child = tmp_path / "no_un.yaml"
    child.write_text(
        f"extends: {SCENARIOS / 'expanded_cast.yaml'}\n"
        "name: no_un\n"
        "actors: {UN: null}\n"
        'relations: {"UN->SYR": null, "UN->RUS": null}\n'
        'evidence: {actors.UN.capability: null, actors.UN.positions: null, actors.UN.salience: null,\n'
        '           "relations.UN->SYR": null, "relations.UN->RUS": null}\n')
    scenario = load_scenario(child)
    assert set(scenario.actors) == {"RUS", "SYR", "TUR", "USA", "ISR", "IRN", "EU"}
    assert evidence_report(scenario).bare == []
    assert len(sim.run(scenario, n=2, seed=0, trajectories=False).replications) == 2


def test_sim_validate_strict_passes_and_sim_scenarios_lists_the_questions() -> None:
    from typer.testing import CliRunner

    from sim.cli.main import app

    runner = CliRunner()
    for path in LIBRARY:
        done = runner.invoke(app, ["validate", "--strict", str(path)])
        assert done.exit_code == 0, done.output
    listing = runner.invoke(app, ["scenarios", str(SCENARIOS)])
    assert listing.exit_code == 0
    rows: dict[str, str] = {}  # file -> question, re-joined across the table's wrapped lines
    current = None
    for line in listing.output.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if cells[0]:
            current = cells[0]
            rows[current] = cells[1]
        elif current is not None:
            rows[current] += " " + cells[1]
    for path in LIBRARY:
        key = next(k for k in rows if k.endswith(path.name))
        assert " ".join(rows[key].split()) == " ".join(load_scenario(path).question.split())
