"""The vectorised RBD-FAST estimator (sim/sweeps/designs/rbd_fast.py) equals SALib's ``rbd_fast`` with the same
seed: indices and bootstrap intervals, on the Ishigami function and on a noisy linear model, odd and even sizes."""

from __future__ import annotations

import numpy as np
import pytest
from SALib.analyze import rbd_fast as salib_rbd_fast
from SALib.sample import latin
from SALib.test_functions import Ishigami

from sim.sweeps.designs import rbd_fast

PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


@pytest.mark.parametrize("n", [300, 301])
@pytest.mark.parametrize("model", ["ishigami", "linear"])
def test_same_indices_and_intervals_as_salib(n, model):
    X = latin.sample(PROBLEM, n, seed=4)
    if model == "ishigami":
        Y = Ishigami.evaluate(X)
    else:
        Y = X @ np.array([1.0, 0.5, 0.0]) + np.random.default_rng(1).normal(0, 0.3, n)
    want = salib_rbd_fast.analyze(PROBLEM, X, Y, num_resamples=40, conf_level=0.9, seed=11)
    got = rbd_fast.analyze(X, Y, num_resamples=40, conf_level=0.9, seed=11)
    np.testing.assert_allclose(got["S1"], want["S1"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(got["S1_conf"], want["S1_conf"], rtol=0, atol=1e-10)


def test_block_size_does_not_change_the_intervals(monkeypatch):
    X = latin.sample(PROBLEM, 200, seed=2)
    Y = Ishigami.evaluate(X)
    whole = rbd_fast.analyze(X, Y, num_resamples=30, seed=5)
    monkeypatch.setattr(rbd_fast, "_BLOCK", 250)  # a few resamples per FFT block
    np.testing.assert_allclose(rbd_fast.analyze(X, Y, num_resamples=30, seed=5)["S1_conf"], whole["S1_conf"])
