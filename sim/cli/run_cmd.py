"""``sim run``: Monte Carlo replications of a scenario, an outcome table, files and plots."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sim.cli.console import console, esc, progress_bar, reported_errors
from sim.cli.outputs import prepare_run_folder
from sim.errors import SimError
from sim.experiments.runner import RunResult
from sim.experiments.runner import run as run_replications
from sim.mechanisms.registry import get as get_mechanism
from sim.names import named_folder
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario


def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    n: int = typer.Option(1000, "--n", "-n", min=1, help="Number of replications."),
    seed: int = typer.Option(0, "--seed", help="Master seed (all draws flow from it via SeedSequence)."),
    mechanism: str | None = typer.Option(None, "--mechanism", "-m", help="Override the scenario's mechanism."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: out/<scenario name>)."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Write PNG plots."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Local worker processes (same rows for any N)."),
    diagnostics: bool = typer.Option(False, "--diagnostics", help="Add Pareto and Nash-point columns (slower)."),
    trajectories: bool = typer.Option(True, "--trajectories/--no-trajectories",
                                      help="Write per-round tables; without them runs take the fast batch path."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty --out folder that holds no earlier "
                                                      "`sim run` result (an earlier result is always replaced)."),
) -> None:
    """Run N seeded replications of SCENARIO and print the outcome probability table."""
    with reported_errors():
        if seed < 0:
            raise SimError(f"--seed: expected an integer >= 0, got {seed}")
        loaded = load_scenario(scenario)
        if mechanism is not None:
            get_mechanism(mechanism)  # before any output: an unknown name is refused on its own line
        check_size(n, loaded, trajectories or diagnostics, workers)
        folder = out or named_folder(Path("out"), loaded.name, "scenario")
        prepare_run_folder(folder, force)
        with progress_bar(f"{loaded.name}: replications") as bar:
            task = bar.add_task("run", total=n)
            result = run_replications(loaded, n=n, seed=seed, mechanism=mechanism, out=folder, workers=workers,
                                      diagnostics=diagnostics, trajectories=trajectories,
                                      progress=lambda done, total: bar.update(task, completed=done))
        print_table(result)
        if diagnostics:
            frame = result.replications
            console.print(f"Pareto-optimal for the veto players: {frame['pareto_optimal'].mean():.0%} of runs; "
                          f"mean distance to the Nash point {frame['nash_distance'].mean():.1f} points")
        if plots:
            from sim.plots.run_plots import save_run_plots

            save_run_plots(result, folder)
        console.print(f"results written to [bold]{esc(str(folder))}[/] (manifest.json, *.parquet, outcome_table.csv"
                      f"{', plots/*.png' if plots else ''})")


MEMORY_LIMIT = 4 << 30  # bytes of results a `sim run` may hold in memory before writing them


def check_size(n: int, scenario: Scenario, per_round: bool, workers: int) -> None:
    """Refuse a run whose results would not fit in memory, with the estimated size and time.

    The figures come from measuring the baseline (5 actors x 5 issues x 24 rounds) on one core: about 7 KB and
    15 ms per replication on the batch path, about 80 KB and 150 ms with per-round tables.
    """
    cells = max(1, len(scenario.actors) * len(scenario.issues))
    per_rep = 4000 + 100 * cells + (130 * cells * scenario.rounds if per_round else 0)
    seconds = n * (0.25 if per_round else 0.025) * cells * scenario.rounds / 600 / workers
    if n * per_rep > MEMORY_LIMIT:
        raise SimError(f"-n {n}: the results would take about {n * per_rep / 2**30:,.0f} GiB of memory (limit "
                       f"{MEMORY_LIMIT / 2**30:.0f} GiB) and about {_duration(seconds)} to compute; use fewer "
                       "replications, --no-trajectories, or `sim sweep`, which streams results to disk")


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.0f} {unit}"
    return f"{seconds:.0f} seconds"


def print_table(result: RunResult) -> None:
    manifest = result.manifest
    table = Table(title=f"{esc(result.scenario.title)}\nmechanism {manifest['mechanism']}, "
                        f"{manifest['replications']} replications, seed {manifest['seed']}")
    for column in ("issue", "outcome", "probability", "95% interval"):
        table.add_column(column, justify="right" if column != "outcome" else "left")
    for _, row in result.table.iterrows():
        table.add_row(row["issue"], row["label"], f"{row['probability']:.1%}",
                      f"{row['ci_low']:.1%} - {row['ci_high']:.1%}")
    console.print(table)
    means = result.means.set_index("quantity")
    r = means.loc["agreement_round"] if "agreement_round" in means.index else None
    if r is not None and r["mean"] == r["mean"]:  # not NaN
        console.print(f"mean agreement round (when agreed): {r['mean']:.1f} [{r['ci_low']:.1f}, {r['ci_high']:.1f}]")
