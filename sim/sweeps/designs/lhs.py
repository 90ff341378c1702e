"""Latin hypercube design: SALib's ``latin`` sampler; first-order indices by RBD-FAST (:mod:`.rbd_fast`, the
estimator of SALib's ``rbd_fast`` with the same draws, vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import rbd_fast


def sample(spec) -> np.ndarray:
    from SALib.sample import latin  # SALib loads only to sample (a report of an LHS sweep does not need it)

    return latin.sample(spec.problem(), spec.samples, seed=spec.seed)


def analyze(spec, X: np.ndarray, Y: np.ndarray) -> pd.DataFrame:
    ok = ~np.isnan(Y)
    if ok.sum() < 20 or np.std(Y[ok]) == 0:
        return pd.DataFrame()
    res = rbd_fast.analyze(X[ok], Y[ok], num_resamples=int(spec.options.get("num_resamples", 200)),
                           conf_level=float(spec.options.get("conf_level", 0.95)), seed=spec.seed)
    return pd.DataFrame({"parameter": spec.names, "S1": res["S1"], "S1_conf": res["S1_conf"]})
