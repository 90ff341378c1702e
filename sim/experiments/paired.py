"""Paired differences between two scenarios run on the same seeds (common random numbers).

Replication ``r`` of every scenario uses the same seed, so the two results of ``r`` form a pair and the
difference is estimated from the pairs, which is far tighter than comparing two independent samples.

- A difference of proportions (the share of runs in a category) gets Newcombe's hybrid score interval for
  paired data (Newcombe 1998, Statistics in Medicine 17:2635-2650, method 10; recommended by Fagerland,
  Lydersen & Laake 2014, Statistics in Medicine 33:2850-2875): Wilson intervals of the two proportions,
  combined with the correlation of the pairs.
- A difference of means gets the normal-approximation interval of the mean of the paired differences, over the
  pairs where both values exist (``agreement_round`` exists only in runs that agreed).
"""

from __future__ import annotations

import math

import numpy as np

from sim.core.intervals import Z95, mean_interval, wilson_interval


def paired_proportion_difference(x: np.ndarray, y: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """(difference, low, high) of P(y) - P(x) for paired 0/1 outcomes ``x`` and ``y`` of equal length."""
    x = np.asarray(x, dtype=bool)
    y = np.asarray(y, dtype=bool)
    if x.shape != y.shape:
        raise ValueError("paired outcomes need equal lengths")
    n = x.size
    if n == 0:
        return (math.nan, -1.0, 1.0)
    a = int(np.sum(x & y))  # both
    b = int(np.sum(~x & y))  # only y
    c = int(np.sum(x & ~y))  # only x
    d = n - a - b - c
    p1, p2 = (a + b) / n, (a + c) / n  # y's and x's proportion
    l1, u1 = wilson_interval(a + b, n, z)
    l2, u2 = wilson_interval(a + c, n, z)
    e, f, g, h = a + b, c + d, a + c, b + d
    denominator = e * f * g * h
    if denominator == 0:
        phi = 0.0
    else:
        cross = a * d - b * c
        phi = (max(cross - n / 2, 0.0) if cross > 0 else cross) / math.sqrt(denominator)
    theta = p1 - p2
    delta = math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    epsilon = math.sqrt(max((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0.0))
    return (theta, max(-1.0, theta - delta), min(1.0, theta + epsilon))


def paired_mean_difference(x: np.ndarray, y: np.ndarray, z: float = Z95) -> tuple[float, float, float, int]:
    """(difference, low, high, pairs) of mean(y - x) over the pairs where both are numbers."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ValueError("paired outcomes need equal lengths")
    both = ~np.isnan(x) & ~np.isnan(y)
    mean, low, high = mean_interval(y[both] - x[both], z)
    return (mean, low, high, int(both.sum()))
