"""RBD-FAST first-order indices, vectorised over bootstrap resamples (what ``lhs`` sweeps report).

The estimator of Tarantola, Gatelli and Mara (2006, doi:10.1016/j.ress.2005.06.003) in Plischke's form (2010,
doi:10.1016/j.ress.2009.11.005): order the outputs by one input, going up through the even ranks and back down
through the odd ones, and read the share of the variance that sits in the first ``M`` harmonics of the
periodogram; then remove the bias of Tissot and Prieur (2012, doi:10.1016/j.ress.2012.06.010),
``S1 - l / (1 - l) * (1 - S1)`` with ``l = 2M / N``. The interval is a bootstrap on half-size resamples drawn
with replacement, ``z * sd``, as in SALib's ``SALib.analyze.rbd_fast`` (Herman and Usher 2017): this module
draws the same resamples from the same seed, so the indices and intervals equal SALib's to rounding
(``tests/test_sweep_rbd_fast.py``). SALib computes one scipy periodogram per parameter and resample (200 x D
calls, ~12 s for ten parameters); here each parameter's resamples go through one FFT.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from sim.core.seeds import replication_generator

M_HARMONICS = 10
_BLOCK = 2_000_000  # values per FFT block (bounds memory on very large designs)


def first_order(x: np.ndarray, y: np.ndarray, m: int = M_HARMONICS) -> np.ndarray:
    """Bias-corrected S1 of ``y`` on ``x`` along the last axis (any leading axes are independent samples)."""
    n = x.shape[-1]
    order = np.argsort(x, axis=-1)
    order = np.concatenate([order[..., ::2], order[..., 1::2][..., ::-1]], axis=-1)
    ys = np.take_along_axis(y, order, axis=-1)
    ys = ys - ys.mean(axis=-1, keepdims=True)
    power = np.abs(np.fft.rfft(ys, axis=-1)) ** 2
    weight = np.full(power.shape[-1], 2.0)  # one-sided spectrum: every harmonic twice, but the mean and Nyquist
    weight[0] = 0.0
    if n % 2 == 0:
        weight[-1] = 1.0
    power = power * weight
    s1 = power[..., 1:m + 1].sum(axis=-1) / power[..., 1:].sum(axis=-1)
    lam = 2 * m / n
    return s1 - lam / (1 - lam) * (1 - s1)


def analyze(X: np.ndarray, Y: np.ndarray, num_resamples: int = 100, conf_level: float = 0.95,
            seed: int | None = None, m: int = M_HARMONICS) -> dict[str, np.ndarray]:
    """``S1`` and ``S1_conf`` (half-width of the ``conf_level`` interval) of each column of ``X``."""
    rng = replication_generator(seed)  # default_rng(seed), the stream SALib's rbd_fast draws its resamples from
    n, d = X.shape
    half = int(n * 0.5)
    z = NormalDist().inv_cdf(0.5 + conf_level / 2.0)
    s1, conf = np.empty(d), np.empty(d)
    block = max(1, _BLOCK // max(half, 1))
    for i in range(d):
        s1[i] = first_order(X[:, i], Y, m)
        idx = np.stack([rng.choice(n, replace=True, size=half) for _ in range(num_resamples)])  # SALib's draws
        boot = np.concatenate([first_order(X[idx[b:b + block], i], Y[idx[b:b + block]], m)
                               for b in range(0, num_resamples, block)])
        conf[i] = z * boot.std(ddof=1)
    return {"S1": s1, "S1_conf": conf}
