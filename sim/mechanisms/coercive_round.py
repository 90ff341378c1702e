"""One month of coercive bargaining for many replications at once (shape-generic over a leading axis R).

Used by the ``coercive`` mechanism for one replication (R = 1, inside the Mesa model) and by the batch path for
thousands, so both run exactly the same arithmetic. See ``coercive.py`` for the model and its references.

Private information (Fudenberg & Tirole 1983; Cramton 1992; Fearon 1995): each veto player's *resolve* is
private. The other side models it as a type theta on a grid over [0, 1] (uniform prior): type theta has bottom
lines at the fraction theta of the public range of each bottom line, counted from the generous end toward its own
ideal, and an outside option at centre + (2 theta - 1) w (its public range). A viewer's equilibrium for a type
is the complete-information equilibrium with the other player at that type; events that move an outside option
are public, so a type's outside option moves with the truth. After each refusal the proposer down-weights (by a
``tremble``) the types that would have accepted. Complete information is the grid collapsed on the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.core.utility import utilities
from sim.mechanisms.equilibrium import Equilibrium, Turn, solve
from sim.mechanisms.frontier import TOLERANCE, Frontier


@dataclass
class RoundInputs:
    """The two veto players of R replications this month, and the types each imagines for the other."""

    ideal: np.ndarray  # (R, 2, M)
    salience: np.ndarray  # (R, 2, M)
    reservation: np.ndarray  # (R, 2, M) true bottom lines
    outside: np.ndarray  # (R, 2) true outside options now
    flow: np.ndarray  # (R, 2) interim utility this month
    delta: np.ndarray  # (R, 2) discount factors
    recognition: np.ndarray | None  # (R, 2) proposer probabilities, None when they alternate
    type_reservation: np.ndarray  # (R, 2, G, M) bottom lines of player i's candidate types
    type_outside: np.ndarray  # (R, 2, G) outside options of player i's candidate types now
    complete: bool = False  # complete information: the one type of each player is the truth

    @classmethod
    def build(cls, position: np.ndarray, salience: np.ndarray, reservation: np.ndarray, pair: np.ndarray,
              outside: np.ndarray, interim: np.ndarray | None, discount: np.ndarray, capability: np.ndarray,
              recognition: bool, type_reservation: np.ndarray, type_outside: np.ndarray,
              complete: bool = False) -> RoundInputs:
        """From full (R, N, M) / (R, N) arrays; ``pair`` is the (2,) veto index pair; ``interim`` (R, M) or None
        (no interim payoff: the classic discounting game); ``complete`` says the types are the truth."""
        ideal, sal = position[:, pair], salience[:, pair]
        flow = (utilities(ideal, sal, interim[:, None, :]) if interim is not None
                else np.zeros(ideal.shape[:2]))
        probs = None
        if recognition:
            weights = capability[:, pair]
            total = weights.sum(axis=-1, keepdims=True)
            probs = np.where(total > 0, weights / np.where(total > 0, total, 1.0), 0.5)
        return cls(ideal, sal, reservation[:, pair], outside[:, pair], flow, discount[:, pair], probs,
                   type_reservation, type_outside, complete)


def bounds(ideal: np.ndarray, other: np.ndarray, reservation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lowest, highest) value one player accepts per issue: its bottom line bounds how far it concedes toward
    the other's ideal. A bottom line on the far side of its own ideal (an inverted one) means it concedes nothing
    there; where both ideals coincide it binds nothing."""
    lower = np.where(ideal > other, np.minimum(reservation, ideal), 0.0)
    upper = np.where(ideal < other, np.maximum(reservation, ideal), 100.0)
    return lower, upper


