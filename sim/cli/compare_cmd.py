"""``sim compare``: several scenarios on the same seeds, each set against the first with paired differences."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from sim.cli.console import console, esc, progress_bar, reported_errors
from sim.cli.formats import format_option, split_formats


def compare(
    scenarios: list[Path] = typer.Argument(..., help="Two or more scenario files; the first is the reference."),
    n: int = typer.Option(1000, "--n", "-n", min=1, help="Replications per scenario (the same seeds for each)."),
    seed: int = typer.Option(0, "--seed", help="Master seed; replication r uses the seed `sim run` gives it."),
    mechanism: str | None = typer.Option(None, "--mechanism", "-m", help="Run every scenario under this mechanism."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default: out/compare/<names>)."),
    workers: int | None = typer.Option(None, "--workers", "-w", min=1, help="Local worker processes (same rows for "
                                       "any number; default: one per available core from 2,000 replications per "
                                       "scenario, else one, as `sim run`)."),
    fmt: str = format_option(),
    plots: bool = typer.Option(True, "--plots/--no-plots", help="Write the difference figure."),
) -> None:
    """Run every scenario on common random numbers and print paired differences against the first."""
    from sim.experiments.compare import compare as run_compare  # keeps `sim --help` light
    from sim.experiments.runner import default_workers

    if len(scenarios) < 2:
        raise typer.BadParameter("give at least two scenario files; the first is the reference",
                                 param_hint="SCENARIOS")
    with reported_errors():
        tables, figures = split_formats(fmt)
        workers = workers or default_workers(n)
        with progress_bar("compare", auto_refresh=workers == 1) as bar:  # no refresh thread when forking workers
            task = bar.add_task("runs", total=n * len(scenarios))
            finished: dict[str, int] = {}

            def tick(name: str, done: int, total: int) -> None:
                finished[name] = done
                bar.update(task, completed=sum(finished.values()), refresh=workers > 1)

            result = run_compare(scenarios, n=n, seed=seed, mechanism=mechanism, workers=workers, progress=tick)
        folder = out or Path("out") / "compare" / "-vs-".join(s.name for s in result.scenarios)[:120]
        result.save(folder, tables)
        print_differences(result)
        written = ["differences.csv", *(f"replications.{t}" for t in tables), "manifest.json"]
        if plots:
            from sim.plots.compare_plots import difference_plot
            from sim.plots.style import save

            save(difference_plot(result.differences, result.scenarios[0], n), folder / "plots" / "differences",
                 figures)
            written += [f"plots/differences.{f}" for f in figures]
        console.print(f"results written to [bold]{esc(str(folder))}[/] ({esc(', '.join(written))})")


def print_differences(result) -> None:  # Comparison; imported lazily
    """One table per compared scenario: category shares, agreement and mean final base values."""
    frame = result.differences
    bases = [f"outcome.{b}" for b in result.scenarios[0].base_issues] + ["agreement_round"]
    keep = (frame["outcome"].str.fullmatch(r"category\.[^.]+") | frame["outcome"].isin(["agreed", "status", *bases]))
    keep &= (frame["kind"] == "mean") | (frame["reference_value"] > 0) | (frame["scenario_value"] > 0)
    order = {"category": 0, "status": 1, "agreed": 2}
    frame = frame[keep].assign(_order=[order.get(o.split(".")[0], 3) for o in frame[keep]["outcome"]])
    frame = frame.sort_values("_order", kind="stable")
    for name, part in frame.groupby("scenario", sort=False):
        table = Table(title=f"{name} minus {result.reference}: paired differences on the same "
                            f"{int(part['pairs'].max())} seeds (95% intervals)")
        for column in ("outcome", "value", result.reference, name, "difference", "95% interval"):
            table.add_column(column, justify="left" if column in ("outcome", "value") else "right")
        for _, row in part.iterrows():
            pct = row["kind"] == "probability"
            unit = (lambda v: f"{100 * v:.1f}%") if pct else (lambda v: f"{v:.1f}")
            delta = (lambda v: f"{100 * v:+.1f} pp") if pct else (lambda v: f"{v:+.2f}")
            excludes_zero = row["ci_low"] > 0 or row["ci_high"] < 0
            value = "agreement reached" if row["outcome"] == "agreed" else str(row["value"])
            table.add_row(row["outcome"].removeprefix("category."), value, unit(row["reference_value"]),
                          unit(row["scenario_value"]),
                          f"[bold]{delta(row['difference'])}[/]" if excludes_zero else delta(row["difference"]),
                          f"{delta(row['ci_low'])} .. {delta(row['ci_high'])}")
        console.print(table)
