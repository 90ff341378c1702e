"""Forecast accuracy on known outcomes: absolute errors, hit shares, seeded bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

METRICS = ("mae", "median_ae", "within5", "within10")


def metrics(abs_err: np.ndarray) -> dict[str, float]:
    """Mean and median absolute error, share of issues within +-5 and +-10 points (axis -1 = issues)."""
    return {"mae": np.mean(abs_err, axis=-1), "median_ae": np.median(abs_err, axis=-1),
            "within5": np.mean(abs_err <= 5.0, axis=-1), "within10": np.mean(abs_err <= 10.0, axis=-1)}


def bootstrap(abs_err: np.ndarray, n_boot: int, rng: np.random.Generator,
              level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap interval of every metric, resampling issues with replacement."""
    idx = rng.integers(0, abs_err.size, size=(n_boot, abs_err.size))
    draws = metrics(abs_err[idx])
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    return {k: (float(np.quantile(v, lo)), float(np.quantile(v, hi))) for k, v in draws.items()}


def score_table(predictions: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per method: n scored issues, failures, each metric with its 95% interval.

    Issues where a method failed (NaN prediction) are counted in ``failed`` and left out of its scores.
    Each method's bootstrap uses its own stream spawned from ``seed`` in table order.
    """
    methods = list(dict.fromkeys(predictions["method"]))
    streams = np.random.SeedSequence(seed).spawn(len(methods))
    rows = []
    for method, stream in zip(methods, streams, strict=True):
        part = predictions[predictions["method"] == method]
        ok = part["prediction"].notna()
        err = np.abs(part.loc[ok, "prediction"].to_numpy(float) - part.loc[ok, "outcome"].to_numpy(float))
        row: dict[str, float | str | int] = {"method": method, "n": int(ok.sum()), "failed": int((~ok).sum())}
        if err.size:
            point = metrics(err)
            ci = bootstrap(err, n_boot, np.random.default_rng(stream)) if n_boot > 0 else {}
            for k in METRICS:
                row[k] = float(point[k])
                row[f"{k}_lo"], row[f"{k}_hi"] = ci.get(k, (np.nan, np.nan))
        rows.append(row)
    return pd.DataFrame(rows)
