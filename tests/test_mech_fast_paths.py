"""Shortcuts in the bdm, ktab and exchange arithmetic (issue 15) against the plain computations they replace.

* bdm's Condorcet median checks in full only the positions that win against a least-loss position; it must pick
  the same actor, bit for bit, as the full win matrix;
* ktab's strengths for rho = 1 come from prefix sums of w and w x; they must equal the sums over the voters on
  each side (and the direct tensor sum), also with positions a hair apart;
* exchange sorts candidates by gain alone when no two gains tie; the order must be the full (gain, i, l, j, k)
  order whether or not gains tie.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.mechanisms import bdm_math as bm
from sim.mechanisms import ktab_math as km
from sim.mechanisms.exchange import Candidates
from sim.mechanisms.side_votes import Sides


def full_matrix_medians(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The median rule over the whole (M, N, N) win matrix (the computation before the pruning)."""
    total_loss = (w[:, :, None] * np.abs(x[:, :, None] - x[:, None, :])).sum(axis=1)
    margin = total_loss[:, None, :] - total_loss[:, :, None]
    wins = (margin > 1e-12) | bm.isclose(x[:, :, None], x[:, None, :]) | np.eye(x.shape[1], dtype=bool)
    unbeaten = wins.all(axis=2)
    pick = np.where(unbeaten.any(axis=1), np.argmax(unbeaten, axis=1), np.argmin(total_loss, axis=1))
    return x[np.arange(x.shape[0]), pick]


def positions(rng: np.random.Generator, m: int, n: int, kind: str) -> np.ndarray:
    if kind == "grid":  # many exact ties
        return rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], (m, n))
    x = rng.uniform(0, 100, (m, n))
    if kind == "near":  # pairs a hair apart, inside and outside isclose's tolerance
        x[:, 1::2] = x[:, 0:-1:2] + rng.choice([1e-9, 1e-7, 1e-4], x[:, 1::2].shape)
    return x


KINDS = st.sampled_from(["grid", "uniform", "near"])


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**32 - 1), KINDS, st.booleans())
def test_pruned_median_picks_what_the_full_win_matrix_picks(n, m, seed, kind, zero_weights):
    rng = np.random.default_rng(seed)
    x = positions(rng, m, n, kind)
    w = rng.uniform(0.0, 3.0, (m, n))
    if zero_weights:
        w[:, rng.random(n) < 0.5] = 0.0
    fast = bm.condorcet_medians(x, w)
    assert np.array_equal(fast, full_matrix_medians(x, w))  # bit for bit: the same actor's position
    gap = bm.gaps(x)
    assert np.array_equal(bm.condorcet_medians(x, w, gap, bm.close_pairs(x, gap)), fast)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**32 - 1), KINDS)
def test_linear_strengths_equal_the_side_sums_and_the_tensor_sum(n, m, seed, kind):
    rng = np.random.default_rng(seed)
    x = positions(rng, m, n, kind)
    w = rng.uniform(0.0, 5.0, (m, n))
    u = km.utility(x, 1.0)
    sides = np.maximum(Sides.of(x).sums(-(w[:, :, None] * u)), 0.0)
    tensor = (w[:, :, None, None] * np.maximum(0.0, u[:, :, :, None] - u[:, :, None, :])).sum(axis=1)
    fast = km.linear_strengths(x, w)
    np.testing.assert_allclose(fast, sides, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast, tensor, rtol=0, atol=1e-12)
    assert np.all(fast >= 0) and np.all(np.diagonal(fast, axis1=1, axis2=2) == 0)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 300), st.integers(0, 2**32 - 1), st.sampled_from([1, 3, 1000]))
def test_candidate_order_is_the_full_tie_order(size, seed, distinct_gains):
    rng = np.random.default_rng(seed)
    ints = [rng.integers(0, 6, size) for _ in range(4)]
    gain = rng.integers(0, distinct_gains, size) / 7.0  # few distinct values: many ties
    c = Candidates(gain, *ints, np.ones(size), np.ones(size))
    index = rng.permutation(size)[: rng.integers(1, size + 1)]
    expected = index[np.lexsort((c.k[index], c.j[index], c.o[index], c.i[index], -c.gain[index]))]
    assert np.array_equal(c.order(index), expected)
