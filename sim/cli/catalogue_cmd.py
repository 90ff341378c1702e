"""``sim scenarios`` and ``sim mechanisms``: what is available."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sim.cli.console import console
from sim.errors import SimError
from sim.mechanisms.registry import available
from sim.scenario.loader import load_scenario

# A benchmark folder (scenarios/basing/) keeps its recorded outcomes beside its case scenarios under this name
# (sim.validation.basing.OUTCOMES_FILE; not imported here so that the listing stays light).
BENCHMARK_OUTCOMES = "outcomes.yaml"


def scenarios(folder: Path = typer.Argument(Path("scenarios"), help="Folder of scenario files.")) -> None:
    """List the scenario files in FOLDER with the question each one asks."""
    table = Table(title=f"Scenarios in {folder}")
    table.add_column("file")
    table.add_column("question")
    subfolders = sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.yaml"))) \
        if folder.is_dir() else []
    if subfolders:
        table.caption = f"Sub-folders, not listed here: {', '.join(subfolders)} (sim scenarios {folder}/<name>)"
    for path in sorted(folder.glob("*.yaml")):
        if path.name == BENCHMARK_OUTCOMES:
            table.add_row(str(path), "[dim]recorded outcomes of a validation benchmark, not a scenario "
                                     "(see docs/validation.md)[/]")
            continue
        try:
            question = load_scenario(path).question
        except SimError as exc:
            question = f"[red]invalid: {str(exc).splitlines()[0]}[/]"
        table.add_row(str(path), question)
    console.print(table)


def mechanisms() -> None:
    """List the negotiation mechanisms with their references."""
    table = Table(title="Mechanisms")
    for column in ("name", "title", "outcome", "stochastic", "reference"):
        table.add_column(column)
    for name, cls in available().items():
        table.add_row(name, cls.title, cls.classifier.get("outcome", ""), str(cls.classifier.get("stochastic")),
                      cls.reference)
    console.print(table)
