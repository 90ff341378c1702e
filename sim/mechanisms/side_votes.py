"""Sums of one-dimensional pairwise votes without the N x N x N vote tensor (shared by bdm and ktab).

On one issue, voter l compares positions x_j and x_k through a utility that falls with the distance from its own
position, so it prefers j exactly when it sits on j's side of the midpoint (x_j + x_k) / 2. A sum over voters of
their vote for j over k, counting only the voters that prefer j, is therefore a sum over the voters below the
midpoint (j below k) or above it (j above k): two prefix sums over the voters sorted by position, one count of
the voters below each midpoint (a binary search), O(N^2 log N) per issue instead of O(N^3).

Arrays are issues first: positions (M, N), per-voter, per-position values (M, N voters, N positions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def below_counts(x: np.ndarray) -> np.ndarray:
    """count[m, j, k] = number of voters strictly below the midpoint (x[m, j] + x[m, k]) / 2 on issue m.

    The midpoint is symmetric, so only pairs j < k are searched (x_j + x_k is the same float either way); the
    diagonal is 0 (a position against itself gets no votes whatever the count).
    """
    n_issues, n = x.shape
    xs = np.sort(x, axis=1)
    upper_j, upper_k = np.triu_indices(n, 1)
    mid = 0.5 * (x[:, upper_j] + x[:, upper_k])
    half = np.empty(mid.shape, dtype=np.intp)
    for m in range(n_issues):
        half[m] = np.searchsorted(xs[m], mid[m])
    out = np.zeros((n_issues, n, n), dtype=np.intp)
    out[:, upper_j, upper_k] = half
    out[:, upper_k, upper_j] = half
    return out


@dataclass(frozen=True)
class Sides:
    """Which voters sit on j's side of each pair (j, k), for one set of positions; reusable for any values."""

    order: np.ndarray  # (M, N) voters by position (stable)
    cell: np.ndarray  # (M, N, N) flat index of [m, plane, t, 0] in the (M, 2, N + 1, N) prefix-sum array

    @classmethod
    def of(cls, x: np.ndarray) -> Sides:
        n_issues, n = x.shape
        cell = below_counts(x)  # t: the voters below the midpoint are the t lowest
        cell += np.where(x[:, :, None] < x[:, None, :], 0, n + 1)  # plane 1 (the others) when j is not below k
        cell *= n
        cell += (np.arange(n_issues) * 2 * (n + 1) * n)[:, None, None]
        return cls(np.argsort(x, axis=1, kind="stable"), cell)

    def sums(self, f: np.ndarray) -> np.ndarray:
        """S[m, j, k] = sum over the voters l on j's side of (j, k) of f[m, l, k] - f[m, l, j].

        For j below k these are the voters below the midpoint; otherwise the others (a voter exactly at the
        midpoint, counted there, prefers neither position, so its term is zero up to rounding)."""
        n_issues, n = self.order.shape
        prefix = np.zeros((n_issues, 2, n + 1, n))  # [m, 0, t, c]: the t lowest voters; [m, 1, t, c]: the others
        np.cumsum(f[np.arange(n_issues)[:, None], self.order], axis=1, out=prefix[:, 0, 1:])
        np.subtract(prefix[:, 0, n:], prefix[:, 0], out=prefix[:, 1])
        out = np.take(prefix, self.cell + np.arange(n)[None, None, :])
        out -= np.take(prefix, self.cell + np.arange(n)[None, :, None])
        return out
