"""``sim scenarios`` and ``sim mechanisms``: what is available."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sim.cli.console import console
from sim.errors import SimError
from sim.mechanisms.registry import available
from sim.scenario.loader import load_scenario


def scenarios(
    folder: Path = typer.Argument(Path("scenarios"), help="Folder of scenario files."),
    n: int = typer.Option(200, "--n", "-n", min=0,
                          help="Runs per scenario for the effect check against the file it extends (0: skip)."),
    seed: int = typer.Option(0, "--seed", help="Master seed of the effect check (common seeds for both files)."),
) -> None:
    """List the scenario files in FOLDER with the question each one asks, and flag a scenario whose change over
    the file it extends does not move the base outcomes beyond seed noise under its mechanism."""
    paths = sorted(folder.glob("*.yaml"))
    questions = {}
    for path in paths:
        try:
            questions[path] = load_scenario(path).question
        except SimError as exc:
            questions[path] = f"[red]invalid: {str(exc).splitlines()[0]}[/]"
    effects = {}
    if n:
        from sim.experiments.compare import defining_change_effects  # noqa: PLC0415 (keeps `sim --help` light)

        valid = [p for p in paths if not questions[p].startswith("[red]")]
        with console.status(f"effect check: each scenario against the file it extends, {n} common seeds"):
            effects = defining_change_effects(valid, n=n, seed=seed)
    table = Table(title=f"Scenarios in {folder}")
    table.add_column("file", no_wrap=True)
    table.add_column("question")
    if effects:
        table.add_column(f"largest change in base outcomes vs the parent (95% interval, n={n})")
    for path in paths:
        effect = effects.get(str(path))
        cells = [str(path), questions[path]]
        if effects:
            cells.append("" if effect is None else effect.largest if effect.moved
                         else f"[yellow]no change beyond noise[/] (largest {effect.largest})")
        table.add_row(*cells)
    console.print(table)
    flat = [e for e in effects.values() if not e.moved]
    for effect in flat:
        console.print(f"[yellow]note:[/] {effect.scenario}: its change over {effect.parent} moves no base outcome "
                      f"beyond seed noise under its mechanism ({n} common seeds)", soft_wrap=True)


def mechanisms() -> None:
    """List the negotiation mechanisms with their references."""
    table = Table(title="Mechanisms")
    for column in ("name", "title", "outcome", "stochastic", "reference"):
        table.add_column(column)
    for name, cls in available().items():
        table.add_row(name, cls.title, cls.classifier.get("outcome", ""), str(cls.classifier.get("stochastic")),
                      cls.reference)
    console.print(table)
