"""The solver's root search and the frontier slope it steps with (sim/mechanisms/equilibrium.py, frontier.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.mechanisms.equilibrium import _root
from sim.mechanisms.frontier import Frontier


def random_frontiers(seed: int, size: int, m: int) -> Frontier:
    rng = np.random.default_rng(seed)
    grid = rng.random() < 0.3  # coarse positions and saliences: ties, shared ideals, zero weights
    if grid:
        ideal = rng.choice([0.0, 25.0, 50.0, 100.0], (2, size, m))
        salience = rng.choice([0.0, 0.5, 1.0], (2, size, m))
    else:
        ideal, salience = rng.uniform(0, 100, (2, size, m)), rng.uniform(0.05, 1, (2, size, m))
    lo = np.minimum(rng.uniform(0, 60, (size, m)), 100.0)
    return Frontier.build(ideal[0], salience[0], ideal[1], salience[1], lo, lo + rng.uniform(0, 40, (size, m)))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 5))
def test_value_and_slope_are_the_value_and_its_derivative(seed, m):
    frontier = random_frontiers(seed, 64, m)
    rng = np.random.default_rng(seed + 1)
    need = frontier.base_r + rng.uniform(-0.1, 1.1, 64) * (frontier.gain_cum[:, -1] + 0.05)
    value, slope = frontier.value_and_slope(need)
    assert np.array_equal(value, frontier.value(need)[0])  # the same numbers as the solver's value
    h = 1e-7
    up, down = frontier.value(need + h)[0], frontier.value(need - h)[0]
    breakpoints = frontier.base_r[:, None] + frontier.gain_cum
    smooth = np.abs(need[:, None] - breakpoints).min(axis=1) > 1e-5  # away from a kink
    np.testing.assert_allclose(slope[smooth], ((up - down) / (2 * h))[smooth], rtol=1e-5, atol=1e-6)
    assert np.all(slope <= 0.0)


def piecewise(knots: np.ndarray, values: np.ndarray):
    """g on [0, 1] through (knots, values) per row, linear between, with its slope (the piece to the right of a
    knot at a knot)."""
    def bind(index: np.ndarray):
        xs, ys = knots[index], values[index]

        def g(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            piece = np.clip((xs[:, 1:-1] <= x[:, None]).sum(axis=1), 0, xs.shape[1] - 2)
            rows = np.arange(x.size)
            x0, x1 = xs[rows, piece], xs[rows, piece + 1]
            y0, y1 = ys[rows, piece], ys[rows, piece + 1]
            slope = (y1 - y0) / (x1 - x0)
            return y0 + slope * (x - x0), slope
        return g
    return bind


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 8))
def test_root_of_a_decreasing_piecewise_linear_function(seed, pieces):
    """Newton steps inside the bracket, false position otherwise: every element ends at its root (|g| <= 1e-13
    or a bracket narrower than that), inside [0, 1], whatever the other elements do."""
    rng = np.random.default_rng(seed)
    size = 50
    inner = np.sort(rng.uniform(0, 1, (size, pieces - 1)), axis=1)
    knots = np.concatenate([np.zeros((size, 1)), inner, np.ones((size, 1))], axis=1)
    drops = rng.exponential(1.0, (size, pieces)) * (rng.random((size, pieces)) < 0.9)  # some flat pieces
    drops[:, 0] += 1e-3  # strictly decreasing somewhere
    values = np.concatenate([np.zeros((size, 1)), -np.cumsum(drops, axis=1)], axis=1)
    values += rng.uniform(0, 1, (size, 1)) * -values[:, -1:]  # the crossing anywhere in [0, 1]
    root = _root(piecewise(knots, values), size, 60)
    g, _ = piecewise(knots, values)(np.arange(size))(root)
    assert np.all((root >= 0) & (root <= 1))
    exact = np.array([np.interp(0.0, -values[r], knots[r]) for r in range(size)])  # -g increases in x
    flat_at_zero = np.abs(g) <= 1e-13
    assert np.all(flat_at_zero | (np.abs(root - exact) <= 1e-9))
    alone = _root(piecewise(knots[:7], values[:7]), 7, 60)  # the same elements in a smaller batch
    assert np.array_equal(alone, root[:7])