def bottom_line_box(ideal: np.ndarray, reservation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The interval (lo, hi) per issue that both players' bottom lines allow, from (..., 2, M) arrays; lo > hi
    on an issue means no package satisfies both there (no zone of agreement)."""
    l0, u0 = bounds(ideal[..., 0, :], ideal[..., 1, :], reservation[..., 0, :])
    l1, u1 = bounds(ideal[..., 1, :], ideal[..., 0, :], reservation[..., 1, :])
    return np.maximum(l0, l1), np.minimum(u0, u1)


def within(package: np.ndarray, ideal: np.ndarray, other: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """Whether ``package`` respects one player's bottom lines (arrays (..., M))."""
    lower, upper = bounds(ideal, other, reservation)
    return ((package >= lower - TOLERANCE) & (package <= upper + TOLERANCE)).all(axis=-1)


@dataclass
class Decision:
    """What the model's players do this month (before any human policy overrides it)."""

    offer: np.ndarray  # (R, M) the proposer's package (meaningful where ``made``)
    made: np.ndarray  # (R,) the proposer puts a serious offer on the table
    accept: np.ndarray  # (R,) the responder accepts it
    keep_responder: np.ndarray  # (R,) what the responder keeps by refusing, as it sees it
    walk: np.ndarray  # (R, 2) without a deal, this veto player walks away
    zone: np.ndarray  # (R,) a package exists that both true players accept now (complete-information zone)
    type_accepts: np.ndarray  # (R, G) which responder types (as the proposer sees them) accept the offer
    surplus: np.ndarray  # (R, 2) outside option minus own value of continuing (> 0: walks away)


def _viewer_arrays(inp: RoundInputs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per viewer v and type g of the other: (ideal (R,2,G,2,M), reservation (R,2,G,2,M), outside (R,2,G,2))."""
    r, g, m = inp.type_outside.shape[0], inp.type_outside.shape[2], inp.ideal.shape[-1]
    ideal = np.broadcast_to(inp.ideal[:, None, None], (r, 2, g, 2, m))
    res = np.broadcast_to(inp.reservation[:, None, None], (r, 2, g, 2, m)).copy()
    out = np.broadcast_to(inp.outside[:, None, None], (r, 2, g, 2)).copy()
    for v in (0, 1):
        res[:, v, :, 1 - v] = inp.type_reservation[:, 1 - v]
        out[:, v, :, 1 - v] = inp.type_outside[:, 1 - v]
    return ideal, res, out


def _frontier_pair(ideal: np.ndarray, salience: np.ndarray, reservation: np.ndarray) -> tuple[Frontier, Frontier]:
    """Frontiers (0 proposes to 1, 1 proposes to 0) on the bottom-line box, from (..., 2, M) arrays."""
    lo, hi = bottom_line_box(ideal, reservation)
    i0, i1, s0, s1 = ideal[..., 0, :], ideal[..., 1, :], salience[..., 0, :], salience[..., 1, :]
    return Frontier.build(i0, s0, i1, s1, lo, hi), Frontier.build(i1, s1, i0, s0, lo, hi)


def decide(inp: RoundInputs, proposer: np.ndarray, belief: np.ndarray, tol: float = 1e-7) -> Decision:
    """The model's month: the proposer's (screening) offer, the responder's answer, walk-away decisions.

    ``proposer`` (R,) in {0, 1}; ``belief`` (R, 2, G): viewer v's belief over the other's types.
    """
    n = proposer.shape[0]
    rows = np.arange(n)
    if inp.complete:
        frontiers, eq, truth = _complete_game(inp, tol)
    else:
        ideal, res, out = _viewer_arrays(inp)
        shape = out.shape
        sal = np.broadcast_to(inp.salience[:, None, None], ideal.shape)
        flow = np.broadcast_to(inp.flow[:, None, None], shape)
        delta = np.broadcast_to(inp.delta[:, None, None], shape)
        recog = None if inp.recognition is None else np.broadcast_to(inp.recognition[:, None, None], shape)
        frontiers = _frontier_pair(ideal, sal, res)
        eq, truth = solve(frontiers, out, flow, delta, recog, tol=tol), None
    p, q = proposer, 1 - proposer
    turns: tuple[Turn, Turn] = (eq.turn(0), eq.turn(1))

    def this_month(a0: np.ndarray, a1: np.ndarray) -> np.ndarray:
        return np.where((p == 0).reshape((-1,) + (1,) * (a0.ndim - 1)), a0, a1)

    keep = this_month(turns[0].keep, turns[1].keep)  # (R, viewer, G, player)
    cont = this_month(turns[0].cont, turns[1].cont)
    keep_r_types = keep[rows, p][rows, :, q]  # (R, G) responder's threshold per type, as the proposer sees it
    keep_p_types = keep[rows, p][rows, :, p]
    b_p = belief[rows, p]
    no_deal = (b_p * keep_p_types).sum(axis=-1)
    # candidate c: the best package for the proposer that type c of the responder would accept
    val0, val1 = frontiers[0].value(keep[..., 1]), frontiers[1].value(keep[..., 0])
    cand = this_month(frontiers[0].offer(keep[..., 1]), frontiers[1].offer(keep[..., 0]))[rows, p]  # (R, C, M)
    v_p = this_month(val0[0], val1[0])[rows, p]
    feasible = this_month(val0[2], val1[2])[rows, p]
    # accepts[r, c, g]: responder type g accepts candidate c
    ideal_q, sal_q = inp.ideal[rows, q], inp.salience[rows, q]
    worth = utilities(ideal_q[:, None, :], sal_q[:, None, :], cand)  # (R, C)
    ideal_p = inp.ideal[rows, p]
    inside = within(cand[:, :, None, :], ideal_q[:, None, None, :], ideal_p[:, None, None, :],
                    inp.type_reservation[rows, q][:, None])
    accepts = inside & (worth[:, :, None] >= keep_r_types[:, None, :] - TOLERANCE)
    accept_prob = (b_p[:, None, :] * accepts).sum(axis=-1)
    expected = accept_prob * v_p + (1.0 - accept_prob) * no_deal[:, None]
    valid = feasible & (v_p >= no_deal[:, None] - TOLERANCE) & (accept_prob > 0)
    best = np.argmax(np.where(valid, expected, -np.inf), axis=-1)
    made = valid.any(axis=-1)
    offer = cand[rows, best]
    keep_own = (belief[rows, q] * keep[rows, q][rows, :, q]).sum(axis=-1)  # the responder's own view
    accept = made & responder_accepts(inp, offer, q, keep_own)
    cont_own = np.stack([(belief[:, v] * cont[:, v, :, v]).sum(axis=-1) for v in (0, 1)], axis=-1)
    zone = zone_exists(inp, truth)
    return Decision(offer, made, accept, keep_own, inp.outside > cont_own + TOLERANCE, zone,
                    accepts[rows, best], inp.outside - cont_own)


def _complete_game(inp: RoundInputs, tol: float) -> tuple[tuple[Frontier, Frontier], Equilibrium, Frontier]:
    """Complete information: both viewers and the one type of each player see the true game, so it is built and
    solved once per replication (R, 1, 1) and shared by both viewers (broadcast: the same numbers as solving each
    viewer's copy, since the solver works element by element). Also returns the true game's frontier (player 0
    proposing), (R, M), for :func:`zone_exists`."""
    r = inp.ideal.shape[0]
    single = _frontier_pair(inp.ideal[:, None, None], inp.salience[:, None, None], inp.reservation[:, None, None])
    out, flow, delta = inp.outside[:, None, None], inp.flow[:, None, None], inp.delta[:, None, None]
    recog = None if inp.recognition is None else inp.recognition[:, None, None]
    half = solve(single, out, flow, delta, recog, tol=tol)

    def both(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(x, (r, 2, 1) + x.shape[3:])

    frontiers = (Frontier(*(both(getattr(single[0], f.name)) for f in fields(Frontier))),
                 Frontier(*(both(getattr(single[1], f.name)) for f in fields(Frontier))))
    values = np.broadcast_to(half.values, (2, r, 2, 1, 2)).copy()
    eq = Equilibrium(frontiers, both(out), both(flow), both(delta), None if recog is None else both(recog), values,
                     half.iterations)
    return frontiers, eq, single[0].take((slice(None), 0, 0))


def zone_exists(inp: RoundInputs, truth: Frontier | None = None) -> np.ndarray:
    """Whether a package exists inside both true bottom lines that both would take over walking away now.
    ``truth``: the true game's frontier with player 0 proposing, when the caller has it already."""
    lo, hi = bottom_line_box(inp.ideal, inp.reservation)
    f0 = truth if truth is not None else _frontier_pair(inp.ideal, inp.salience, inp.reservation)[0]
    v0, _, ok = f0.value(inp.outside[:, 1])
    return (lo <= hi + TOLERANCE).all(axis=-1) & ok & (v0 >= inp.outside[:, 0] - TOLERANCE)


def responder_accepts(inp: RoundInputs, offer: np.ndarray, responder: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The responder accepts a package inside both players' bottom lines worth at least what refusing keeps."""
    rows = np.arange(offer.shape[0])
    lo, hi = bottom_line_box(inp.ideal, inp.reservation)
    inside = ((offer >= lo - TOLERANCE) & (offer <= hi + TOLERANCE)).all(axis=-1)
    worth = utilities(inp.ideal[rows, responder], inp.salience[rows, responder], offer)
    return inside & (worth >= keep - TOLERANCE)


def update_beliefs(belief: np.ndarray, type_accepts: np.ndarray, refused: np.ndarray, proposer: np.ndarray,
                   tremble: float) -> None:
    """After a refusal, the proposer keeps only ``tremble`` of the weight on types that would have accepted.

    In place on ``belief`` (R, 2, G); ``type_accepts`` (R, G) as in :class:`Decision`."""
    rows = np.flatnonzero(refused)
    if not rows.size:
        return
    p = proposer[rows]
    b = belief[rows, p] * np.where(type_accepts[rows], tremble, 1.0)
    total = b.sum(axis=-1, keepdims=True)
    belief[rows, p] = np.where(total > 0, b / np.where(total > 0, total, 1.0), 1.0 / b.shape[-1])
