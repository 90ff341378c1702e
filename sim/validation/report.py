"""The DEU benchmark end to end: predictions (cached), scores, calibration, stacking, CSV files and a plot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.validation import cache as forecast_cache
from sim.validation.calibrate import CalibrationResult, nested_cv
from sim.validation.deu import CITATION, DEUIssue, load_deu
from sim.validation.ensemble import BASELINE, STACKED, StackingResult, stacked_cv
from sim.validation.runner import default_mechanisms, predict_issues
from sim.validation.score import score_table

CALIBRATED = "calibrated (CV)"


def benchmark_mechanisms() -> dict[str, dict[str, Any]]:
    """Every listed mechanism that applies to many veto players, with default parameters, plus the published
    readings worth comparing."""
    mechs: dict[str, dict[str, Any]] = default_mechanisms()
    if "bdm" in mechs:
        mechs["bdm:median"] = {"forecast": "median"}
        mechs["bdm:type_priority"] = {"choice": "type_priority"}
        mechs["bdm:pairwise"] = {"probability": "pairwise"}
        mechs["bdm:scholz_code"] = {"choice": "scholz_code"}
    if "compromise" in mechs:
        mechs["compromise:median"] = {"method": "median"}
    return mechs


@dataclass
class BenchmarkResult:
    issues: list[DEUIssue]
    predictions: pd.DataFrame
    scores: pd.DataFrame
    calibration: CalibrationResult
    files: dict[str, Path]
    stacking: StackingResult | None = None
    cache_file: Path | None = None  # where the mechanism forecasts were cached
    cached: bool = False  # True when they were read from that file rather than computed


def run_benchmark(data: Path | None = None, out: Path | None = None, *, seed: int = 0, n_boot: int = 1000,
                  n_rounds: int = 10, mechanisms: dict[str, dict[str, Any]] | None = None,
                  issues: list[DEUIssue] | None = None, on_start: Callable[[int], None] | None = None,
                  progress: Callable[[int], None] | None = None, cache: Path | None = None) -> BenchmarkResult:
    """Run every mechanism on every scorable DEU issue, score them with bootstrap intervals, calibrate and stack.

    With ``cache`` (a folder), the mechanism forecasts are read from / written to a file keyed by everything they
    depend on (see :mod:`sim.validation.cache`); scores, calibration and stacking are always recomputed.
    """
    issues = load_deu(data) if issues is None else issues
    if on_start:
        on_start(len(issues))
    mechanisms = benchmark_mechanisms() if mechanisms is None else mechanisms
    path = (forecast_cache.cache_file(cache, forecast_cache.cache_key(issues, mechanisms, n_rounds, seed))
            if cache is not None else None)
    preds = forecast_cache.load(path) if path is not None else None
    cached = preds is not None
    if preds is None:
        preds = predict_issues(issues, mechanisms, n_rounds=n_rounds, seed=seed, progress=progress)
        if path is not None:
            forecast_cache.save(preds, path)
    elif progress:
        progress(len(issues))
    partners = {}
    for method in mechanisms:
        values = preds.loc[preds["method"] == method, "prediction"].to_numpy(float)
        if values.size == len(issues) and np.isfinite(values).all():
            partners[method] = values
    cal = nested_cv(issues, partners, seed=seed, n_boot=n_boot)
    y = np.array([i.outcome for i in issues])
    wm = preds.loc[preds["method"] == BASELINE, "prediction"].to_numpy(float)
    stack = stacked_cv({BASELINE: wm, **partners}, y, [i.proposal_id for i in issues], seed=seed, n_boot=n_boot)
    meta = preds.drop_duplicates("issue").set_index("issue")[["proposal", "n_actors", "reference"]]
    extra = []
    for name, values in ((CALIBRATED, cal.predictions), (STACKED, stack.predictions)):
        rows = pd.DataFrame({"issue": [i.issue_id for i in issues], "outcome": y, "method": name,
                             "prediction": values, "error": ""}).join(meta, on="issue")
        extra.append(rows[preds.columns])
    preds = pd.concat([preds, *extra], ignore_index=True)
    scores = score_table(preds, n_boot=n_boot, seed=seed)
    files: dict[str, Path] = {}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        files["predictions"] = out / "predictions.csv"
        files["scores"] = out / "scores.csv"
        files["calibration"] = out / "calibration_folds.csv"
        files["stacking"] = out / "stacking.csv"
        files["stacking_weights"] = out / "stacking_weights.csv"
        files["plot"] = out / "deu_scores.png"
        preds.to_csv(files["predictions"], index=False)
        scores.to_csv(files["scores"], index=False)
        pd.DataFrame(cal.chosen).to_csv(files["calibration"], index=False)
        stack.summary().to_csv(files["stacking"], index=False)
        stack.weights.to_csv(files["stacking_weights"], index=False)
        plot_scores(scores, files["plot"])
    return BenchmarkResult(issues, preds, scores, cal, files, stack, path, cached)


def plot_scores(scores: pd.DataFrame, path: Path) -> None:
    """Mean absolute error and share within +-10 points per method, with 95% bootstrap intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = scores.dropna(subset=["mae"]).sort_values("mae", ascending=False)
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.38 * len(data) + 1.6), sharey=True)
    y = np.arange(len(data))
    for ax, key, label in ((axes[0], "mae", "mean absolute error (0-100 scale)"),
                           (axes[1], "within10", "share of issues within +-10 points")):
        mid = data[key].to_numpy(float)
        lo, hi = data[f"{key}_lo"].to_numpy(float), data[f"{key}_hi"].to_numpy(float)
        ax.errorbar(mid, y, xerr=[mid - lo, hi - mid], fmt="o", color="#1f4e79", ecolor="#7f9fbf", capsize=3)
        ax.set_xlabel(label)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, data["method"])
    fig.suptitle("DEU benchmark: forecasts vs adopted outcomes (95% bootstrap intervals)", fontsize=11)
    fig.text(0.01, 0.005, f"Data: {CITATION}", fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)
