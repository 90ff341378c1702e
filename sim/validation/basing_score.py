"""Scores for forecasts of the basing-rights benchmark: Brier score and log loss over the outcome states, MAE on
the 0-100 access scale, each with a percentile bootstrap interval that resamples **cases** (both horizons of a
case stay together, so the interval reflects the number of cases, not of rows).

A forecast is a table with one row per case and horizon: ``case``, ``horizon``, one probability column per state
label in :data:`sim.validation.basing.STATES` (``signed:new_terms``, ``breakdown:withdrawal``, ...) summing to 1,
and ``presence``, the expected presence on 0-100. A model's forecast is typically the share of its replications
ending in each state at months 12 and 36; :func:`sim.validation.basing.status_quo_baseline` and
:func:`~sim.validation.basing.base_rate_baseline` build the two naive ones.

* Brier score (Brier 1950), multi-category form: sum over states of (p_s - o_s)^2, o = one-hot recorded state;
  0 is perfect, 2 the worst.
* Log loss: -ln p(recorded state), p floored at :data:`LOG_FLOOR` so a confident miss costs ln(1000) = 6.91.
* MAE: |expected presence - recorded presence|.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.errors import SimError
from sim.validation.basing import STATES

LOG_FLOOR = 1e-3
METRICS = ("brier", "log_loss", "mae")
_TOL = 1e-6


class ForecastError(SimError):
    """A forecast table does not fit the benchmark (missing rows, bad probabilities)."""


def brier(probs: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Per-row multi-category Brier score; ``probs`` (n, K), ``observed`` (n,) indices of the recorded state."""
    onehot = np.zeros_like(probs)
    onehot[np.arange(len(observed)), observed] = 1.0
    return np.sum((probs - onehot) ** 2, axis=1)


def log_loss(probs: np.ndarray, observed: np.ndarray, floor: float = LOG_FLOOR) -> np.ndarray:
    """Per-row -ln p(recorded state), with p floored at ``floor``."""
    return -np.log(np.maximum(probs[np.arange(len(observed)), observed], floor))


@dataclass(frozen=True)
class Aligned:
    """Forecast and record matched row by row."""

    probs: np.ndarray  # (n, K)
    observed: np.ndarray  # (n,) state index
    presence_hat: np.ndarray  # (n,)
    presence: np.ndarray  # (n,)
    case_code: np.ndarray  # (n,) integer code of the row's case
    horizon: np.ndarray  # (n,)

    def losses(self) -> dict[str, np.ndarray]:
        return {"brier": brier(self.probs, self.observed), "log_loss": log_loss(self.probs, self.observed),
                "mae": np.abs(self.presence_hat - self.presence)}


def align(forecast: pd.DataFrame, recorded: pd.DataFrame) -> Aligned:
    """Match a forecast to the recorded table (``sim.validation.basing.recorded_table``); one row per case and
    horizon on both sides, probabilities in [0, 1] summing to 1, presence in [0, 100]."""
    missing = [c for c in ("case", "horizon", *STATES, "presence") if c not in forecast.columns]
    if missing:
        raise ForecastError(f"forecast table lacks columns {missing}")
    if forecast.duplicated(["case", "horizon"]).any():
        dup = forecast[forecast.duplicated(["case", "horizon"], keep=False)][["case", "horizon"]].values.tolist()
        raise ForecastError(f"forecast has several rows for {dup[:3]}")
    merged = recorded[["case", "horizon", "state", "presence"]].merge(
        forecast[["case", "horizon", *STATES, "presence"]], on=["case", "horizon"], how="left",
        suffixes=("", "_hat"), indicator=True)
    absent = merged[merged["_merge"] != "both"][["case", "horizon"]].values.tolist()
    if absent:
        raise ForecastError(f"forecast has no row for {len(absent)} case-horizons, e.g. {absent[:3]}")
    extra = set(map(tuple, forecast[["case", "horizon"]].values.tolist())) - set(
        map(tuple, recorded[["case", "horizon"]].values.tolist()))
    if extra:
        raise ForecastError(f"forecast has rows for unknown case-horizons, e.g. {sorted(extra)[:3]}")
    probs = merged[list(STATES)].to_numpy(float)
    bad = ~np.isfinite(probs).all(axis=1) | (probs < -_TOL).any(axis=1) | (probs > 1 + _TOL).any(axis=1) \
        | (np.abs(probs.sum(axis=1) - 1.0) > _TOL)
    if bad.any():
        rows = merged.loc[bad, ["case", "horizon"]].values.tolist()
        raise ForecastError(f"state probabilities must lie in [0, 1] and sum to 1; not so for {rows[:3]}")
    presence_hat = merged["presence_hat"].to_numpy(float)
    if not (np.isfinite(presence_hat) & (presence_hat >= 0) & (presence_hat <= 100)).all():
        raise ForecastError("forecast presence must be a number in [0, 100] on every row")
    observed = merged["state"].map({s: i for i, s in enumerate(STATES)}).to_numpy(int)
    case_code = pd.factorize(merged["case"])[0]
    return Aligned(np.clip(probs, 0.0, 1.0), observed, presence_hat, merged["presence"].to_numpy(float),
                   case_code, merged["horizon"].to_numpy(int))


