"""``sim scenarios`` and ``sim mechanisms``: what is available."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sim.cli.console import console, esc
from sim.errors import SimError

# A benchmark folder (scenarios/basing/) keeps its recorded outcomes beside its case scenarios under this name
# (sim.validation.basing.OUTCOMES_FILE; not imported here so that the listing stays light).
BENCHMARK_OUTCOMES = "outcomes.yaml"


def scenarios(
    folder: Path = typer.Argument(Path("scenarios"), help="Folder of scenario files."),
    n: int = typer.Option(200, "--n", "-n", min=0,
                          help="Runs per scenario for the effect check against the file it extends (0: skip)."),
    seed: int = typer.Option(0, "--seed", help="Master seed of the effect check (common seeds for both files)."),
) -> None:
    """List the scenario files in FOLDER with the question each one asks, and flag a scenario whose change over
    the file it extends does not move the base outcomes beyond seed noise under its mechanism."""
    from sim.scenario.loader import load_scenario  # here, not at the top: keeps `sim --help` light

    paths = sorted(folder.glob("*.yaml"))
    questions = {}
    for path in paths:
        if path.name == BENCHMARK_OUTCOMES:
            questions[path] = ("[dim]recorded outcomes of a validation benchmark, not a scenario "
                               "(see docs/validation.md)[/]")
            continue
        try:
            questions[path] = esc(load_scenario(path).question)
        except SimError as exc:
            questions[path] = f"[red]invalid: {esc(str(exc).splitlines()[0])}[/]"
    effects = {}
    if n:
        from sim.experiments.compare import defining_change_effects

        valid = [p for p in paths if not questions[p].startswith(("[red]", "[dim]"))]
        with console.status(f"effect check: each scenario against the file it extends, {n} common seeds"):
            effects = defining_change_effects(valid, n=n, seed=seed)
    table = Table(title=esc(f"Scenarios in {folder}"))
    subfolders = sorted(p.name for p in folder.iterdir() if p.is_dir() and any(p.glob("*.yaml"))) \
        if folder.is_dir() else []
    if subfolders:
        table.caption = esc(f"Sub-folders, not listed here: {', '.join(subfolders)} (sim scenarios {folder}/<name>)")
    table.add_column("file", no_wrap=True)
    table.add_column("question")
    if effects:
        table.add_column(f"largest change in base outcomes vs the parent (95% interval, n={n})")
    for path in paths:
        effect = effects.get(str(path))
        cells = [esc(str(path)), questions[path]]
        if effects:
            cells.append("" if effect is None else esc(effect.largest) if effect.moved
                         else f"[yellow]no change beyond noise[/] (largest {esc(effect.largest)})")
        table.add_row(*cells)
    console.print(table)
    flat = [e for e in effects.values() if not e.moved]
    for effect in flat:
        console.print(f"[yellow]note:[/] {esc(str(effect.scenario))}: its change over {esc(str(effect.parent))} "
                      f"moves no base outcome beyond seed noise under its mechanism ({n} common seeds)", soft_wrap=True)


def mechanisms() -> None:
    """List the negotiation mechanisms with their references."""
    from sim.mechanisms.registry import available

    table = Table(title="Mechanisms")
    for column in ("name", "title", "outcome", "stochastic", "reference"):
        table.add_column(column)
    for name, cls in available().items():
        table.add_row(name, cls.title, cls.classifier.get("outcome", ""), str(cls.classifier.get("stochastic")),
                      cls.reference)
    console.print(table)
