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
    ya, yb = xs.take(a, axis=1), xs.take(b, axis=1)  # (faster than xs[:, a])
    mid = np.add(ya, yb)
    mid *= 0.5  # 0.5 * (y_a + y_b)
    count = np.empty(mid.shape, dtype=np.intp)
    for m in range(n_issues):
        count[m] = xs[m].searchsorted(mid[m])
    return ya, yb, count


@dataclass(frozen=True)
class Sides:
    """Which voters sit on j's side of each pair (j, k), for one set of positions; reusable for any values.

    The prefix sums are laid out [plane, count, m, column], so that each running sum adds one contiguous (M, N)
    block of voters to the last: a Python loop of N adds, several times cheaper than ``cumsum`` along a middle
    axis at N = 100 (the same additions in the same order, so the same bits)."""

    rows: np.ndarray  # (N, M) flat row index m * N + l of the voter at each rank (stable order), ranks first
    at_k: np.ndarray  # (M, N, N) flat index of [plane, count, m, k] in the (2, N + 1, M, N) prefix-sum array
    at_j: np.ndarray  # (M, N, N) the same with column j

    @classmethod
    def of(cls, x: np.ndarray) -> Sides:
        n_issues, n = x.shape
        order = x.argsort(axis=1, kind="stable")
        start = (np.arange(n_issues) * n)[:, None]  # flat index of each issue's first actor
        rows = order + start  # flat row index of the actor at each rank
        ya, yb, count = below_counts(x.take(rows))  # the count lowest are below
        block = n_issues * n  # one count's (M, N) block
        plane = (n + 1) * block  # offset of plane 1 (the voters not below), used when j is not below k
        count *= block
        count += start  # the offset of [plane 0, count, m, 0]
        a, b, diagonal = pairs(n_issues, n)
        ranked = rows * n  # flat index of [m, actor, 0] in (M, N, N), by rank
        lower, upper = order.take(a, axis=1), order.take(b, axis=1)  # the actors at ranks a < b
        cell = np.empty(n_issues * n * n, dtype=np.intp)
        up = np.add(count, plane)  # j not below k: plane 1
        cell[(ranked.take(b, axis=1) + lower).ravel()] = up.ravel()
        cell[(ranked.take(a, axis=1) + upper).ravel()] = np.where(ya < yb, count, up).ravel()  # j below k
        cell[diagonal] = np.repeat(start[:, 0], n)  # j against j: zero whatever the row
        cell = cell.reshape(n_issues, n, n)
        column = np.arange(n)
        return cls(rows.T, cell + column[None, None, :], cell + column[None, :, None])

    def sums(self, f: np.ndarray) -> np.ndarray:
        """S[m, j, k] = sum over the voters l on j's side of (j, k) of f[m, l, k] - f[m, l, j].

        For j below k these are the voters below the midpoint; otherwise the others (a voter exactly at the
        midpoint, counted there, prefers neither position, so its term is zero up to rounding)."""
        n, n_issues = self.rows.shape
        prefix = np.empty((2, n + 1, n_issues, n))  # [0, t, m, c]: the t lowest voters; [1, t, m, c]: the others
        prefix[0, 0] = 0.0
        ranked = f.reshape(n_issues * n, n).take(self.rows, axis=0)  # [t, m, c]: f's voter rows by rank
        low = prefix[0]
        if n:
            np.copyto(low[1], ranked[0])
        for t in range(1, n):  # the running sum over the voters (cumsum's additions, in its order)
            np.add(low[t], ranked[t], out=low[t + 1])
        np.subtract(low[n:], low, out=prefix[1])
        out = prefix.take(self.at_k)
        out -= prefix.take(self.at_j)
        return out
