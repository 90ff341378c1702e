"""Sobol/Saltelli design: SALib's Sobol sequence sampler and Sobol index estimator.

``samples`` is N (a power of 2); first/total-order indices cost N(D+2) points (N(2D+2) with
``options: {second_order: true}``). Indices come with bootstrap confidence intervals (``conf_level``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample


def _second(spec) -> bool:
    return bool(spec.options.get("second_order", False))


def block(spec) -> int:
    d = len(spec.parameters)
    return 2 * d + 2 if _second(spec) else d + 2


def sample(spec) -> np.ndarray:
    return sobol_sample.sample(spec.problem(), spec.samples, calc_second_order=_second(spec), seed=spec.seed)


def analyze(spec, X: np.ndarray, Y: np.ndarray) -> pd.DataFrame:
    """S1/ST with intervals from the complete Saltelli blocks (all of them once the sweep is finished)."""
    b = block(spec)
    ok = ~np.isnan(Y).reshape(-1, b).any(axis=1)
    if ok.sum() < 2:
        return pd.DataFrame()
    y = Y.reshape(-1, b)[ok].ravel()
    if np.nanstd(y) == 0:
        return pd.DataFrame()
    res = sobol_analyze.analyze(spec.problem(), y, calc_second_order=_second(spec),
                                num_resamples=int(spec.options.get("num_resamples", 200)),
                                conf_level=float(spec.options.get("conf_level", 0.95)), seed=spec.seed)
    df = pd.DataFrame({"parameter": spec.names, "S1": res["S1"], "S1_conf": res["S1_conf"],
                       "ST": res["ST"], "ST_conf": res["ST_conf"]})
    df.attrs["blocks_used"] = int(ok.sum())
    return df
