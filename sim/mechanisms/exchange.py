"""Stokman's exchange model: equal-gain exchanges of voting positions across issue pairs (logrolling).

References: F. N. Stokman & R. Van Oosten (1994), "The exchange of voting positions: an object-oriented model of
policy networks", in Bueno de Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP;
F. N. Stokman & J. M. M. Van den Bos (1992); R. Arregui, F. N. Stokman & R. Thomson (2006), "Compromise, exchange
and challenge in the European Union", in *The European Union Decides*, Cambridge UP.

The expected outcome of issue j is the compromise O_j = sum_i c_i s_ij x_ij / W_j, W_j = sum_i c_i s_ij, and an
actor's loss is the salience-weighted distance sum_j s_ij |O_j - x_ij|. An actor i that moves its position on
issue j by d shifts O_j by a_ij d with a_ij = c_i s_ij / W_j.

For actors i, l and issues j, k, i yields on j (moves toward l) and l yields on k (moves toward i). This helps
both when they sit on opposite sides of the expected outcome on both issues and i cares relatively more about k,
l relatively more about j: s_ik s_lj > s_ij s_lk. Their gains are

    G_i = s_ik a_lk d_l - s_ij a_ij d_i,     G_l = s_lj a_ij d_i - s_lk a_lk d_l.

The *equal-gain* split sets G_i = G_l, so d_l = d_i a_ij (s_ij + s_lj) / (a_lk (s_ik + s_lk)), giving both

    G = d_i a_ij (s_ik s_lj - s_ij s_lk) / (s_ik + s_lk).

Shifts are as large as allowed without passing the partner's position (``limit="partner"``) or the expected
outcome (``limit="outcome"``, the more conservative reading), and never so far that an expected outcome passes the
partner's position (beyond it the gains would no longer be linear). Each round the feasible exchanges are carried out
in order of decreasing gain, each actor-issue position taking part in at most one exchange per round; rounds
repeat until no exchange is left or the model stops. The forecast is the capability x salience weighted mean of
the final positions. With a single issue no exchange exists and the model equals the compromise model.

Cost: the candidates of all issue pairs are built at once from index arrays (one boolean mask over the issue
pairs j < k x actor pairs i < l, each trade oriented by the sign of s_ik s_lj - s_ij s_lk, then arithmetic on
those entries only), and the greedy pass sorts only as many candidates, by decreasing gain, as it needs: the best
few hundred first, dropping every candidate whose positions are already taken before sorting more. Results equal
the direct double loop exactly (same floats, same order; tests/test_exchange_reference.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.heap import retain_freed_memory
from sim.core.state import NegotiationState
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.compromise import weighted_mean
from sim.mechanisms.side_votes import pairs

if TYPE_CHECKING:
    from sim.policies.base import Policy


class ExchangeParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: Literal["partner", "outcome"] = Field(
        "outcome", description="an actor's shift may reach its partner's position or only the expected outcome")
    min_gain: float = Field(1e-6, ge=0, description="smallest gain worth an exchange")
    max_exchanges: int = Field(1000, ge=0, description="cap on exchanges per round")


def expected_outcome(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Stokman's expected outcome: the compromise model's weighted mean per issue."""
    return weighted_mean(position, weight)


@dataclass
class Candidates:
    """Feasible exchanges as parallel arrays: i yields ``d_i`` on issue j, l (``o``) yields ``d_l`` on k.

    ``cells`` (optional, (n, 4)) holds each exchange's flat actor-issue cells (i, j), (i, k), (l, j), (l, k),
    as ``i * M + j``; :func:`greedy_exchanges` computes them when absent."""

    gain: np.ndarray
    i: np.ndarray
    o: np.ndarray
    j: np.ndarray
    k: np.ndarray
    d_i: np.ndarray
    d_l: np.ndarray
    cells: np.ndarray | None = None

    def subset(self, keep: np.ndarray) -> Candidates:
        fields = (getattr(self, f)[keep] for f in ("gain", "i", "o", "j", "k", "d_i", "d_l"))
        return Candidates(*fields, None if self.cells is None else self.cells[keep])

    def order(self, index: np.ndarray) -> np.ndarray:
        """``index`` sorted by decreasing gain, then i, l, j, k (the published tie order)."""
        return _order(self.gain, index, lambda: (self.k[index], self.j[index], self.o[index], self.i[index]))


