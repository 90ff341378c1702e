"""Value iteration of ``equilibrium._iterate`` for a handful of elements, one element at a time in Python floats.

The elements that no closed-form branch fits are few (one to five in a month of a 2,500-replication baseline batch)
but their value iteration runs for hundreds of steps, and on arrays that small each numpy call costs far more than
its arithmetic: the vectorised loop spent about 0.3 ms a step on five elements. Here every element iterates on its
own, with the same operations in the same order as :func:`equilibrium.play_turn` and :meth:`Frontier.value` on
IEEE doubles (numpy's ``maximum``, ``clip`` and ``where`` rules written out), so the values are bit for bit those
of the vectorised loop - ``tests/test_equilibrium_scalar.py`` pins the two together on recorded baseline inputs
and on random ones. The month-to-month map and its stopping rule are documented in :mod:`equilibrium`.
"""

from __future__ import annotations

import math

import numpy as np

from sim.mechanisms.frontier import TOLERANCE, Frontier, FrontierValues

SCALAR_ELEMENTS = 32
"""Up to this many elements, value iteration runs element by element in Python floats (cheaper than numpy calls
on arrays this small; identical values)."""


def _maximum(a: float, b: float) -> float:
    """``np.maximum`` on two floats: NaN propagates, and on a tie (0.0 against -0.0) the second argument wins."""
    if a != a or b != b:
        return a + b
    return a if a > b else b


def _clip_unit(x: float) -> float:
    """``np.clip(x, 0.0, 1.0)``: NaN propagates, and a tie keeps ``x`` (-0.0 stays -0.0)."""
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


class _Side:
    """One proposer's frontier against the responder, for one element, as Python floats."""

    __slots__ = ("base_p", "base_r", "gain_cum", "top", "table")

    def __init__(self, frontier: Frontier | FrontierValues, element: int) -> None:
        self.base_p = float(frontier.base_p[element])
        self.base_r = float(frontier.base_r[element])
        gain_cum = frontier.gain_cum[element].tolist()
        self.gain_cum = gain_cum[1:]
        self.top = gain_cum[-1] + TOLERANCE
        self.table = frontier.table[element].tolist()

    def value(self, need: float) -> tuple[float, float, bool]:
        """:meth:`Frontier.value` for this element."""
        delta = _maximum(need - self.base_r, 0.0)
        feasible = delta <= self.top
        limit = delta - TOLERANCE
        k = 0
        for g in self.gain_cum:
            if g < limit:
                k += 1
        done, g_next, c_done, c_next = self.table[0][k], self.table[1][k], self.table[2][k], self.table[3][k]
        share = (delta - done) / g_next if g_next > 0 else 0.0
        share = _clip_unit(share)
        lost = c_done + share * c_next
        return self.base_p - lost, self.base_r + (done + share * g_next), feasible


class _Element:
    """The month-to-month map of one element."""

    def __init__(self, sides: tuple[_Side, _Side], outside: list[float], flow: list[float], delta: list[float],
                 recognition: list[float] | None) -> None:
        self.sides, self.outside, self.flow, self.delta, self.recognition = sides, outside, flow, delta, recognition

    def turn(self, k: int, cnext: list[float]) -> list[float]:
        """:func:`equilibrium.play_turn`'s values for proposer ``k``."""
        r = 1 - k
        o, f, d = self.outside, self.flow, self.delta
        cont = [(1.0 - d[0]) * f[0] + d[0] * cnext[0], (1.0 - d[1]) * f[1] + d[1] * cnext[1]]
        keep = [_maximum(o[0], cont[0]), _maximum(o[1], cont[1])]
        v_p, v_r, feasible = self.sides[k].value(keep[r])
        if feasible and v_p >= keep[k] - TOLERANCE:
            values = [0.0, 0.0]
            values[k], values[r] = v_p, v_r
            return values
        walks = o[0] > cont[0] + TOLERANCE or o[1] > cont[1] + TOLERANCE
        return list(o) if walks else cont

    def step(self, values: list[list[float]]) -> list[list[float]]:
        """:func:`equilibrium._step` for this element: ``values`` is [[v0, v1] when 0 proposes, [...] when 1 does]."""
        if self.recognition is None:
            return [self.turn(0, values[1]), self.turn(1, values[0])]
        pi0, pi1 = self.recognition
        a, b = self.turn(0, values[0]), self.turn(1, values[0])
        mixed = [pi0 * a[0] + pi1 * b[0], pi0 * a[1] + pi1 * b[1]]
        return [mixed, list(mixed)]


def iterate_elements(frontiers: tuple[Frontier | FrontierValues, Frontier | FrontierValues], start: np.ndarray,
                     outside: np.ndarray, flow: np.ndarray, delta: np.ndarray, recognition: np.ndarray | None,
                     needed: np.ndarray, limit: np.ndarray, max_rises: int) -> tuple[np.ndarray, int]:
    """``_iterate``'s loop for each of the K elements of ``start`` (2, K, 2) on its own: ``needed`` (K,) caps its
    steps, ``limit`` (K,) is its settling threshold tol (1 - d). Returns the values and the step at which the last
    element stopped (what the vectorised loop reports)."""
    result = start.copy()
    stopped_at = 0
    for e in range(start.shape[1]):
        element = _Element((_Side(frontiers[0], e), _Side(frontiers[1], e)), outside[e].tolist(), flow[e].tolist(),
                           delta[e].tolist(), None if recognition is None else recognition[e].tolist())
        values = start[:, e, :].tolist()
        threshold, cap = float(limit[e]), int(needed[e])
        rises, last, converged, iteration = 0, math.inf, False, 0
        for iteration in range(1, cap + 1):  # noqa: B007 - the step reached is reported
            new = element.step(values)
            change = _largest_change(new, values)
            values = new
            settled = change < threshold
            if settled:
                converged = True
                break
            rises += change > last * (1.0 + 1e-9)
            last = change
            if rises >= max_rises:
                break
        stopped_at = max(stopped_at, iteration)
        if converged:
            result[:, e, :] = values
    return result, stopped_at


def _largest_change(new: list[list[float]], old: list[list[float]]) -> float:
    """``np.abs(new - old).max()`` over the four values (NaN propagates, as in numpy)."""
    largest = -math.inf
    for row_new, row_old in zip(new, old, strict=True):
        for a, b in zip(row_new, row_old, strict=True):
            change = abs(a - b)
            if change != change:
                return change
            largest = _maximum(largest, change)
    return largest
