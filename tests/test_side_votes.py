"""Sums of one-dimensional votes over the voters on one side of each midpoint, against the direct tensor sum."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.mechanisms.side_votes import Sides


def direct(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    """S[m, j, k] = sum over the voters l strictly nearer x_j than x_k of f[m, l, k] - f[m, l, j] (N^3)."""
    near_j = np.abs(x[:, :, None, None] - x[:, None, :, None]) < np.abs(x[:, :, None, None] - x[:, None, None, :])
    diff = f[:, :, None, :] - f[:, :, :, None]  # [m, l, j, k]
    return np.where(near_j, diff, 0.0).sum(axis=1)


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**32 - 1), st.booleans())
def test_side_sums_equal_the_direct_sum_when_voters_prefer_the_nearer_position(n, m, seed, grid):
    rng = np.random.default_rng(seed)
    x = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], (m, n)) if grid else rng.uniform(0, 100, (m, n))
    w = rng.uniform(0.0, 3.0, (m, n))
    f = w[:, :, None] * np.abs(x[:, :, None] - x[:, None, :]) ** rng.uniform(0.5, 2.0)  # rises with distance
    np.testing.assert_allclose(Sides.of(x).sums(f), direct(x, f), rtol=0, atol=1e-9)


def test_a_voter_at_the_midpoint_adds_nothing_and_a_position_against_itself_gets_nothing():
    x = np.array([[0.0, 50.0, 100.0, 100.0]])  # voter 1 sits at the midpoint of 0 and 100
    f = np.abs(x[:, :, None] - x[:, None, :])
    s = Sides.of(x).sums(f)
    assert s[0, 0, 2] == 100.0  # only voter 0 prefers 0 to 100; voter 1, at the midpoint, adds 50 - 50
    assert s[0, 2, 0] == 200.0  # voters 2 and 3 prefer 100, each by 100
    assert np.all(np.diagonal(s, axis1=1, axis2=2) == 0.0)
    assert s[0, 2, 3] == 0.0 and s[0, 3, 2] == 0.0  # equal positions
