"""An honest attempt to beat the weighted mean: a small model family chosen by nested cross-validation.

The family (fixed before looking at test folds) generalises the compromise model's weights and blends it with
a mechanism's forecast:

    forecast = (1 - mu) * WM(alpha, beta) + mu * M,    WM(alpha, beta) = sum_i c_i^alpha s_i^beta x_i / sum (...)

with alpha in {0, 0.5, 1, 1.5, 2} (how much capability counts), beta in {0, 0.5, 1, 2, 3} (how much salience
counts) and mu in {0, 0.25, 0.5, 0.75, 1} (weight of the mechanism M; every mechanism given, with a forecast on
every issue, is a candidate partner). alpha = beta = 1, mu = 0 is the plain compromise model.

Issues are split into ``folds`` groups *by proposal* (issues of one proposal never straddle training and test);
in each fold the candidate with the lowest training MAE predicts the held-out issues, so every reported error is
out of sample. A paired bootstrap over issues gives the interval of the difference to the plain weighted mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
import pandas as pd

from sim.validation.deu import DEUIssue

ALPHAS = (0.0, 0.5, 1.0, 1.5, 2.0)
BETAS = (0.0, 0.5, 1.0, 2.0, 3.0)
MUS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass
class CalibrationResult:
    predictions: np.ndarray  # (n_issues,) out-of-fold forecasts
    chosen: list[dict[str, float | str]]  # candidate picked in each fold
    mae: float
    baseline_mae: float
    diff_ci: tuple[float, float]  # 95% interval of MAE(calibrated) - MAE(weighted mean)
    table: pd.DataFrame  # per-issue predictions


def weighted_means(issues: list[DEUIssue], alpha: float, beta: float) -> np.ndarray:
    out = np.empty(len(issues))
    for k, issue in enumerate(issues):
        w = issue.capability ** alpha * issue.salience ** beta
        out[k] = np.dot(w, issue.position) / w.sum() if w.sum() > 0 else issue.position.mean()
    return out


def candidates(issues: list[DEUIssue], mechanisms: dict[str, np.ndarray] | None = None
               ) -> tuple[np.ndarray, list[dict[str, float | str]]]:
    """(n_issues, K) candidate forecasts and their descriptions; every mechanism is a possible blend partner."""
    cols, desc = [], []
    for alpha, beta in product(ALPHAS, BETAS):
        wm = weighted_means(issues, alpha, beta)
        cols.append(wm)
        desc.append({"alpha": alpha, "beta": beta, "mu": 0.0, "mechanism": ""})
        for name, forecast in (mechanisms or {}).items():
            for mu in MUS[1:]:
                cols.append((1 - mu) * wm + mu * np.asarray(forecast, dtype=float))
                desc.append({"alpha": alpha, "beta": beta, "mu": mu, "mechanism": name})
    return np.column_stack(cols), desc


def fold_ids(groups: list[str], folds: int, seed: int | np.random.SeedSequence) -> np.ndarray:
    """Fold number per issue; whole groups (proposals) are assigned to folds at random (seeded by an int or a
    SeedSequence)."""
    unique = list(dict.fromkeys(groups))
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    perm = np.random.default_rng(seq).permutation(len(unique))
    fold_of = {unique[g]: int(rank % folds) for rank, g in enumerate(perm)}
    return np.array([fold_of[g] for g in groups])


def nested_cv(issues: list[DEUIssue], mechanisms: dict[str, np.ndarray] | None = None, *,
              folds: int = 10, seed: int = 0, n_boot: int = 1000) -> CalibrationResult:
    """Out-of-fold forecasts of the calibrated family and their comparison with the weighted mean."""
    y = np.array([i.outcome for i in issues])
    cand, desc = candidates(issues, mechanisms)
    fid = fold_ids([i.proposal_id for i in issues], folds, seed)
    pred = np.empty(len(issues))
    chosen = []
    for f in range(folds):
        train, test = fid != f, fid == f
        if not test.any():
            continue
        best = int(np.argmin(np.abs(cand[train] - y[train, None]).mean(axis=0)))
        pred[test] = cand[test, best]
        chosen.append({"fold": f, **desc[best]})
    base = weighted_means(issues, 1.0, 1.0)
    err, base_err = np.abs(pred - y), np.abs(base - y)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    idx = rng.integers(0, y.size, size=(n_boot, y.size))
    diff = err[idx].mean(axis=1) - base_err[idx].mean(axis=1)
    table = pd.DataFrame({"issue": [i.issue_id for i in issues], "fold": fid, "outcome": y,
                          "calibrated": pred, "weighted_mean": base})
    return CalibrationResult(pred, chosen, float(err.mean()), float(base_err.mean()),
                             (float(np.quantile(diff, 0.025)), float(np.quantile(diff, 0.975))), table)
