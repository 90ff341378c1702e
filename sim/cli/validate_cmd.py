"""``sim validate``: check a scenario file and report its evidence coverage."""

from __future__ import annotations

from pathlib import Path

import typer

from sim.cli.console import console, esc, reported_errors
from sim.scenario.compiled import compile_scenario
from sim.scenario.evidence import evidence_report
from sim.scenario.loader import load_scenario


def validate(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    paths: bool = typer.Option(False, "--paths", help="Also list every parameter path (for events and sweeps)."),
    strict: bool = typer.Option(False, "--strict", help="Fail when any parameter is bare (neither cited nor assumed)."),
) -> None:
    """Check SCENARIO (schema, references, bounds) and report cited / assumed / bare parameters."""
    with reported_errors():
        loaded = load_scenario(scenario)
        report = evidence_report(loaded)
    console.print(f"[green]ok[/] {esc(str(scenario))}: {esc(loaded.title)}")
    console.print(f"  {len(loaded.actors)} actors, {len(loaded.issues)} issues, {len(loaded.relations)} relations, "
                  f"{len(loaded.events)} events; mechanism {loaded.mechanism.name}; hash {loaded.hash[:12]}")
    total = report.total or 1
    console.print(f"  evidence coverage: {report.coverage:.0%} of {report.total} parameters "
                  f"(cited {len(report.cited)} = {len(report.cited) / total:.0%}, "
                  f"assumed {len(report.assumed)} = {len(report.assumed) / total:.0%}, "
                  f"bare {len(report.bare)} = {len(report.bare) / total:.0%})")
    for path in report.bare:
        console.print(f"  [yellow]bare[/] {esc(path)}")
    if paths:
        for path in compile_scenario(loaded).parameter_paths():
            console.print(f"  {esc(path)}")
    if strict and report.bare:
        raise typer.Exit(code=1)
