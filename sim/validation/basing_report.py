"""The basing benchmark end to end: forecasts by every mechanism, scores against the two naive baselines with
paired case-bootstrap intervals, CSV files and a plot."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.validation.basing import Benchmark, baselines
from sim.validation.basing_forecast import BasingForecasts, Setting, forecast_benchmark
from sim.validation.basing_score import LOG_FLOOR, METRICS, difference, score_table

BASELINES = ("status quo persists", "base rate (leave-one-out)")  # the keys of basing.baselines()
METRIC_LABELS = {"brier": "Brier score", "log_loss": "log loss", "mae": "MAE, presence (0-100)"}
LIMITS = {"brier": (0.0, 2.05), "log_loss": (0.0, -np.log(LOG_FLOOR) + 0.15), "mae": (0.0, 101.0)}  # each scale's range


@dataclass
class BasingResult:
    forecasts: BasingForecasts
    scores: pd.DataFrame  # forecast x horizon group: each metric, its interval, kind (mechanism / baseline)
    differences: pd.DataFrame  # mechanism x horizon group x metric: minus the better baseline, with interval
    files: dict[str, Path]


def score_forecasts(forecasts: dict[str, pd.DataFrame], bench: Benchmark, *, n_boot: int = 1000,
                    seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score each forecast on the cases it covers, and the baselines on the same cases; the paired difference of
    each forecast to the better baseline (lower mean on that metric and horizon group) on the same bootstrap draws
    of cases. Returns (scores, differences)."""
    naive = baselines(bench)
    score_rows, diff_rows = [], []
    groups = [("all", None), *[(str(h), h) for h in bench.horizons]]
    covered: dict[frozenset, pd.DataFrame] = {}
    for name, forecast in forecasts.items():
        cases = frozenset(forecast["case"])
        recorded = bench.table[bench.table["case"].isin(cases)]
        if cases not in covered:
            base = score_table({k: v[v["case"].isin(cases)] for k, v in naive.items()}, recorded, n_boot=n_boot,
                               seed=seed)
            covered[cases] = base.assign(kind="baseline")
        base = covered[cases]
        score_rows.append(score_table({name: forecast}, recorded, n_boot=n_boot, seed=seed).assign(kind="mechanism"))
        streams = np.random.SeedSequence(seed).spawn(len(groups) * len(METRICS))
        for g, (label, h) in enumerate(groups):
            part = recorded if h is None else recorded[recorded["horizon"] == h]
            for m, metric in enumerate(METRICS):
                at = base[base["horizon"] == label].set_index("forecast")[metric]
                better = str(at.idxmin())
                sub = int(streams[g * len(METRICS) + m].generate_state(1)[0])
                keep = part["horizon"].unique()
                ref = naive[better]
                mean, lo, hi = difference(forecast[forecast["horizon"].isin(keep)],
                                          ref[ref["case"].isin(cases) & ref["horizon"].isin(keep)], part, metric,
                                          n_boot=n_boot, seed=sub)
                diff_rows.append({"forecast": name, "horizon": label, "metric": metric, "baseline": better,
                                  "difference": mean, "lo": lo, "hi": hi, "n_cases": len(cases)})
    full = frozenset(bench.table["case"])
    baseline_rows = covered.get(full, next(iter(covered.values()), None))
    if baseline_rows is None:  # no forecast at all: the baselines alone
        baseline_rows = score_table(naive, bench.table, n_boot=n_boot, seed=seed).assign(kind="baseline")
    scores = pd.concat([*score_rows, baseline_rows], ignore_index=True)
    return scores, pd.DataFrame(diff_rows)


