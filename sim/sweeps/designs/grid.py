"""Full factorial grid (hand-built: the Cartesian product of each parameter's levels).

A range parameter gets ``samples`` evenly spaced levels. SALib has no estimator for general grids, so the
analysis is the main-effect table: the mean outcome at each level of each parameter, and its spread.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd


def levels(spec) -> list[np.ndarray]:
    return [np.asarray(p.levels, float) if p.levels is not None
            else np.linspace(p.low, p.high, spec.samples) for p in spec.parameters]


def sample(spec) -> np.ndarray:
    return np.array(list(itertools.product(*levels(spec))), dtype=float)


def analyze(spec, X: np.ndarray, Y: np.ndarray) -> pd.DataFrame:
    ok = ~np.isnan(Y)
    rows = []
    for j, name in enumerate(spec.names):
        means = pd.Series(Y[ok]).groupby(X[ok, j]).mean()
        if len(means) == 0:
            continue
        rows.append({"parameter": name, "effect_range": float(means.max() - means.min()),
                     "lowest_level_mean": float(means.iloc[0]), "highest_level_mean": float(means.iloc[-1]),
                     "levels": len(means)})
    return pd.DataFrame(rows).sort_values("effect_range", ascending=False, ignore_index=True) if rows \
        else pd.DataFrame()
