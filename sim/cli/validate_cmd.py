"""``sim validate``: check a scenario file and report its evidence coverage."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from sim.cli.console import console, reported_errors
from sim.mechanisms.zone import inverted_bottom_lines, issue_zones, package_zone
from sim.scenario.compiled import compile_scenario
from sim.scenario.evidence import evidence_report
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario


def validate(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    paths: bool = typer.Option(False, "--paths", help="Also list every parameter path (for events and sweeps)."),
    strict: bool = typer.Option(False, "--strict", help="Fail when any parameter is bare (neither cited nor assumed)."),
) -> None:
    """Check SCENARIO (schema, references, bounds) and report cited / assumed / bare parameters."""
    with reported_errors():
        loaded = load_scenario(scenario)
        report = evidence_report(loaded)
    console.print(f"[green]ok[/] {scenario}: {loaded.title}")
    console.print(f"  {len(loaded.actors)} actors, {len(loaded.issues)} issues, {len(loaded.relations)} relations, "
                  f"{len(loaded.events)} events; mechanism {loaded.mechanism.name}; hash {loaded.hash[:12]}")
    total = report.total or 1
    console.print(f"  evidence coverage: {report.coverage:.0%} of {report.total} parameters "
                  f"(cited {len(report.cited)} = {len(report.cited) / total:.0%}, "
                  f"assumed {len(report.assumed)} = {len(report.assumed) / total:.0%}, "
                  f"bare {len(report.bare)} = {len(report.bare) / total:.0%})")
    for path in report.bare:
        console.print(f"  [yellow]bare[/] {path}")
    inverted = print_zones(loaded)
    if paths:
        for path in compile_scenario(loaded).parameter_paths():
            console.print(f"  {path}")
    if strict and (report.bare or inverted):
        raise typer.Exit(code=1)


def print_zones(loaded: Scenario) -> list:
    """The zone of agreement per issue among the veto players (central values) and inverted bottom lines."""
    compiled = compile_scenario(loaded)
    state = compiled.sample(None).state
    console.print("  zone of agreement among the veto players (bottom lines at central values):")
    for zone in issue_zones(state):
        console.print(f"    {zone.describe()}", highlight=False)
    if state.veto.sum() == 2:
        console.print(f"    package: {'a package exists' if package_zone(state) else 'no package'} that both veto "
                      "players prefer to their outside options", highlight=False)
    ranges, ideals = {}, {}
    for (i, actor_id) in enumerate(compiled.actor_ids):
        actor = loaded.actors[actor_id]
        for j, issue_id in enumerate(compiled.issue_ids):
            for table, value in ((ranges, actor.reservation.get(issue_id)), (ideals, actor.positions.get(issue_id))):
                if value is not None and not isinstance(value, int | float):
                    table[(i, j)] = value.support()
    inverted = inverted_bottom_lines(state, ranges, ideals)
    for item in inverted:
        console.print(f"  [yellow]warning[/] {escape(item.describe())}")
    return inverted
