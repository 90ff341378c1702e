"""``sim validate-external basing``: score every mechanism on the basing-rights benchmark and print the tables."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from sim.cli.console import console, esc, progress_bar, warn
from sim.errors import SimError


def _names(text: str | None, what: str) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise SimError(f"--{what} is empty; give names separated by commas")
    return names


def run(data: Path | None, out: Path, *, replications: int, seed: int, bootstrap: int, mechanisms: str | None,
        cases: str | None, workers: int = 1) -> None:
    """Forecast, score, print the score and difference tables, and list the files written."""
    from sim.validation.basing import load_benchmark
    from sim.validation.basing_forecast import settings
    from sim.validation.basing_report import METRIC_LABELS, run_basing

    if replications < 1:
        raise SimError(f"--replications must be at least 1, got {replications}")
    if data is not None and not Path(data).is_dir():
        raise SimError(f"{data}: no such benchmark folder (expected scenarios and outcomes.yaml)")
    bench = load_benchmark(data)
    chosen = settings(_names(mechanisms, "mechanisms"))
    picked = _names(cases, "cases")
    n_cases = len(picked) if picked else len(bench.cases)
    with progress_bar("basing cases x mechanisms") as bar:
        task = bar.add_task("runs", total=n_cases * len(chosen))
        result = run_basing(bench, chosen, out, replications=replications, seed=seed, n_boot=bootstrap,
                            cases=picked, workers=workers, progress=lambda case, setting: bar.advance(task),
                            on_skip=lambda case, setting, why: warn(f"skipped {setting} on {case}: {why}"))
    scores, diffs = result.scores, result.differences
    title = (f"Basing-rights benchmark: {int(scores['n_cases'].max())} cases, {replications} replications per case "
             f"and mechanism; mean score (95% case-bootstrap CI, {bootstrap} resamples); lower is better")
    table = Table(title=esc(title))
    for col in ("forecast", "horizon", "cases", *METRIC_LABELS.values()):
        table.add_column(col, justify="left" if col in ("forecast", "horizon") else "right",
                         no_wrap=col == "forecast")
    for row in scores.itertuples():
        label = esc(row.forecast) if row.kind == "mechanism" else f"[dim]naive: {esc(row.forecast)}[/]"
        table.add_row(label, row.horizon, str(row.n_cases),
                      *(_ci(getattr(row, m), getattr(row, f"{m}_lo"), getattr(row, f"{m}_hi"), m)
                        for m in METRIC_LABELS))
    console.print(table)
    if not diffs.empty:
        wide = Table(title="Mechanism minus the better naive baseline (paired case bootstrap, 95% CI; "
                           "negative = the mechanism scores better)")
        for col in ("forecast", "horizon", *(f"{label} (vs)" for label in METRIC_LABELS.values())):
            wide.add_column(esc(col), justify="left" if col in ("forecast", "horizon") else "right")
        for (name, horizon), part in diffs.groupby(["forecast", "horizon"], sort=False):
            by = part.set_index("metric")
            wide.add_row(esc(name), horizon, *(
                f"{_ci(by.at[m, 'difference'], by.at[m, 'lo'], by.at[m, 'hi'], m, signed=True)} "
                f"({'SQ' if by.at[m, 'baseline'].startswith('status') else 'BR'})" for m in METRIC_LABELS))
        console.print(wide)
        console.print("SQ = status quo persists, BR = base rate (leave-one-out): the better of the two on that "
                      "metric and horizon.", style="dim")
    for case, setting, _ in result.forecasts.skipped:
        console.print(f"skipped: {esc(setting)} on {esc(case)}", style="yellow")
    for name, path in result.files.items():
        console.print(f"{name}: {esc(str(path))}")


def _ci(value: float, lo: float, hi: float, metric: str, signed: bool = False) -> str:
    digits = 1 if metric == "mae" else 3 if metric == "brier" else 2
    sign = "+" if signed else ""
    return f"{value:{sign}.{digits}f} [{lo:{sign}.{digits}f}, {hi:{sign}.{digits}f}]"