def _order(gains: np.ndarray, index: np.ndarray, ties: Callable[[], tuple[np.ndarray, ...]]) -> np.ndarray:
    """``index`` sorted by decreasing ``gains``, ties by the keys ``ties()`` gives (last key first)."""
    gain = -gains[index]
    by_gain = np.argsort(gain)  # not stable, but without ties the order is unique
    ranked = gain[by_gain]
    if not (ranked[1:] == ranked[:-1]).any():  # no tie: the gain alone sets the order
        return index[by_gain]
    return index[np.lexsort((*ties(), gain))]


@lru_cache(maxsize=16)
def _tables(n: int, m: int) -> tuple[np.ndarray, ...]:
    """Index tables for n actors and m issues: issue pairs j < k, the flat-index offsets that turn an index into
    [issue pair, actor pair] into indices into [j, actor pair] and [k, actor pair], and per actor pair (i M, l M)
    and per oriented issue pair (j, k) (the pairs j < k, then the same pairs as (k, j))."""
    first, second = pairs(1, n)[:2]
    low, high = pairs(1, m)[:2]
    tables = ((low - np.arange(low.size)) * first.size, (high - np.arange(low.size)) * first.size,
              first * m, second * m, np.concatenate([low, high]), np.concatenate([high, low]))
    for v in tables:
        v.flags.writeable = False
    return tables


@dataclass
class _Found:
    """Every candidate trade of a round, before the feasibility filter: gains and shifts, and the cells
    (i, j), (i, k), (l, j), (l, k) (n, 4) of ``m`` issues, from which actors and issues are derived when needed."""

    gain: np.ndarray
    d_i: np.ndarray
    d_l: np.ndarray
    cells: np.ndarray
    m: int

    def subset(self, keep: np.ndarray) -> Candidates:
        (i, j), (o, k) = np.divmod(self.cells[keep, 0], self.m), np.divmod(self.cells[keep, 3], self.m)
        return Candidates(self.gain[keep], i, o, j, k, self.d_i[keep], self.d_l[keep], self.cells[keep])

    def order(self, index: np.ndarray) -> np.ndarray:
        """As :meth:`Candidates.order`."""
        def ties() -> tuple[np.ndarray, ...]:
            (i, j), (o, k) = np.divmod(self.cells[index, 0], self.m), np.divmod(self.cells[index, 3], self.m)
            return k, j, o, i
        return _order(self.gain, index, ties)


