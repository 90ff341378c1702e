"""The proposer's best acceptable package against one responder: a point on their Pareto frontier.

With the additive utilities of ``sim.core.utility`` (U_i(x) = sum_j w_ij (1 - |x_j - p_ij| / 100)) and each
issue confined to the box [lo_j, hi_j] that every veto player's bottom line allows, the programme

    maximise U_p(x)   subject to   U_r(x) >= need,   lo <= x <= hi

is a fractional knapsack (Raiffa 1982, *The Art and Science of Negotiation*, ch. 12; the same greedy argument as
``tradeoff.py``): start at the proposer's best point in the box, and move issues toward the responder's best point
in increasing order of the proposer's loss per unit of the responder's gain, w_pj / w_rj, stopping part-way on the
last issue once the responder has ``need``. If even the responder's best point in the box falls short, no
acceptable package exists.

All functions take arrays with any leading batch axes (replications, viewers, types): ``(..., M)`` per issue and
``(...,)`` per batch element, so one call serves one replication or thousands.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.core.utility import issue_weights

TOLERANCE = 1e-9


@dataclass
class Frontier:
    """The breakpoints of the p-versus-r frontier inside the box, in conceding order."""

    start: np.ndarray  # (..., M) proposer's best point in the box
    step: np.ndarray  # (..., M) signed move per issue from start to the responder's best point in the box
    order: np.ndarray  # (..., M) issues in conceding order
    gain: np.ndarray  # (..., M) responder's utility gain of conceding each issue fully, in conceding order
    cost: np.ndarray  # (..., M) proposer's utility loss of the same, in conceding order
    gain_cum: np.ndarray  # (..., M + 1) cumulative gain, starting at 0
    cost_cum: np.ndarray  # (..., M + 1)
    base_p: np.ndarray  # (...,) proposer's utility at start
    base_r: np.ndarray  # (...,) responder's utility at start
    table: np.ndarray | None = None  # (..., 4, M + 1): gain_cum, gain + [0], cost_cum, cost + [0]

    @classmethod
    def build(cls, ideal_p: np.ndarray, salience_p: np.ndarray, ideal_r: np.ndarray, salience_r: np.ndarray,
              lo: np.ndarray, hi: np.ndarray) -> Frontier:
        w_p, w_r = issue_weights(salience_p), issue_weights(salience_r)
        start = np.clip(ideal_p, lo, hi)
        end = np.clip(ideal_r, lo, hi)
        step = end - start
        length = np.abs(step) / 100.0
        gain, cost = w_r * length, w_p * length
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(gain > 0, cost / np.where(gain > 0, gain, 1.0), np.inf)
        order = np.argsort(ratio, axis=-1, kind="stable")
        gain_o = np.take_along_axis(gain, order, axis=-1)
        cost_o = np.take_along_axis(cost, order, axis=-1)
        zeros = np.zeros(gain.shape[:-1] + (1,))
        base_p = (w_p * (1.0 - np.abs(start - ideal_p) / 100.0)).sum(axis=-1)
        base_r = (w_r * (1.0 - np.abs(start - ideal_r) / 100.0)).sum(axis=-1)
        return cls(start, step, order, gain_o, cost_o, np.concatenate([zeros, np.cumsum(gain_o, axis=-1)], -1),
                   np.concatenate([zeros, np.cumsum(cost_o, axis=-1)], -1), base_p, base_r)

    def __post_init__(self) -> None:
        if self.table is None:
            pad = np.zeros(self.gain.shape[:-1] + (1,))
            self.table = np.stack([self.gain_cum, np.concatenate([self.gain, pad], -1), self.cost_cum,
                                   np.concatenate([self.cost, pad], -1)], axis=-2)

    def take(self, index: np.ndarray) -> Frontier:
        """The frontiers of the batch elements picked by ``index`` over the leading axes (a boolean mask, which
        flattens them to one, or a tuple of slices, which keeps them)."""
        return Frontier(*(getattr(self, f.name)[index] for f in fields(self)))

    def _cut(self, need: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Masks of the issues conceded fully and of the one conceded in part, that part's share, feasibility
        and the responder's shortfall (one-hot masks: cheaper than fancy indexing on small arrays)."""
        delta = np.maximum(np.asarray(need, dtype=float) - self.base_r, 0.0)
        feasible = delta <= self.gain_cum[..., -1] + TOLERANCE
        k = (self.gain_cum[..., 1:] < delta[..., None] - TOLERANCE).sum(axis=-1)
        rank = np.arange(self.gain.shape[-1])
        full = rank < k[..., None]
        part = rank == k[..., None]
        done = (self.gain * full).sum(axis=-1)
        g_next = (self.gain * part).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(g_next > 0, (delta - done) / np.where(g_next > 0, g_next, 1.0), 0.0)
        return full, part, np.clip(share, 0.0, 1.0), feasible, done

    def value(self, need: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(proposer's utility, responder's utility, feasible) of the best package giving the responder ``need``
        (see :func:`frontier_value`)."""
        return frontier_value(self.base_p, self.base_r, self.gain_cum, self.table, need)

    def value_and_slope(self, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The proposer's utility and its derivative in ``need`` (:func:`frontier_value_and_slope`)."""
        return frontier_value_and_slope(self.base_p, self.base_r, self.gain_cum, self.table, need)

    def values_only(self, index: np.ndarray | tuple) -> FrontierValues:
        """What :meth:`value` reads, for the batch elements ``index``: the solver's working copy, cheaper to subset
        than the whole frontier."""
        return FrontierValues(self.base_p, self.base_r, self.gain_cum, self.table).take(index)

    def offer(self, need: np.ndarray) -> np.ndarray:
        """The package (..., M) behind :meth:`value` (where infeasible: the responder's best point in the box)."""
        full, part, share, feasible, _ = self._cut(need)
        ordered = np.where(full, 1.0, np.where(part, share[..., None], 0.0))  # in conceding order
        fraction = np.empty_like(ordered)
        np.put_along_axis(fraction, self.order, ordered, axis=-1)
        fraction = np.where(feasible[..., None], fraction, 1.0)
        return self.start + fraction * self.step


@dataclass
class FrontierValues:
    """The part of a :class:`Frontier` that :meth:`Frontier.value` reads."""

    base_p: np.ndarray
    base_r: np.ndarray
    gain_cum: np.ndarray
    table: np.ndarray

    def value(self, need: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return frontier_value(self.base_p, self.base_r, self.gain_cum, self.table, need)

    def value_and_slope(self, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The proposer's utility and its derivative in ``need`` (:func:`frontier_value_and_slope`)."""
        return frontier_value_and_slope(self.base_p, self.base_r, self.gain_cum, self.table, need)

    def take(self, index: np.ndarray | tuple) -> FrontierValues:
        """The elements ``index`` of the leading axes (as :meth:`Frontier.take`)."""
        return FrontierValues(self.base_p[index], self.base_r[index], self.gain_cum[index], self.table[index])


def frontier_value(base_p: np.ndarray, base_r: np.ndarray, gain_cum: np.ndarray, table: np.ndarray,
                   need: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(proposer's utility, responder's utility, feasible) of the best package giving the responder ``need``.

    The same arithmetic as :meth:`Frontier.offer`'s cut, read off the cumulative sums at the cut (a sum of the
    first k entries in order is exactly ``*_cum[k]``): the solver's hot path. The four numbers at the cut come
    from ``table`` (..., 4, M + 1), gathered from its flattened rows."""
    delta, feasible, done, g_next, c_done, c_next, share = _at_cut(base_r, gain_cum, table, need)
    share = np.clip(share, 0.0, 1.0)
    lost = c_done + share * c_next
    return base_p - lost, base_r + (done + share * g_next), feasible


def frontier_value_and_slope(base_p: np.ndarray, base_r: np.ndarray, gain_cum: np.ndarray, table: np.ndarray,
                             need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The proposer's utility of :func:`frontier_value` (the same numbers) and its derivative in ``need``: minus the
    proposer's loss per unit of the responder's gain on the piece of the frontier the cut lies on, zero where
    ``need`` is below the responder's utility at the proposer's best point or beyond the frontier's end (the value
    is flat there). At a breakpoint it is the slope of the piece the cut counts it in: the solver uses it for
    Newton steps inside a bracket, never for the value itself."""
    delta, _, _, g_next, c_done, c_next, share = _at_cut(base_r, gain_cum, table, need)
    inside = (delta > 0.0) & (g_next > 0.0) & (share >= 0.0) & (share < 1.0)
    clipped = np.clip(share, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(inside, -c_next / np.where(g_next > 0.0, g_next, 1.0), 0.0)
    return base_p - (c_done + clipped * c_next), slope


def _at_cut(base_r: np.ndarray, gain_cum: np.ndarray, table: np.ndarray, need: np.ndarray) -> tuple[np.ndarray, ...]:
    """The responder's shortfall, feasibility, the cut's four numbers (gain and cost before it, gain and cost of
    the piece it lies on) and the share of that piece conceded, unclipped."""
    delta = np.maximum(np.asarray(need, dtype=float) - base_r, 0.0)
    feasible = delta <= gain_cum[..., -1] + TOLERANCE
    if table.shape[:-2] == delta.shape and gain_cum.shape[:-1] == delta.shape:  # one frontier per element
        # the cut: how many cumulative gains fall short, counted column by column (far cheaper than a sum over
        # a short last axis), then the four numbers at the cut by flat gathers
        limit = delta - TOLERANCE
        width = table.shape[-1]
        k = (gain_cum[..., 1] < limit).astype(np.intp) if width > 1 else np.zeros(delta.shape, dtype=np.intp)
        for j in range(2, width):
            k += gain_cum[..., j] < limit
        flat = table.reshape(-1)
        at = np.arange(k.size) * (4 * width) + k.reshape(-1)
        done, g_next, c_done, c_next = (flat.take(at + row * width).reshape(k.shape) for row in range(4))
    else:  # ``need`` broadcasts over more elements than the frontier has
        k = (gain_cum[..., 1:] < delta[..., None] - TOLERANCE).sum(axis=-1)
        at = np.take_along_axis(table, k[..., None, None], axis=-1)[..., 0]
        done, g_next, c_done, c_next = at[..., 0], at[..., 1], at[..., 2], at[..., 3]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(g_next > 0, (delta - done) / np.where(g_next > 0, g_next, 1.0), 0.0)
    return delta, feasible, done, g_next, c_done, c_next, share


def agreement_box(ideal: np.ndarray, reservation: np.ndarray, veto: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per issue, the interval (lo, hi) that every veto player's bottom line allows, from (..., N, M) arrays.

    A bottom line bounds the side of the ideal point it lies on: r < p means x >= r, r > p means x <= r, r = p
    means x = r. An empty box on an issue (lo > hi) means no package can satisfy every veto player there.
    """
    below = np.where(veto[..., None] & (reservation <= ideal), reservation, 0.0)
    above = np.where(veto[..., None] & (reservation >= ideal), reservation, 100.0)
    return below.max(axis=-2), above.min(axis=-2)

