"""A stacked ensemble of the DEU forecasts, scored out of sample against the weighted mean.

Stacking (Wolpert 1992, "Stacked generalization", *Neural Networks* 5:241-259; Breiman 1996, "Stacked
regressions", *Machine Learning* 24:49-64) combines several forecasters with weights fitted to outcomes the
combination is not later judged on. Breiman showed that constraining the weights to be non-negative is what
keeps the combination from overfitting; here they are also constrained to sum to one, so the ensemble is a convex
combination of its inputs and stays on the 0-100 scale. Because the benchmark's score is the mean absolute error,
the weights minimise the absolute (not squared) training error, a linear programme:

    min_w  sum_i |y_i - sum_k w_k F_ik|   subject to  w_k >= 0,  sum_k w_k = 1.

The inputs ``F`` are the salience x capability weighted mean and every mechanism's forecast (fixed in advance: all
mechanisms of the table with a forecast on every issue; exact duplicates, such as ``compromise`` of the weighted
mean, are dropped). The mechanisms are not fitted to outcomes, so their forecasts need no inner out-of-fold step;
the weights are the only thing learnt. They are learnt by ``folds``-fold cross-validation with **folds by
legislative proposal**: the weights that predict a fold are fitted on the other folds only, so no proposal has
issues on both sides. The paired difference MAE(ensemble) - MAE(weighted mean) gets a percentile bootstrap
interval that resamples whole proposals (issues of one proposal are not independent). Fold assignment and the
bootstrap draw from two streams spawned from one ``SeedSequence(seed)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from sim.validation.calibrate import fold_ids

BASELINE = "weighted_mean"
STACKED = "stacked (CV)"


@dataclass
class StackingResult:
    """Out-of-fold ensemble forecasts, the weights of every fold and the comparison with the weighted mean."""

    inputs: list[str]  # ensemble inputs (columns of the forecast matrix), the baseline first
    predictions: np.ndarray  # (n_issues,) out-of-fold ensemble forecasts
    folds: np.ndarray  # (n_issues,) fold of each issue
    weights: pd.DataFrame  # one row per fold: fold, n_train, n_test, one column per input
    mae: float
    baseline_mae: float
    diff: float  # MAE(ensemble) - MAE(weighted mean), out of sample
    diff_ci: tuple[float, float]  # 95% bootstrap interval of diff, resampling proposals
    n_proposals: int

    def summary(self) -> pd.DataFrame:
        """One-row table for the CSV output."""
        mean_w = self.weights[self.inputs].mean()
        top = ", ".join(f"{k} {v:.2f}" for k, v in mean_w.sort_values(ascending=False).items() if v >= 0.01)
        return pd.DataFrame([{
            "method": STACKED, "baseline": BASELINE, "n_issues": self.predictions.size,
            "n_proposals": self.n_proposals, "folds": len(self.weights), "mae": self.mae,
            "baseline_mae": self.baseline_mae, "diff": self.diff, "diff_lo": self.diff_ci[0],
            "diff_hi": self.diff_ci[1], "mean_weights": top}])


def fit_weights(forecasts: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Non-negative weights summing to one that minimise the total absolute error (a linear programme).

    Variables are the K weights and one slack u_i >= |y_i - F_i w| per issue; the solution is deterministic
    (HiGHS). Tiny negative round-off is clipped and the weights renormalised.
    """
    n, k = forecasts.shape
    if n == 0:
        return np.full(k, 1.0 / k)
    cost = np.concatenate([np.zeros(k), np.ones(n)])
    eye = np.eye(n)
    a_ub = np.block([[forecasts, -eye], [-forecasts, -eye]])  # F w - y <= u and y - F w <= u
    b_ub = np.concatenate([outcome, -outcome])
    a_eq = np.concatenate([np.ones(k), np.zeros(n)])[None, :]
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                  bounds=[(0.0, None)] * (k + n), method="highs")
    if not res.success:  # cannot happen for a feasible, bounded LP; fall back to the baseline column
        w = np.zeros(k)
        w[0] = 1.0
        return w
    w = np.clip(res.x[:k], 0.0, None)
    return w / w.sum()


def distinct_inputs(forecasts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The baseline first, then every input with finite values that is not an exact copy of an earlier one."""
    ordered = {BASELINE: forecasts[BASELINE], **{k: v for k, v in forecasts.items() if k != BASELINE}}
    kept: dict[str, np.ndarray] = {}
    for name, values in ordered.items():
        values = np.asarray(values, dtype=float)
        if not np.isfinite(values).all():
            continue
        if any(np.allclose(values, other, rtol=0.0, atol=1e-9) for other in kept.values()):
            continue
        kept[name] = values
    return kept


def proposal_bootstrap(diff: np.ndarray, groups: list[str], n_boot: int, rng: np.random.Generator,
                       level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of the mean of ``diff`` over issues when whole groups (proposals) are resampled."""
    codes, labels = pd.factorize(pd.Series(groups))
    sums = np.bincount(codes, weights=diff)
    sizes = np.bincount(codes).astype(float)
    if n_boot <= 0:
        return (float("nan"), float("nan"))
    draw = rng.integers(0, labels.size, size=(n_boot, labels.size))
    means = sums[draw].sum(axis=1) / sizes[draw].sum(axis=1)
    lo = (1 - level) / 2
    return float(np.quantile(means, lo)), float(np.quantile(means, 1 - lo))


def stacked_cv(forecasts: dict[str, np.ndarray], outcome: np.ndarray, proposals: list[str], *, folds: int = 10,
               seed: int = 0, n_boot: int = 1000) -> StackingResult:
    """Cross-validated stacking of ``forecasts`` (name -> per-issue forecast; must contain ``weighted_mean``).

    Every fold's forecasts come from weights fitted on the other folds; the result compares them with the
    weighted mean on the same issues.
    """
    if BASELINE not in forecasts:
        raise ValueError(f"stacking needs the '{BASELINE}' forecast among its inputs")
    y = np.asarray(outcome, dtype=float)
    inputs = distinct_inputs(forecasts)
    names = list(inputs)
    matrix = np.column_stack([inputs[k] for k in names])
    fold_seq, boot_seq = np.random.SeedSequence(seed).spawn(2)
    fid = fold_ids(list(proposals), folds, fold_seq)
    pred = np.full(y.size, np.nan)
    rows = []
    for f in range(folds):
        train, test = fid != f, fid == f
        if not test.any():
            continue
        w = fit_weights(matrix[train], y[train])
        pred[test] = matrix[test] @ w
        rows.append({"fold": f, "n_train": int(train.sum()), "n_test": int(test.sum()),
                     **dict(zip(names, w, strict=True))})
    err, base_err = np.abs(pred - y), np.abs(matrix[:, 0] - y)
    ci = proposal_bootstrap(err - base_err, list(proposals), n_boot, np.random.default_rng(boot_seq))
    return StackingResult(names, pred, fid, pd.DataFrame(rows), float(err.mean()), float(base_err.mean()),
                          float(err.mean() - base_err.mean()), ci, len(set(proposals)))
