"""``sim run``: Monte Carlo replications of a scenario, an outcome table, files and plots."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from sim.cli.console import console, esc, progress_bar, reported_errors
from sim.cli.formats import format_option, split_formats
from sim.cli.outputs import check_size, prepare_run_folder
from sim.errors import SimError
from sim.names import named_folder

if TYPE_CHECKING:
    import pandas as pd

    from sim.experiments.runner import RunResult


def run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file."),
    n: int = typer.Option(1000, "--n", "-n", min=1, help="Number of replications."),
    seed: int = typer.Option(0, "--seed", help="Master seed (all draws flow from it via SeedSequence)."),
    mechanism: str | None = typer.Option(None, "--mechanism", "-m", help="Override the scenario's mechanism."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: out/<scenario name>)."),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Write plots (in the figure formats of --format)."),
    fmt: str = format_option(),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1, help="Local worker processes (same rows "
                                       "for any number; default: one per available core from 2,000 replications, "
                                       "else one)."),
    diagnostics: bool = typer.Option(False, "--diagnostics", help="Add Pareto and Nash-point columns (slower)."),
    trajectories: bool = typer.Option(True, "--trajectories/--no-trajectories",
                                      help="Write per-round tables (for the first 200 replications)."),
    months: str | None = typer.Option(None, "--months", help="Months to report, e.g. 6,12,24: P(signed), "
                                      "P(breakdown) and each base's state at each."),
    horizon: int | None = typer.Option(None, "--horizon", min=1, help="Show the state at this month instead of "
                                       "at the end of the run (the game is the same)."),
    param: list[str] = typer.Option([], "--param", "-p", help="Mechanism option KEY=VALUE, e.g. "
                                    "information=private (repeatable)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty --out folder that holds no earlier "
                                                      "`sim run` result (an earlier result is always replaced)."),
) -> None:
    """Run N seeded replications of SCENARIO and print the outcome probability table."""
    from sim.experiments.runner import default_workers
    from sim.experiments.runner import run as run_replications  # the engine, only when a command runs
    from sim.mechanisms.registry import get as get_mechanism
    from sim.scenario.loader import load_scenario

    with reported_errors():
        if seed < 0:
            raise SimError(f"--seed: expected an integer >= 0, got {seed}")
        tables, figures = split_formats(fmt)
        loaded = load_scenario(scenario)
        wanted = parse_months(months)
        options = parse_params(param)
        if mechanism is not None:
            get_mechanism(mechanism)  # before any output: an unknown name is refused on its own line
        workers = workers or default_workers(n)
        check_size(n, loaded, workers)
        folder = out or named_folder(Path("out"), loaded.name, "scenario")
        prepare_run_folder(folder, force)
        network: list[Path] = []  # the network figure, drawn while worker processes run (it needs no results)
        drawn: list[Path] = []  # the trajectories figure, drawn once the recorded runs are in (workers still run)
        with progress_bar(f"{loaded.name}: replications", auto_refresh=workers == 1) as bar:
            task = bar.add_task("run", total=n)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, refresh=workers > 1)
                if done == 0 and plots:  # worker processes have started: load matplotlib and draw while they run
                    from sim.plots.run_plots import save_network

                    network.append(save_network(loaded, folder, figures))

            def trajectories_in(frame: pd.DataFrame) -> None:
                if plots and len(frame):
                    from sim.plots.run_plots import save_trajectories

                    drawn.append(save_trajectories(frame, loaded, folder, figures))

            result = run_replications(loaded, n=n, seed=seed, mechanism=mechanism, workers=workers,
                                      diagnostics=diagnostics, trajectories=trajectories, months=wanted,
                                      horizon=horizon, mechanism_params=options, formats=tables,
                                      progress=progress, on_trajectories=trajectories_in)

        def report() -> None:  # the files and the tables on screen (while a second core draws a figure)
            result.save(folder, tables)
            print_table(result)
            if wanted:
                print_months(result, wanted)
            if diagnostics:
                frame = result.replications
                zone = frame["pareto_optimal_within_bottom_lines"]
                console.print(f"Pareto-optimal for the veto players: {frame['pareto_optimal'].mean():.0%} of runs "
                              f"among all packages; {zone.mean():.0%} among those within their bottom lines (of "
                              f"the {zone.notna().mean():.0%} of runs that end with such a package); mean distance "
                              f"to the Nash point {frame['nash_distance'].mean():.1f} points among all packages, "
                              f"{frame['nash_distance_within_bottom_lines'].mean():.1f} among those within the "
                              "bottom lines")

        if plots:
            from sim.plots.run_plots import save_run_plots

            save_run_plots(result, folder, figures, parallel=workers > 1, meanwhile=report,
                           network=network[0] if network else None, trajectories=drawn[0] if drawn else None)
        else:
            report()
        console.print(f"results written to [bold]{esc(str(folder))}[/] (manifest.json, "
                      f"{', '.join(f'*.{t}' for t in tables)}, outcome_table.csv"
                      f"{', plots/*.' + ','.join(figures) if plots else ''})")


def parse_months(text: str | None) -> list[int]:
    """``"6,12,24"`` -> [6, 12, 24]; a clear error otherwise."""
    if not text:
        return []
    try:
        months = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise SimError(f"--months expects whole months separated by commas, e.g. 6,12,24; got {text!r}") from None
    if any(m < 1 for m in months):
        raise SimError("--months: months start at 1")
    return months


def parse_params(items: list[str]) -> dict[str, object]:
    """``["information=private", "types=9"]`` -> {"information": "private", "types": 9}."""
    params: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SimError(f"--param expects KEY=VALUE, got {item!r}")
        try:
            params[key.strip()] = int(value) if value.strip().lstrip("-").isdigit() else float(value)
        except ValueError:
            params[key.strip()] = value.strip()
    return params


def print_table(result: RunResult) -> None:
    manifest = result.manifest
    when = f"state at month {result.horizon}" if result.horizon else "state at the end of the run"
    options = ", ".join(f"{k}={v}" for k, v in (manifest.get("mechanism_params") or {}).items())
    table = Table(title=f"{esc(result.scenario.title)}\nmechanism {manifest['mechanism']}"
                        f"{' (' + options + ')' if options else ''}, {manifest['replications']} "
                        f"replications, seed {manifest['seed']}; {when}")
    for column in ("issue", "outcome", "probability", "95% interval"):
        table.add_column(column, justify="right" if column != "outcome" else "left")
    for _, row in result.table.iterrows():
        if row["count"] == 0 and row["issue"] != "(all)":
            continue
        table.add_row(row["issue"], row["label"], f"{row['probability']:.1%}",
                      f"{row['ci_low']:.1%} - {row['ci_high']:.1%}")
    console.print(table)
    means = result.means.set_index("quantity")
    r = means.loc["agreement_round"] if "agreement_round" in means.index else None
    if r is not None and r["mean"] == r["mean"]:  # not NaN
        console.print(f"mean agreement round (when agreed): {r['mean']:.1f} [{r['ci_low']:.1f}, {r['ci_high']:.1f}]")


def print_months(result: RunResult, months: list[int]) -> None:
    """P(signed by k), P(breakdown by k), P(still open) and each base's most likely states at each month."""
    import pandas as pd

    frame = result.by_month
    table = Table(title="Month by month (95% intervals); base states listed when at least 2%")
    for column in ("month", "issue", "state", "probability", "95% interval"):
        table.add_column(column, justify="left" if column in ("issue", "state") else "right")
    for k in months:
        rows = frame[(frame["month"] == k) & ((frame["issue"] == "(all)") | (frame["probability"] >= 0.02))]
        rows = pd.concat([rows[rows["issue"] == "(all)"], rows[rows["issue"] != "(all)"]])
        for _, row in rows.iterrows():
            table.add_row(str(k), row["issue"], row["label"], f"{row['probability']:.1%}",
                          f"{row['ci_low']:.1%} - {row['ci_high']:.1%}")
        table.add_section()
    console.print(table)