def _all_candidates(position: np.ndarray, salience: np.ndarray, capability: np.ndarray, limit: str,
                    min_gain: float) -> tuple[_Found, np.ndarray]:
    """Every trade on opposite sides with s_ik s_lj > s_ij s_lk, and the indices of the feasible ones.

    The trades (i, l, j, k) and (i, l, k, j) need the same sides, and s_ik s_lj - s_ij s_lk changes sign between
    them (the same two products, subtracted the other way: exactly the negated float), so only issue pairs
    j < k are enumerated and each kept one is oriented by that sign."""
    n, m = position.shape
    weight = capability[:, None] * salience
    total = weight.sum(axis=0)
    a = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)  # a[i, j]
    out = expected_outcome(position, weight)
    side = np.sign(position - out[None, :]).T  # (M, N): -1 below, +1 above the expected outcome
    first, second = pairs(1, n)[:2]  # actor pairs i < l: (l, i, k, j) is the same trade as (i, l, j, k)
    low, high = pairs(1, m)[:2]
    to_low, to_high, first_m, second_m, lows, highs = _tables(n, m)
    opposite = side.take(first, axis=1) * side.take(second, axis=1) < 0  # [issue, actor pair]
    sal_t = salience.T
    s_first, s_second = sal_t.take(first, axis=1), sal_t.take(second, axis=1)  # [issue, actor pair]
    flat = (opposite.take(low, axis=0) & opposite.take(high, axis=0)).ravel().nonzero()[0]  # [j < k, pair]
    q, pair = np.divmod(flat, first.size)
    jp, kp = flat + to_low.take(q), flat + to_high.take(q)  # flat [j, pair] and [k, pair]
    num = s_first.take(kp) * s_second.take(jp) - s_first.take(jp) * s_second.take(kp)
    if not num.all():
        keep = np.flatnonzero(num)
        q, pair, num = q[keep], pair[keep], num[keep]
    q += (num < 0) * low.size  # num < 0: i gains from yielding on k instead, the trade (i, l, k, j)
    num = np.abs(num)
    im, om, j, k = first_m.take(pair), second_m.take(pair), lows.take(q), highs.take(q)
    cells = np.empty((num.size, 4), dtype=np.intp)  # flat (actor, issue) cells
    ij, ik, oj, ok = np.add(im, j, out=cells[:, 0]), np.add(im, k, out=cells[:, 1]), \
        np.add(om, j, out=cells[:, 2]), np.add(om, k, out=cells[:, 3])
    af = a.ravel()
    a_ij, a_lk = af.take(ij), af.take(ok)
    if not (a > 0).all():  # both shares must be positive (all are, unless a capability or salience is 0)
        keep = np.flatnonzero((a_ij > 0) & (a_lk > 0))
        cells, num, a_ij, a_lk = cells[keep], num[keep], a_ij[keep], a_lk[keep]
        ij, ik, oj, ok = cells.T
    sal, pos = salience.ravel(), position.ravel()
    s_ij, s_ik, s_oj, s_ok = sal.take(ij), sal.take(ik), sal.take(oj), sal.take(ok)
    gap = np.abs(out[None, :] - position).ravel()  # |O_j - x_ij| per (actor, issue) cell
    if limit == "partner":
        room_i, room_l = np.abs(pos.take(oj) - pos.take(ij)), np.abs(pos.take(ik) - pos.take(ok))
    else:
        room_i, room_l = gap.take(ij), gap.take(ok)
    # neither expected outcome may pass the partner's position (gains stay linear)
    room_i = np.minimum(room_i, gap.take(oj) / a_ij)
    room_l = np.minimum(room_l, gap.take(ik) / a_lk)
    ratio = a_ij * (s_ij + s_oj) / (a_lk * (s_ik + s_ok))
    positive = ratio > 0
    if positive.all():  # (the usual case: then the masked division and the choice are the plain ones)
        d_i = np.minimum(room_i, room_l / ratio)
    else:
        d_i = np.where(positive, np.minimum(room_i, np.divide(room_l, ratio, out=np.zeros_like(ratio),
                                                              where=positive)), 0.0)
    gain = d_i * a_ij * num / (s_ik + s_ok)
    return _Found(gain, d_i, d_i * ratio, cells, m), ((gain > min_gain) & (d_i > 0)).nonzero()[0]


def candidate_arrays(position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                     limit: str = "outcome", min_gain: float = 1e-6) -> Candidates:
    """Every feasible equal-gain exchange, unsorted (each trade once, with i < l)."""
    found, feasible = _all_candidates(position, salience, capability, limit, min_gain)
    return found.subset(feasible)


def candidate_exchanges(position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                        limit: str = "outcome", min_gain: float = 1e-6) -> list[tuple[float, int, int, int, int,
                                                                                         float, float]]:
    """All feasible equal-gain exchanges (gain, i, l, j, k, d_i, d_l), by decreasing gain."""
    c = candidate_arrays(position, salience, capability, limit, min_gain)
    order = c.order(np.arange(c.gain.size))
    return [(float(c.gain[x]), int(c.i[x]), int(c.o[x]), int(c.j[x]), int(c.k[x]), float(c.d_i[x]),
             float(c.d_l[x])) for x in order]


