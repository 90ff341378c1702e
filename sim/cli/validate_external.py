"""``sim validate-external``: score every mechanism on real decisions with known outcomes (DEU), replay
KTAB's own SMP reference runs with ``ktab_smp`` (KTAB), or score every mechanism on the basing-rights benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from sim.cli.console import console, err_console, esc, progress_bar, reported_errors
from sim.errors import SimError

if TYPE_CHECKING:
    from sim.validation.ensemble import StackingResult

DATASETS = ("deu", "ktab", "basing")


def validate_external(
    dataset: Annotated[str, typer.Argument(help="'deu' (EU decisions), 'ktab' (KTAB's SMP reference runs) or "
                                                "'basing' (basing-rights benchmark)")] = "deu",
    data: Annotated[Path | None, typer.Option(help="deu: path to deu3.csv (default ../shared/data/deu3.csv); "
                                                   "ktab: folder of the reference fixtures; basing: folder of the "
                                                   "benchmark (default scenarios/basing)")] = None,
    out: Annotated[Path | None, typer.Option(help="folder for the CSV files and the plot (default out/<dataset>)")
                   ] = None,
    seed: Annotated[int, typer.Option(help="seed of mechanism streams, CV folds and bootstrap")] = 0,
    bootstrap: Annotated[int, typer.Option(min=0, help="bootstrap resamples for the 95% intervals")] = 1000,
    replications: Annotated[int, typer.Option(help="basing: replications per case and mechanism")] = 200,
    mechanisms: Annotated[str | None, typer.Option(help="basing: mechanisms or settings to score, comma-separated "
                                                        "(e.g. coercive:private,bdm; default all)")] = None,
    cases: Annotated[str | None, typer.Option(help="basing: case ids to score, comma-separated (default all)")
                     ] = None,
    workers: Annotated[int, typer.Option(min=1, help="basing: local worker processes per run (same rows for any N)")
                       ] = 1,
    cache: Annotated[bool, typer.Option(help="deu: reuse the mechanism forecasts cached in <out>/cache when "
                                             "nothing they depend on changed")] = True,
) -> None:
    """DEU: run every mechanism on every scorable issue; print MAE, median AE and hit shares with 95% CIs.
    KTAB: replay KTAB's three SMP reference runs; print reference, ours and difference (exit 1 if any > 1 point).
    Basing: run every mechanism (coercive with complete and private information) on every case; print Brier score,
    log loss and MAE at months 12 and 36 against the naive baselines, with 95% CIs."""
    from sim.validation.deu import CITATION, DataMissing
    from sim.validation.report import run_benchmark

    with reported_errors():
        if dataset not in DATASETS:
            raise SimError(f"unknown data set '{dataset}'; expected one of: {', '.join(DATASETS)}")
        if dataset == "ktab":
            _ktab(data, out or Path("out/ktab"))
            return
        if dataset == "basing":
            from sim.cli import basing_cmd

            basing_cmd.run(data, out or Path("out/basing"), replications=replications, seed=seed,
                           bootstrap=bootstrap, mechanisms=mechanisms, cases=cases, workers=workers)
            return
        out = out or Path("out/deu")
        try:
            with progress_bar("DEU issues") as bar:
                task = bar.add_task("issues", total=None)
                result = run_benchmark(
                    data, out, seed=seed, n_boot=bootstrap, cache=out / "cache" if cache else None,
                    on_start=lambda n: bar.update(task, total=n),
                    progress=lambda done: bar.update(task, completed=done))
        except DataMissing as exc:
            err_console.print(f"[yellow]skipped:[/] {esc(str(exc))}", highlight=False)
            raise typer.Exit(code=0) from None
    table = Table(title=f"DEU: {len(result.issues)} issues; absolute error on the 0-100 scale "
                        f"(95% bootstrap CI, {bootstrap} resamples)")
    for col in ("method", "n", "MAE", "median AE", "within 5", "within 10"):
        table.add_column(col, justify="left" if col == "method" else "right")
    for row in result.scores.sort_values("mae").itertuples():
        if row.n == 0:
            table.add_row(esc(row.method), "0", "failed", "", "", "")
            continue
        table.add_row(esc(row.method), str(row.n), _ci(row.mae, row.mae_lo, row.mae_hi),
                      _ci(row.median_ae, row.median_ae_lo, row.median_ae_hi),
                      _ci(row.within5, row.within5_lo, row.within5_hi, pct=True),
                      _ci(row.within10, row.within10_lo, row.within10_hi, pct=True))
    console.print(table)
    cal = result.calibration
    console.print(f"calibrated family, out of fold: MAE {cal.mae:.2f} vs weighted mean {cal.baseline_mae:.2f} "
                  f"(difference 95% CI {cal.diff_ci[0]:+.2f} to {cal.diff_ci[1]:+.2f})")
    if result.stacking is not None:
        _stacking(result.stacking)
    if result.cache_file is not None:
        verb = "read from" if result.cached else "cached in"
        console.print(f"mechanism forecasts {verb} {esc(str(result.cache_file))}")
    for name, path in result.files.items():
        console.print(esc(f"{name}: {path}"))
    console.print(esc(f"Data: {CITATION}"), style="dim")


def _stacking(stack: StackingResult) -> None:
    """The stacked ensemble against the weighted mean, out of sample, with its mean weights over the folds."""
    table = Table(title=f"Stacked ensemble vs weighted mean, out of sample ({len(stack.weights)} folds by proposal; "
                        f"95% CI resampling {stack.n_proposals} proposals)")
    for col in ("forecast", "MAE", "difference to weighted mean [95% CI]"):
        table.add_column(col, justify="left" if col == "forecast" else "right")
    table.add_row("stacked (CV)", f"{stack.mae:.2f}",
                  f"{stack.diff:+.2f} [{stack.diff_ci[0]:+.2f}, {stack.diff_ci[1]:+.2f}]")
    table.add_row("weighted_mean", f"{stack.baseline_mae:.2f}", "")
    console.print(table)
    console.print(esc("mean weights over folds: " + stack.summary().loc[0, "mean_weights"]))


def _ci(value: float, lo: float, hi: float, pct: bool = False) -> str:
    if pct:
        return f"{100 * value:.0f}% [{100 * lo:.0f}, {100 * hi:.0f}]"
    return f"{value:.2f} [{lo:.1f}, {hi:.1f}]"


def _ktab(folder: Path | None, out: Path) -> None:
    """Replay KTAB's reference runs with ktab_smp and print the comparison."""
    from sim.validation.ktab_reference import CITATION, summary

    detail, runs = summary(folder)
    table = Table(title="KTAB SMP reference runs: KTAB's logged result vs ktab_smp (0-100 scale)")
    for col in ("run", "dimension", "quantity", "reference", "ours", "difference"):
        table.add_column(col, justify="left" if col in ("run", "dimension", "quantity") else "right")
    for row in detail.itertuples():
        table.add_row(esc(row.run), esc(row.dimension), esc(row.quantity), f"{row.reference:.2f}", f"{row.ours:.2f}",
                      f"{row.difference:+.2f}")
    console.print(table)
    per_run = Table(title="Per run (KTAB logs positions to 0.1, probabilities to 1e-4)")
    for col in ("run", "turns (KTAB / ours)", "max |diff| final", "max |diff| all turns", "max |diff| expected",
                "choices not matched"):
        per_run.add_column(col, justify="left" if col == "run" else "right")
    for row in runs.itertuples():
        per_run.add_row(esc(row.run), f"{row.turns_reference} / {row.turns_ours}", f"{row.max_abs_diff_final:.3f}",
                        f"{row.max_abs_diff_history:.3f}", f"{row.max_abs_diff_expected:.3f}",
                        str(row.choices_mismatched))
    console.print(per_run)
    out.mkdir(parents=True, exist_ok=True)
    detail.to_csv(out / "ktab_reference.csv", index=False)
    runs.to_csv(out / "ktab_runs.csv", index=False)
    console.print(esc(f"tables: {out / 'ktab_reference.csv'}, {out / 'ktab_runs.csv'}"))
    console.print(esc(f"Data: {CITATION}"), style="dim")
    if (detail["difference"].abs() > 1.0).any():
        raise typer.Exit(code=1)
