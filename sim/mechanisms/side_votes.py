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
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=32)
def pairs(n_issues: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs a < b (of ranks), and the flat indices of the diagonal [m, j, j] in (M, N, N)."""
    a, b = np.triu_indices(n, 1)
    for v in (a, b):
        v.flags.writeable = False
    return a, b, ((np.arange(n_issues) * n * n)[:, None] + np.arange(n) * (n + 1)).ravel()


def below_counts(xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(y_a, y_b, count) for the pairs a < b of sorted positions ``xs`` (M, N), (M, N (N - 1) / 2) each:
    count[m, p] = number of voters strictly below the midpoint (y_a + y_b) / 2 on issue m. The midpoint is
    symmetric, so one search serves both orders of a pair; in rank order the midpoints come nearly sorted, which
    makes the binary searches about 2.5x cheaper than in actor order."""
    n_issues, n = xs.shape
    a, b = pairs(n_issues, n)[:2]
    ya, yb = np.take(xs, a, axis=1), np.take(xs, b, axis=1)  # (faster than xs[:, a])
    mid = 0.5 * (ya + yb)
    count = np.empty(mid.shape, dtype=np.intp)
    for m in range(n_issues):
        count[m] = np.searchsorted(xs[m], mid[m])
    return ya, yb, count


@dataclass(frozen=True)
class Sides:
    """Which voters sit on j's side of each pair (j, k), for one set of positions; reusable for any values."""

    rows: np.ndarray  # (M, N) flat row index m * N + l of the voters by position (stable order)
    at_k: np.ndarray  # (M, N, N) flat index of [m, plane, count, k] in the (M, 2, N + 1, N) prefix-sum array
    at_j: np.ndarray  # (M, N, N) the same with column j

    @classmethod
    def of(cls, x: np.ndarray) -> Sides:
        n_issues, n = x.shape
        order = np.argsort(x, axis=1, kind="stable")
        ya, yb, count = below_counts(np.take_along_axis(x, order, axis=1))  # the count lowest are below
        plane = (n + 1) * n  # offset of plane 1 (the voters not below), used when j is not below k
        base = count * n + (np.arange(n_issues) * 2 * plane)[:, None]
        a, b, diagonal = pairs(n_issues, n)
        lower, upper = np.take(order, a, axis=1), np.take(order, b, axis=1)  # the actors at ranks a < b
        issue = (np.arange(n_issues) * n * n)[:, None]
        cell = np.empty(n_issues * n * n, dtype=np.intp)
        cell[(issue + lower * n + upper).ravel()] = (base + np.where(ya < yb, 0, plane)).ravel()  # j below k
        cell[(issue + upper * n + lower).ravel()] = (base + plane).ravel()  # j not below k
        cell[diagonal] = np.repeat(np.arange(n_issues) * 2 * plane, n)  # j against j: zero whatever the row
        cell = cell.reshape(n_issues, n, n)
        column = np.arange(n)
        rows = order + (np.arange(n_issues) * n)[:, None]
        return cls(rows, cell + column[None, None, :], cell + column[None, :, None])

    def sums(self, f: np.ndarray) -> np.ndarray:
        """S[m, j, k] = sum over the voters l on j's side of (j, k) of f[m, l, k] - f[m, l, j].

        For j below k these are the voters below the midpoint; otherwise the others (a voter exactly at the
        midpoint, counted there, prefers neither position, so its term is zero up to rounding)."""
        n_issues, n = self.rows.shape
        prefix = np.empty((n_issues, 2, n + 1, n))  # [m, 0, t, c]: the t lowest voters; [m, 1, t, c]: the others
        prefix[:, 0, 0] = 0.0
        ranked = np.take(f.reshape(n_issues * n, n), self.rows, axis=0)  # f's voter rows by position
        np.cumsum(ranked, axis=1, out=prefix[:, 0, 1:])
        np.subtract(prefix[:, 0, n:], prefix[:, 0], out=prefix[:, 1])
        out = np.take(prefix, self.at_k)
        out -= np.take(prefix, self.at_j)
        return out
