"""``sim validate``: check a scenario file and report its evidence coverage."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from sim.cli.console import console, esc, reported_errors

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario


def validate(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    paths: bool = typer.Option(False, "--paths", help="Also list every parameter path (for events and sweeps)."),
    strict: bool = typer.Option(False, "--strict", help="Fail when any parameter is bare (neither cited nor assumed), "
                                "a changed value keeps the parent's evidence, or an event can never fire."),
) -> None:
    """Check SCENARIO (schema, references, bounds) and report cited / assumed / bare parameters."""
    from sim.mechanisms.registry import check_scenario_mechanism  # here, not at the top: keeps `sim --help` light
    from sim.scenario.compiled import compile_scenario
    from sim.scenario.evidence import INHERITED_MESSAGE, evidence_report
    from sim.scenario.lint import unreachable_events
    from sim.scenario.loader import load_scenario

    with reported_errors():
        loaded = load_scenario(scenario)
        check_scenario_mechanism(loaded)  # the mechanism's options (the loader checks only its name)
        report = evidence_report(loaded)
    console.print(f"[green]ok[/] {esc(str(scenario))}: {esc(loaded.title)}")
    console.print(f"  {len(loaded.actors)} actors, {len(loaded.issues)} issues, {len(loaded.relations)} relations, "
                  f"{len(loaded.events)} events; mechanism {loaded.mechanism.name}; hash {loaded.hash[:12]}")
    total = report.total or 1
    console.print(f"  evidence coverage: {report.coverage:.0%} of {report.total} parameters "
                  f"(cited {len(report.cited)} = {len(report.cited) / total:.0%}, "
                  f"assumed {len(report.assumed)} = {len(report.assumed) / total:.0%}, "
                  f"bare {len(report.bare)} = {len(report.bare) / total:.0%})")
    if report.via_group:
        groups = ", ".join(f"{key} ({len(paths)})" for key, paths in sorted(report.via_group.items()))
        console.print(f"  covered only through a group entry: {report.n_via_group} of {report.total} ({groups})",
                      soft_wrap=True)
    for path in report.bare:
        console.print(f"  [yellow]bare[/] {esc(path)}", soft_wrap=True)
    for path in report.inherited:
        console.print(f"  [yellow]inherited[/] {_where(loaded, path)}{path}: {INHERITED_MESSAGE}", soft_wrap=True)
    never = unreachable_events(loaded)
    for field, message in never:
        console.print(f"  [yellow]event[/] {_where(loaded, field)}{field}: {message}", soft_wrap=True)
    inverted = print_zones(loaded)
    if paths:
        for path in compile_scenario(loaded).parameter_paths():
            console.print(f"  {esc(path)}")
    if strict and (report.bare or report.inherited or never or inverted):
        raise typer.Exit(code=1)


def _where(scenario: Scenario, field: str) -> str:
    located = scenario.line_of(field)
    return f"{located[0]}:{located[1]}: " if located else ""


def print_zones(loaded: Scenario) -> list:
    """The zone of agreement per issue among the veto players (central values) and inverted bottom lines."""
    from sim.mechanisms.zone import inverted_bottom_lines, issue_zones, package_zone
    from sim.scenario.compiled import compile_scenario

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