def run_basing(bench: Benchmark, chosen: Sequence[Setting], out: Path | None = None, *, replications: int,
               seed: int = 0, n_boot: int = 1000, cases: Sequence[str] | None = None, workers: int = 1,
               progress: Callable[[str, str], None] | None = None,
               on_skip: Callable[[str, str, str], None] | None = None) -> BasingResult:
    """Forecast, score, and (with ``out``) write forecasts.csv, replications.csv, scores.csv, differences.csv and
    basing_scores.png."""
    fc = forecast_benchmark(bench, chosen, replications=replications, seed=seed, cases=cases, workers=workers,
                            progress=progress, on_skip=on_skip)
    scores, diffs = score_forecasts(fc.forecasts, bench, n_boot=n_boot, seed=seed)
    files: dict[str, Path] = {}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        files = {"scores": out / "scores.csv", "differences": out / "differences.csv",
                 "forecasts": out / "forecasts.csv", "replications": out / "replications.csv",
                 "plot": out / "basing_scores.png"}
        scores.to_csv(files["scores"], index=False)
        diffs.to_csv(files["differences"], index=False)
        pd.concat([f.assign(forecast=k) for k, f in {**fc.forecasts, **baselines(bench)}.items()],
                  ignore_index=True).to_csv(files["forecasts"], index=False)
        fc.replications.to_csv(files["replications"], index=False)
        plot_scores(scores, files["plot"], replications=replications, n_cases=int(scores["n_cases"].max()))
    return BasingResult(fc, scores, diffs, files)


def plot_scores(scores: pd.DataFrame, path: Path, *, replications: int, n_cases: int) -> None:
    """Brier score, log loss and MAE per forecast at months 12 and 36 with 95% case-bootstrap intervals; the
    naive baselines in grey, the better baseline's value as a dotted line."""
    from sim.plots.style import plt, save

    data = scores[scores["horizon"] != "all"]
    order = list(dict.fromkeys(scores.loc[scores["kind"] == "mechanism", "forecast"])) + \
        [b for b in BASELINES if b in set(scores["forecast"])]
    horizons = sorted(data["horizon"].unique(), key=int)
    fig, axes = plt.subplots(1, 3, figsize=(13, 0.42 * len(order) + 2.2), sharey=True)
    y = np.arange(len(order))[::-1]
    offsets = np.linspace(-0.17, 0.17, len(horizons))
    markers, colours = ("o", "s", "D"), ("#1f4e79", "#c05a00", "#2f7d32")
    for ax, metric in zip(axes, METRICS, strict=True):
        for k, h in enumerate(horizons):
            at = data[data["horizon"] == h].set_index("forecast").reindex(order)
            mid = at[metric].to_numpy(float)
            lo, hi = at[f"{metric}_lo"].to_numpy(float), at[f"{metric}_hi"].to_numpy(float)
            grey = at["kind"].eq("baseline").to_numpy()
            for mask, colour in ((~grey, colours[k % 3]), (grey, "#7f7f7f")):
                ax.errorbar(mid[mask], y[mask] - offsets[k], xerr=[mid[mask] - lo[mask], hi[mask] - mid[mask]],
                            fmt=markers[k % 3], color=colour, ecolor=colour, alpha=0.9, capsize=2, ms=5,
                            label=f"month {h}" if colour != "#7f7f7f" else None)
            best = at.loc[at["kind"] == "baseline", metric].min()
            ax.axvline(best, color=colours[k % 3], ls=":", lw=1)
        ax.set_xlim(*LIMITS[metric])
        ax.set_xlabel(METRIC_LABELS[metric] + " (lower is better)")
        ax.grid(axis="x", alpha=0.3)
        n_base = sum(b in BASELINES for b in order)
        if n_base and n_base < len(order):
            ax.axhline(n_base - 0.5, color="#bbbbbb", lw=0.8)  # mechanisms above, baselines below
    axes[0].set_yticks(y, order)
    axes[0].legend(loc="lower right", fontsize=8, title="horizon", title_fontsize=8)
    fig.suptitle(f"Basing-rights benchmark: {n_cases} cases, {replications} replications per case and mechanism\n"
                 "mean score with 95% case-bootstrap interval; grey = naive baselines (below the line), dotted = the "
                 f"better baseline at each horizon; log loss floors p at {LOG_FLOOR:g}", fontsize=10)
    save(fig, path)