def greedy_exchanges(c: Candidates | _Found, n_issues: int, cap: int, first_batch: int = 256, growth: int = 2,
                     among: np.ndarray | None = None) -> np.ndarray:
    """Indices of the exchanges taken: by decreasing gain, each actor-issue position in at most one, at most ``cap``.

    Exactly the greedy pass over the fully sorted list, but it sorts lazily: the ``first_batch`` best candidates
    (with every tie of the last one), then ``growth`` times as many, ...; before each batch, candidates that touch
    a position already taken are dropped without sorting. ``among``: the candidates to consider (default all).
    The taken positions are one byte each, read by the Python loop and, through a numpy view of the same bytes, by
    the drop.
    """
    cells = c.cells
    if cells is None:
        im, om = c.i * n_issues, c.o * n_issues
        cells = np.stack([im + c.j, im + c.k, om + c.j, om + c.k], axis=1)
    flags = bytearray(int(cells.max(initial=0)) + 1)
    taken = np.frombuffer(flags, dtype=np.uint8)
    chosen: list[int] = []
    rest = np.arange(c.gain.size) if among is None else among
    batch = first_batch
    while rest.size and len(chosen) < cap:
        if chosen:  # a candidate's four flag bytes read as one 32-bit word: 0 when none is taken
            if 2 * rest.size > cells.shape[0]:
                rest = rest[(taken[cells].view(np.uint32)[:, 0] == 0)[rest]]
            else:
                rest = rest[taken[cells.take(rest, axis=0)].view(np.uint32)[:, 0] == 0]
        if rest.size > batch:
            gains = c.gain[rest]
            cut = np.partition(gains, rest.size - batch)[rest.size - batch]
            top = gains >= cut
            now, rest = rest[top], rest[~top]
        else:
            now, rest = rest, rest[:0]
        now = c.order(now)
        for index, (ij, ik, oj, ok) in zip(now.tolist(), cells.take(now, axis=0).tolist(), strict=True):
            if not (flags[ij] or flags[ik] or flags[oj] or flags[ok]):
                flags[ij] = flags[ik] = flags[oj] = flags[ok] = 1
                chosen.append(index)
                if len(chosen) >= cap:
                    break
        batch *= growth
    return np.array(chosen, dtype=np.intp)


class ExchangeModel(Mechanism):
    """Equal-gain exchange of positions across issue pairs, then the compromise of the new positions."""

    name = "exchange"
    title = "Exchange (logrolling) model (Stokman & Van Oosten)"
    reference = "Stokman & Van Oosten 1994, in European Community Decision Making (Yale UP)"
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = ExchangeParams

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self.log: list[tuple[int, str, str, str, str, float]] = []
        retain_freed_memory()  # its per-round (M, N, N) temporaries otherwise page-fault (sim.core.heap)

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        p = self.params
        c, feasible = _all_candidates(state.position, state.salience, state.capability, p.limit, p.min_gain)
        take = c.subset(greedy_exchanges(c, state.n_issues, p.max_exchanges, among=feasible))
        pos = state.position
        # each position is in at most one exchange, so the moves can be applied together
        toward_l = np.sign(pos[take.o, take.j] - pos[take.i, take.j])
        toward_i = np.sign(pos[take.i, take.k] - pos[take.o, take.k])
        pos[take.i, take.j] += toward_l * take.d_i
        pos[take.o, take.k] += toward_i * take.d_l
        ids, iss = state.actor_ids, state.issue_ids
        done = [(ids[i], ids[o], iss[j], iss[k], g) for g, i, o, j, k in
                zip(take.gain.tolist(), take.i.tolist(), take.o.tolist(), take.j.tolist(), take.k.tolist(),
                    strict=True)]
        self.log.extend((state.round, *row) for row in done)
        state.clip()
        return RoundResult(offer=self.forecast(state), info={"exchanges": done})

    def forecast(self, state: NegotiationState) -> np.ndarray:
        return expected_outcome(state.position, state.capability[:, None] * state.salience)

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)
