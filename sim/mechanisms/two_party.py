"""Exact Pareto check and Nash bargaining point for two players, on their Pareto frontier.

With the additive utilities of ``sim.core.utility`` the Pareto frontier of two players within a box of packages
(lo <= x <= hi per issue) is the fractional-knapsack path of ``frontier.Frontier``: from player 0's best point in
the box, issues conceded toward player 1's best point in increasing order of 0's loss per unit of 1's gain
(Raiffa 1982, *The Art and Science of Negotiation*, ch. 12). Any package off that path is dominated by a point
on it, so both questions reduce to the path's M linear pieces:

* **Pareto check**: the largest joint utility U_0 + U_1 over packages that give each player at least what a
  package x gives is reached on the arc of the path between A (player 1 gets U_1(x), player 0 the most it can)
  and B (player 0 gets U_0(x), player 1 the most it can); the sum is concave and piecewise linear along the path,
  so its maximum is at A, B or a breakpoint between them. It is what ``diagnostics``' linear programme computes
  for any number of players.
* **Nash point** (Nash 1950, "The bargaining problem", Econometrica 18(2)): on each piece the product
  (A - s c)(B + s g) of the surpluses over d is a quadratic in the share s conceded, with its peak at
  s* = (g A - c B) / (2 g c), so the best of at most 3M points is the answer.
"""

from __future__ import annotations

import numpy as np

from sim.core.utility import utilities
from sim.mechanisms.frontier import TOLERANCE, Frontier

NASH_MARGIN = 1e-12
"""How far above d_i a player's utility must be to count as beating it (rounding in the sums is far smaller)."""


def pareto_check_of_two(ideal: np.ndarray, salience: np.ndarray, package: np.ndarray, lo: np.ndarray,
                        hi: np.ndarray, tol: float = 1e-7) -> tuple[bool, float, np.ndarray | None]:
    """(optimal, joint utility gain available, a dominating package or None) for ``package`` among the packages
    in the box [lo, hi]; ideal points and saliences are (2, M). Nothing in the box giving both at least what the
    package gives (a package outside the box) counts as optimal with no gain, as the linear programme reports."""
    u0, u1 = utilities(ideal, salience, package)
    forward = Frontier.build(ideal[0], salience[0], ideal[1], salience[1], lo, hi)
    backward = Frontier.build(ideal[1], salience[1], ideal[0], salience[0], lo, hi)
    a0, a1, reach_a = (float(v) for v in forward.value(np.array(u1)))  # A: 1 gets U_1(x), 0 the most it can
    b1, b0, reach_b = (float(v) for v in backward.value(np.array(u0)))  # B: 0 gets U_0(x), 1 the most it can
    if not (reach_a and reach_b) or a0 < u0 - TOLERANCE:
        return True, 0.0, None  # no package in the box gives both what this one gives
    points = [(a0 + a1, forward, a1), (b0 + b1, backward, b0)]
    for k in range(forward.gain_cum.shape[-1]):  # the breakpoints on the arc between A and B
        p0, p1 = float(forward.base_p - forward.cost_cum[k]), float(forward.base_r + forward.gain_cum[k])
        if p1 > a1 and p0 > b0:
            points.append((p0 + p1, forward, p1))
    best, frontier, need = max(points, key=lambda point: point[0])
    gain = best - (u0 + u1)
    if gain > tol:
        return False, gain, frontier.offer(np.array(need))
    return True, max(gain, 0.0), None


def nash_point_of_two(ideal: np.ndarray, salience: np.ndarray, d: np.ndarray, lo: np.ndarray,
                      hi: np.ndarray) -> np.ndarray | None:
    """The exact Nash bargaining package of two players (ideal points and saliences (2, M), disagreement values
    (2,)) among the packages in the (non-empty) box [lo, hi]: the best point of the quadratic product on each
    linear piece of their Pareto frontier in the box; None if no point of it gives both more than d."""
    m = ideal.shape[1]
    if not m:
        return None
    frontier = Frontier.build(ideal[0], salience[0], ideal[1], salience[1], lo, hi)
    surplus_p = frontier.base_p - frontier.cost_cum[:-1] - d[0]  # A: player 0's surplus where each piece starts
    surplus_r = frontier.base_r + frontier.gain_cum[:-1] - d[1]  # B: player 1's
    cost, gain = frontier.cost, frontier.gain
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.where(gain * cost > 0, (gain * surplus_p - cost * surplus_r) / (2.0 * gain * cost), 0.0)
    shares = np.stack([np.zeros(m), np.ones(m), np.clip(vertex, 0.0, 1.0)], axis=-1)  # (M, 3) per piece
    a = surplus_p[:, None] - shares * cost[:, None]
    b = surplus_r[:, None] + shares * gain[:, None]
    product = np.where((a > NASH_MARGIN) & (b > NASH_MARGIN), a * b, -np.inf).ravel()
    if not np.isfinite(product).any():
        return None
    best = int(np.argmax(product))  # the first of equal maxima: the least conceded of equal packages
    piece, share = divmod(best, 3)
    ordered = np.where(np.arange(m) < piece, 1.0, 0.0)
    ordered[piece] = shares[piece, share]
    fraction = np.empty(m)
    fraction[frontier.order] = ordered
    return frontier.start + fraction * frontier.step


