"""``sim scenarios`` and ``sim mechanisms``: what is available."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sim.cli.console import console
from sim.errors import SimError
from sim.mechanisms.registry import available
from sim.scenario.loader import load_scenario


def scenarios(folder: Path = typer.Argument(Path("scenarios"), help="Folder of scenario files.")) -> None:
    """List the scenario files in FOLDER with the question each one asks."""
    table = Table(title=f"Scenarios in {folder}")
    table.add_column("file")
    table.add_column("question")
    for path in sorted(folder.glob("*.yaml")):
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
