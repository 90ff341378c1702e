"""The honest words of a sweep report: when seed noise dominates a plane, when an output is too flat for Sobol
indices to mean anything, why a discovery section is empty, and the 95% band of a one-parameter sweep."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.core.intervals import Z95, wilson_interval
from sim.sweeps.outputs import Output

NOISE_DOMINATES = 0.5  # the seed's share of variance above which differences between cells are mostly noise
FLAT_SD = 0.01  # an output whose standard deviation is under 1% of its natural range counts as constant
WIDE_INTERVAL = 0.5  # index intervals wider than this (half-width) are not informative


def _seed_row(res: Any, output: str) -> pd.Series | None:
    table = res.seed_share
    if table.empty or output not in set(table["output"]):
        return None
    return table[table["output"] == output].iloc[0]


def seed_note(res: Any, output: str) -> str:
    """A sentence when seed noise dominates ``output`` (from the seed's share of variance), else ''."""
    row = _seed_row(res, output)
    if row is None:
        return ""
    share, noise = row["seed_share_runs"], row["noise_in_means"]
    if not (share > NOISE_DOMINATES or noise > NOISE_DOMINATES):
        return ""
    parts = [f"Seed noise dominates: the seed explains {share:.0%} of the run-to-run variance of {output}"]
    reps = int(row["replications"])
    if noise == noise and noise >= 1:  # the estimate exceeds the observed spread: no structure left to see
        parts.append(f"and the cell means spread no more than seed noise alone would make them after averaging "
                     f"{reps} replications (estimated noise {noise:.2f} times their variance)")
    elif noise == noise:  # not NaN
        parts.append(f"and {noise:.0%} of the variance between the cell means is still noise after averaging "
                     f"{reps} replications")
    return " ".join(parts) + ". Differences between neighbouring cells are mostly noise, not structure."


def flat_output_warning(spec: Any, res: Any, output: str, table: pd.DataFrame, scenario: Any = None,
                        mean: float | None = None) -> str:
    """A warning when Sobol indices of ``output`` cannot mean anything: the output barely varies, or the
    intervals are too wide to read. '' when the indices look usable. ``mean``: the output's mean over points."""
    from sim.plots.labels import natural_range

    row = _seed_row(res, output)
    span = natural_range(output, scenario)
    width = (span[1] - span[0]) if span else None
    if row is not None:
        sd = math.sqrt(row["total_variance"]) if row["total_variance"] == row["total_variance"] else 0.0
        if width and sd < FLAT_SD * width:
            return (f"{output} is nearly constant (standard deviation {sd:.3g} over all runs, under "
                    f"{FLAT_SD:.0%} of its range {width:g}): Sobol indices divide by almost nothing, so the bars "
                    "and their intervals below are not meaningful.")
    widest = float(np.nanmax(table[["S1_conf", "ST_conf"]].to_numpy(float))) if len(table) else np.nan
    if widest > WIDE_INTERVAL:
        rare = output.startswith("P(") and mean is not None and not 0.02 < mean < 0.98
        why = (f"{output} is nearly constant ({mean:.1%} of runs on average), so its variance rests on a handful "
               "of runs" if rare else "too few samples for this output")
        return (f"{why}: the 95% intervals of the indices reach +/-{widest:.2f}, so read the bars (clipped to "
                "-0.25..1.25) as unreliable.")
    return ""


def interval_columns(points: pd.DataFrame, output: Output) -> pd.DataFrame:
    """Per point: ``mean``, ``low``, ``high`` of ``output`` (Wilson for shares, normal for means)."""
    out = points.copy()
    n = out["n"].to_numpy(float)
    mean = out[output.name].to_numpy(float)
    if output.fn == "P":
        bounds = [wilson_interval(int(round(m * k)), int(k)) if k > 0 and m == m else (np.nan, np.nan)
                  for m, k in zip(mean, n, strict=True)]
        low, high = (np.array(b) for b in zip(*bounds, strict=True)) if bounds else (mean, mean)
    else:
        var = out[f"{output.name}__var"].to_numpy(float) * n / np.maximum(n - 1, 1)  # population -> sample
        half = Z95 * np.sqrt(var / np.maximum(n, 1))
        low, high = mean - half, mean + half
    return out.assign(mean=mean, low=low, high=high)


def discovery_absent(spec: Any, store: Any, disc: Any) -> str:
    """Why there is no discovery box to show ('' when the sweep has no discovery target at all)."""
    if disc is None:
        if spec.discovery is None and not _has_categories(store):
            return ""
        n_points = int(store.sql("SELECT COUNT(DISTINCT point) FROM runs").fetchone()[0]) \
            if store.has_parts(store.generation) else 0
        if n_points < 10:
            return (f"No scenario discovery: it needs at least 10 complete design points to fit a tree; this sweep "
                    f"has {n_points}.")
        return "No scenario discovery: no target could be evaluated on these runs."
    if disc.base_rate <= 0:
        return (f"No scenario discovery: `{disc.target}` happens in none of the runs at any design point, so "
                "there is no region of the parameter space to find. Widen the ranges or choose another target "
                "(`discovery:` in the sweep file).")
    if disc.base_rate >= 1:
        return (f"No scenario discovery: `{disc.target}` happens in every run at every design point, so no region "
                "stands out. Choose a rarer target (`discovery:` in the sweep file).")
    return f"No scenario discovery: the regression tree found no split that separates `{disc.target}`."


def _has_categories(store: Any) -> bool:
    if not store.has_parts(store.generation):
        return False
    return any(c[0].startswith("category.") for c in store.sql("DESCRIBE runs").fetchall())
