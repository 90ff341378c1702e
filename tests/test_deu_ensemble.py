"""Stacked ensemble of DEU forecasts (sim/validation/ensemble.py) and the forecast cache, on small synthetic data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.validation import cache as forecast_cache
from sim.validation.calibrate import fold_ids
from sim.validation.deu import DEUIssue
from sim.validation.ensemble import STACKED, distinct_inputs, fit_weights, proposal_bootstrap, stacked_cv
from sim.validation.report import run_benchmark


def synthetic(n_props: int = 12, per: int = 3, seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray, list[str]]:
    """Outcomes, a noisy weighted mean, a better and a useless forecaster; proposals of ``per`` issues each."""
    rng = np.random.default_rng(seed)
    n = n_props * per
    y = rng.uniform(0, 100, n)
    forecasts = {"weighted_mean": np.clip(y + rng.normal(0, 20, n), 0, 100),
                 "good": np.clip(y + rng.normal(0, 8, n), 0, 100),
                 "noise": rng.uniform(0, 100, n)}
    return forecasts, y, [f"p{k // per}" for k in range(n)]


@settings(max_examples=25)
@given(st.integers(2, 6), st.integers(3, 40), st.integers(0, 2**32 - 1))
def test_weights_are_on_the_simplex(k, n, seed):
    rng = np.random.default_rng(seed)
    w = fit_weights(rng.uniform(0, 100, (n, k)), rng.uniform(0, 100, n))
    assert w.shape == (k,) and (w >= 0).all() and w.sum() == pytest.approx(1.0)


def test_the_true_input_gets_all_the_weight():
    rng = np.random.default_rng(3)
    y = rng.uniform(0, 100, 60)
    matrix = np.column_stack([rng.uniform(0, 100, 60), y, y + rng.normal(0, 10, 60)])
    w = fit_weights(matrix, y)
    assert w[1] == pytest.approx(1.0, abs=1e-6)


def test_weights_minimise_training_absolute_error():
    forecasts, y, _ = synthetic()
    matrix = np.column_stack(list(forecasts.values()))
    w = fit_weights(matrix, y)
    best = np.abs(matrix @ w - y).sum()
    rng = np.random.default_rng(0)
    for other in rng.dirichlet(np.ones(3), size=200):  # no point of the simplex does better
        assert best <= np.abs(matrix @ other - y).sum() + 1e-6


@settings(max_examples=8)
@given(st.integers(0, 4), st.integers(0, 2**32 - 1))
def test_test_fold_outcomes_never_reach_its_forecasts(fold, perm_seed):
    forecasts, y, props = synthetic(n_props=20)
    base = stacked_cv(forecasts, y, props, folds=5, seed=4, n_boot=0)
    test = base.folds == fold
    changed = y.copy()
    changed[test] = np.random.default_rng(perm_seed).permutation(y[test])
    shifted = y.copy()
    shifted[test] = 100.0 - y[test]
    for outcome in (changed, shifted):
        other = stacked_cv(forecasts, outcome, props, folds=5, seed=4, n_boot=0)
        np.testing.assert_array_equal(other.folds, base.folds)
        np.testing.assert_allclose(other.predictions[test], base.predictions[test], atol=1e-9)


def test_folds_keep_proposals_together_and_every_issue_is_predicted():
    forecasts, y, props = synthetic()
    res = stacked_cv(forecasts, y, props, folds=5, seed=1, n_boot=100)
    assert np.isfinite(res.predictions).all()
    for p in set(props):
        assert len({f for f, q in zip(res.folds, props, strict=True) if q == p}) == 1
    weights = res.weights[res.inputs].to_numpy()
    assert (weights >= 0).all() and np.allclose(weights.sum(axis=1), 1.0)
    assert (res.weights["n_train"] + res.weights["n_test"] == y.size).all()
    # the informative forecaster is found out of sample, and the difference reads the same as the MAEs
    assert res.mae < res.baseline_mae and res.diff == pytest.approx(res.mae - res.baseline_mae)
    assert res.diff_ci[0] <= res.diff <= res.diff_ci[1] < 0


def test_same_seed_same_numbers_and_seed_drives_folds():
    forecasts, y, props = synthetic()
    one, two = (stacked_cv(forecasts, y, props, seed=7, n_boot=200) for _ in range(2))
    np.testing.assert_array_equal(one.predictions, two.predictions)
    assert one.diff_ci == two.diff_ci
    pd.testing.assert_frame_equal(one.summary(), two.summary())
    other = stacked_cv(forecasts, y, props, seed=8, n_boot=200)
    assert not np.array_equal(one.folds, other.folds)


def test_fold_ids_accepts_a_seed_sequence():
    groups = [f"p{k}" for k in range(30)]
    seq = np.random.SeedSequence(5)
    np.testing.assert_array_equal(fold_ids(groups, 4, seq), fold_ids(groups, 4, np.random.SeedSequence(5)))


def test_duplicates_and_non_finite_inputs_are_dropped():
    x = np.array([1.0, 2.0, 3.0])
    kept = distinct_inputs({"a": x + 1, "weighted_mean": x, "copy": x.copy(), "bad": np.array([1, np.nan, 2])})
    assert list(kept) == ["weighted_mean", "a"]
    with pytest.raises(ValueError, match="weighted_mean"):
        stacked_cv({"a": x}, x, ["p", "p", "q"])


def test_proposal_bootstrap_resamples_whole_proposals():
    diff = np.array([1.0, 1.0, -3.0, 5.0])
    lo, hi = proposal_bootstrap(diff, ["a", "a", "b", "c"], 500, np.random.default_rng(0))
    # every resample is a size-weighted mean of proposal means 1, -3 and 5
    assert -3.0 <= lo <= hi <= 5.0
    same = proposal_bootstrap(np.full(4, 2.0), ["a", "a", "b", "c"], 50, np.random.default_rng(0))
    assert same == pytest.approx((2.0, 2.0))


def small_issues(n_props: int = 6, per: int = 2) -> list[DEUIssue]:
    rng = np.random.default_rng(11)
    issues = []
    for k in range(n_props * per):
        pos = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], 4)
        issues.append(DEUIssue(issue_id=f"i{k}", proposal=f"law {k // per}", proposal_id=str(k // per),
                               actors=("com", "ep", "de", "fr"), position=pos, salience=rng.uniform(0.2, 1, 4),
                               capability=np.array([4.1, 4.1, 4.1, 2.8]), reference=float(rng.choice([0, 100])),
                               outcome=float(rng.uniform(0, 100))))
    return issues


def test_benchmark_writes_stacking_and_reuses_cached_forecasts(tmp_path: Path):
    issues = small_issues()
    mechs = {"compromise": {}, "bdm": {"rounds": 2}}
    first = run_benchmark(out=tmp_path / "a", issues=issues, mechanisms=mechs, n_boot=50,
                          cache=tmp_path / "cache")
    assert not first.cached and first.cache_file is not None and first.cache_file.is_file()
    second = run_benchmark(out=tmp_path / "b", issues=issues, mechanisms=mechs, n_boot=50,
                           cache=tmp_path / "cache")
    assert second.cached and second.cache_file == first.cache_file
    pd.testing.assert_frame_equal(first.predictions, second.predictions)
    pd.testing.assert_frame_equal(first.scores, second.scores)
    assert STACKED in set(first.scores["method"])
    summary = pd.read_csv(first.files["stacking"])
    assert summary.loc[0, "mae"] == pytest.approx(first.stacking.mae)
    weights = pd.read_csv(first.files["stacking_weights"])
    assert set(first.stacking.inputs) <= set(weights.columns)
    # another mechanism set, seed or issue set is another key
    key = forecast_cache.cache_key(issues, mechs, 10, 0)
    assert key != forecast_cache.cache_key(issues, mechs, 10, 1)
    assert key != forecast_cache.cache_key(issues[:-1], mechs, 10, 0)
    assert key != forecast_cache.cache_key(issues, {"compromise": {}}, 10, 0)