def case_bootstrap(values: np.ndarray, case_code: np.ndarray, index: np.ndarray,
                   level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of the row mean of ``values`` when cases are drawn as in ``index`` (n_boot, n_cases):
    each draw averages all rows of the drawn cases."""
    n_cases = int(case_code.max()) + 1
    sums = np.bincount(case_code, weights=values, minlength=n_cases)
    counts = np.bincount(case_code, minlength=n_cases).astype(float)
    means = sums[index].sum(axis=1) / counts[index].sum(axis=1)
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    return float(np.quantile(means, lo)), float(np.quantile(means, hi))


def _draws(n_cases: int, n_boot: int, seed: np.random.SeedSequence) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n_cases, size=(n_boot, n_cases))


def score(forecast: pd.DataFrame, recorded: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0) -> dict[str, float]:
    """Every metric with its 95% case-bootstrap interval, over all rows of ``recorded`` (filter it first to
    score one horizon)."""
    aligned = align(forecast, recorded)
    n_cases = int(aligned.case_code.max()) + 1
    index = _draws(n_cases, n_boot, np.random.SeedSequence(seed)) if n_boot > 0 else None
    out: dict[str, float] = {"n_cases": n_cases, "n_rows": len(aligned.observed)}
    for name, values in aligned.losses().items():
        out[name] = float(values.mean())
        out[f"{name}_lo"], out[f"{name}_hi"] = (case_bootstrap(values, aligned.case_code, index)
                                                if index is not None else (np.nan, np.nan))
    return out


def score_table(forecasts: dict[str, pd.DataFrame], recorded: pd.DataFrame, *, n_boot: int = 1000,
                seed: int = 0) -> pd.DataFrame:
    """One row per forecast and horizon group (``all``, then each horizon). Within a group every forecast is
    scored on the same bootstrap draws of cases (a paired design), streams spawned from ``seed`` per group."""
    groups: list[tuple[str, pd.DataFrame]] = [("all", recorded)]
    groups += [(str(h), recorded[recorded["horizon"] == h]) for h in sorted(recorded["horizon"].unique())]
    streams = np.random.SeedSequence(seed).spawn(len(groups))
    rows = []
    for (label, part), stream in zip(groups, streams, strict=True):
        for name, forecast in forecasts.items():
            aligned = align(forecast[forecast["horizon"].isin(part["horizon"].unique())], part)
            n_cases = int(aligned.case_code.max()) + 1
            index = _draws(n_cases, n_boot, stream) if n_boot > 0 else None
            row: dict[str, float | str | int] = {"forecast": name, "horizon": label, "n_cases": n_cases}
            for metric, values in aligned.losses().items():
                row[metric] = float(values.mean())
                row[f"{metric}_lo"], row[f"{metric}_hi"] = (case_bootstrap(values, aligned.case_code, index)
                                                            if index is not None else (np.nan, np.nan))
            rows.append(row)
    return pd.DataFrame(rows)


def difference(forecast: pd.DataFrame, baseline: pd.DataFrame, recorded: pd.DataFrame, metric: str, *,
               n_boot: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """Mean of ``metric`` for ``forecast`` minus ``baseline`` (negative = forecast better) with a paired
    case-bootstrap 95% interval."""
    if metric not in METRICS:
        raise ForecastError(f"unknown metric '{metric}'; expected one of {METRICS}")
    a, b = align(forecast, recorded), align(baseline, recorded)
    diff = a.losses()[metric] - b.losses()[metric]
    index = _draws(int(a.case_code.max()) + 1, n_boot, np.random.SeedSequence(seed))
    lo, hi = case_bootstrap(diff, a.case_code, index)
    return float(diff.mean()), lo, hi
