"""``sim run``: Monte Carlo replications of a scenario, an outcome table, files and plots."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sim.cli.console import console, progress_bar, reported_errors
from sim.cli.formats import format_option, split_formats
from sim.experiments.runner import RunResult
from sim.experiments.runner import run as run_replications
from sim.scenario.loader import load_scenario


def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    n: int = typer.Option(1000, "--n", "-n", min=1, help="Number of replications."),
    seed: int = typer.Option(0, "--seed", help="Master seed (all draws flow from it via SeedSequence)."),
    mechanism: str | None = typer.Option(None, "--mechanism", "-m", help="Override the scenario's mechanism."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: out/<scenario name>)."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Write plots (in the figure formats of --format)."),
    fmt: str = format_option(),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Local worker processes (same rows for any N)."),
    diagnostics: bool = typer.Option(False, "--diagnostics", help="Add Pareto and Nash-point columns (slower)."),
    trajectories: bool = typer.Option(True, "--trajectories/--no-trajectories",
                                      help="Write per-round tables; without them runs take the fast batch path."),
) -> None:
    """Run N seeded replications of SCENARIO and print the outcome probability table."""
    with reported_errors():
        tables, figures = split_formats(fmt)
        loaded = load_scenario(scenario)
        folder = out or Path("out") / loaded.name
        with progress_bar(f"{loaded.name}: replications") as bar:
            task = bar.add_task("run", total=n)
            result = run_replications(loaded, n=n, seed=seed, mechanism=mechanism, out=folder, workers=workers,
                                      diagnostics=diagnostics, trajectories=trajectories, formats=tables,
                                      progress=lambda done, total: bar.update(task, completed=done))
        print_table(result)
        if diagnostics:
            frame = result.replications
            console.print(f"Pareto-optimal for the veto players: {frame['pareto_optimal'].mean():.0%} of runs; "
                          f"mean distance to the Nash point {frame['nash_distance'].mean():.1f} points")
        if plots:
            from sim.plots.run_plots import save_run_plots

            save_run_plots(result, folder, figures)
        console.print(f"results written to [bold]{folder}[/] (manifest.json, {', '.join(f'*.{t}' for t in tables)}, "
                      f"outcome_table.csv{', plots/*.' + ','.join(figures) if plots else ''})")


def print_table(result: RunResult) -> None:
    manifest = result.manifest
    table = Table(title=f"{result.scenario.title}\nmechanism {manifest['mechanism']}, "
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
