"""Morris elementary-effects screening through SALib: ``samples`` trajectories, r(D+1) points."""

from __future__ import annotations

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample


def _levels(spec) -> int:
    return int(spec.options.get("levels", 4))


def sample(spec) -> np.ndarray:
    return morris_sample.sample(spec.problem(), spec.samples, num_levels=_levels(spec), seed=spec.seed)


def analyze(spec, X: np.ndarray, Y: np.ndarray) -> pd.DataFrame:
    """mu, mu*, sigma and the mu* interval from the complete trajectories."""
    t = len(spec.parameters) + 1
    ok = ~np.isnan(Y).reshape(-1, t).any(axis=1)
    if ok.sum() < 2:
        return pd.DataFrame()
    rows = np.repeat(ok, t)
    res = morris_analyze.analyze(spec.problem(), X[rows], Y[rows], num_levels=_levels(spec),
                                 num_resamples=int(spec.options.get("num_resamples", 200)),
                                 conf_level=float(spec.options.get("conf_level", 0.95)), seed=spec.seed)
    df = pd.DataFrame({"parameter": spec.names, "mu": res["mu"], "mu_star": res["mu_star"],
                       "sigma": res["sigma"], "mu_star_conf": res["mu_star_conf"]})
    df.attrs["trajectories_used"] = int(ok.sum())
    return df
