"""One-at-a-time design (hand-built; SALib has none): every parameter swept alone around the baseline.

Point 0 is the baseline (each parameter at its ``baseline`` or mid-range); then, for each parameter,
``samples`` evenly spaced values over its range (or its ``levels``) with the others at baseline. The analysis
is the tornado table: outcome at the low and high end of each parameter and the swing between them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _values(spec, p) -> np.ndarray:
    return np.asarray(p.levels, float) if p.levels is not None else np.linspace(p.low, p.high, spec.samples)


def sample(spec) -> np.ndarray:
    base = np.array([p.centre for p in spec.parameters], dtype=float)
    rows = [base]
    for j, p in enumerate(spec.parameters):
        for v in _values(spec, p):
            r = base.copy()
            r[j] = v
            rows.append(r)
    return np.vstack(rows)


def analyze(spec, X: np.ndarray, Y: np.ndarray) -> pd.DataFrame:
    base_y = Y[0]
    rows, i = [], 1
    for j, p in enumerate(spec.parameters):
        n = len(_values(spec, p))
        ys, xs = Y[i:i + n], X[i:i + n, j]
        i += n
        if np.isnan(ys[0]) or np.isnan(ys[-1]):
            continue
        rows.append({"parameter": p.path, "low": float(xs[0]), "high": float(xs[-1]), "baseline": float(base_y),
                     "output_low": float(ys[0]), "output_high": float(ys[-1]),
                     "swing": float(abs(ys[-1] - ys[0])), "range": float(np.nanmax(ys) - np.nanmin(ys))})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True) if rows \
        else pd.DataFrame()
