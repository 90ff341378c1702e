"""The challenge model's round arithmetic, vectorised over issues: arrays are (M, N) and (M, N, N).

The equations are those of ``sim.mechanisms.bdm`` (Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011; see
its docstring). What this module adds is the cost: the published votes v_l(j, k) form an N x N x N tensor per
issue, but only two sums of it are ever used, and both follow from sorting the positions once:

* voter l prefers j to k exactly when it sits on j's side of the midpoint (x_j + x_k) / 2 (its distance
  transform d -> d^r_l is increasing), so sum_l max(0, v_l(j, k)) = sum over the voters on j's side of
  w_l (D_lk - D_lj), with D_lc = d_lc^r_l: two prefix sums over the actors sorted by position, O(N^2 log N);
* |v| = max(0, v_l(j, k)) + max(0, v_l(k, j)), so the all-pairs denominator is twice the sum of the positive
  parts and the pairwise one is S_jk + S_kj;
* with r = 1 the weighted-vote totals are linear, sum_l v_l(j, k) = T_k - T_j with T_c = sum_l w_l |x_l - x_c|,
  so the Condorcet median is the position with the smallest T (O(N^2)).

Results equal the direct tensor sums up to floating-point rounding (tests/test_bdm_reference.py compares the
two on random states). Each function takes every issue at once so numpy's per-call cost is paid once per round.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.side_votes import Sides

CONFLICT, COMPROMISE, CAPITULATION, STATUS_QUO = 1, 2, 3, 0
_KIND = np.arange(4, dtype=np.int8)  # the kinds as int8 scalars: the (M, N, N) kind arrays are int8
_TIE = 1e-12  # vote-total margin below which two positions tie (as in the direct computation)
BLOCK = 100_000  # most (M, N, N) elements play_round handles at once (see there)


def distances(x: np.ndarray, scale: np.ndarray, gap: np.ndarray | None = None) -> np.ndarray:
    """d[m, i, j] = |x_i - x_j| / scale_m for positions ``x`` (M, N) and per-issue ``scale`` (M,).

    ``gap`` (:func:`gaps`) may be passed when already known."""
    return (gaps(x) if gap is None else gap) / scale[:, None, None]


def gaps(x: np.ndarray) -> np.ndarray:
    """|x_i - x_j| at [m, i, j] (the same bits as |x_j - x_i|: IEEE subtraction is antisymmetric)."""
    return np.abs(x[:, :, None] - x[:, None, :])


def close_pairs(x: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """``isclose(x_i, x_j)`` at [m, i, j] from the :func:`gaps` of ``x``."""
    return gap <= 1e-8 + 1e-5 * np.abs(x)[:, None, :]


def condorcet_medians(x: np.ndarray, w: np.ndarray, gap: np.ndarray | None = None,
                      close: np.ndarray | None = None) -> np.ndarray:
    """Per issue: the position that wins every weighted pairwise vote (r = 1), else the largest total margin.

    Ties among positions within ``np.isclose`` count as wins; the first such actor in actor order is returned.
    Only candidates that win against a position with the smallest total loss T (beaten by nobody) are checked
    in full: any other position loses to it. ``gap`` and ``close`` (:func:`gaps`, :func:`close_pairs`) may be
    passed when already known.
    """
    gap = gaps(x) if gap is None else gap
    total_loss = (w[:, :, None] * gap).sum(axis=1)  # T[m, c]; votes for j over k: T_k - T_j
    fallback = np.argmin(total_loss, axis=1)
    issues = np.arange(x.shape[0])
    # j unbeaten needs a win against k* = argmin T, where T_k* - T_j <= 0: so j = k* or x_j close to x_k*
    best = x[issues, fallback][:, None]
    candidate = np.abs(x - best) <= 1e-8 + 1e-5 * np.abs(best)
    candidate[issues, fallback] = True
    m, j = np.nonzero(candidate)
    loss = total_loss[m]  # (C, N): the candidates' rows in full
    wins = (loss - total_loss[m, j][:, None] > _TIE) | isclose(x[m, j][:, None], x[m])
    wins[np.arange(j.size), j] = True
    unbeaten = np.zeros(x.shape, dtype=bool)
    unbeaten[m, j] = wins.all(axis=1)
    pick = np.where(unbeaten.any(axis=1), np.argmax(unbeaten, axis=1), fallback)
    return x[issues, pick]


def vote_support(x: np.ndarray, w: np.ndarray, d: np.ndarray, r: np.ndarray | None, sides: Sides | None = None
                 ) -> np.ndarray:
    """S[m, j, k] = sum_l max(0, w_l (D_lk - D_lj)), D = d^r_l (r (N,) or (M, N) per voter; None for r = 1).

    ``sides`` (``Sides.of(x)``) may be passed when several sums share the positions."""
    return _support(w, d, None if r is None else np.broadcast_to(r, x.shape), sides or Sides.of(x))


def probabilities(x: np.ndarray, w: np.ndarray, d: np.ndarray, r: np.ndarray | None, pairwise: bool,
                  sides: Sides | None = None) -> np.ndarray:
    """P[m, i, j]: probability that i's position beats j's (all-pairs or this pair's vote denominator)."""
    return _probabilities(vote_support(x, w, d, r, sides), pairwise)


def _zero_diagonal(a: np.ndarray) -> None:
    """a[m, j, j] = 0 for an (M, N, N) array (C-contiguous: through a strided view, one call, no index arrays)."""
    n = a.shape[1]
    if a.flags.c_contiguous:
        a.reshape(a.shape[0], n * n)[:, ::n + 1] = 0.0
    else:
        a[:, np.arange(n), np.arange(n)] = 0.0


def _u(base: np.ndarray, r: np.ndarray | None, clip: bool = True, out: np.ndarray | None = None) -> np.ndarray:
    """2 - 4 max(base, 0)^r (r None: exponent 1, bit-identical to base**1 without the power), into ``out``
    (default: ``base`` is overwritten). ``clip=False`` when base >= 0 is known (max(base, 0) is base then)."""
    into = base if out is None else out
    if clip:
        base = np.maximum(base, 0.0, out=into)
    if r is not None:
        base = np.power(base, r, out=into)
    np.multiply(base, 4.0, out=into)
    return np.subtract(2.0, into, out=into)


def isclose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.isclose(a, b)`` for finite arrays, without its overhead."""
    return np.abs(a - b) <= 1e-8 + 1e-5 * np.abs(b)


def utilities(d: np.ndarray, r: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(U_s, U_f, U_sq) at [m, i, j] with i's risk exponent ``r`` (M, N) (None: r = 1)."""
    view = None if r is None else r[:, :, None]
    usq = _u(np.full(d.shape[:2] + (1,), 0.5), view)
    half = 0.5 * d
    return _u(np.subtract(0.5, half), view), _u(np.add(0.5, half, out=half), view), usq


def expected_utility(prob: np.ndarray, u: tuple[np.ndarray, np.ndarray, np.ndarray], s: np.ndarray, q: float,
                     t: float, toward: np.ndarray | None, r: np.ndarray | None, *, received: bool = False
                     ) -> np.ndarray:
    """EU[m, i, j] from i's point of view: of i challenging j, or (``received``) of j challenging i.

    ``u`` are i's utilities (see :func:`utilities`); ``toward`` = (|x_i - mu| + |x_i - x_j|) / R is needed only
    when the status quo may change (q < 1).
    """
    us, uf, usq = u
    p, st = (prob.transpose(0, 2, 1), s[:, :, None]) if received else (prob, s[:, None, :])
    eu = p * us  # eu = st (p us + (1 - p) uf) + (1 - st) us - q usq, in place (same operations, same bits)
    lose = np.subtract(1, p)
    lose *= uf
    eu += lose
    eu *= st
    eu += np.multiply(1 - st, us, out=lose)
    eu -= q * usq
    if q < 1.0:
        tw = toward.transpose(0, 2, 1) if received else toward
        view = None if r is None else r[:, :, None]
        ub, uw = _u(0.5 - 0.25 * tw, view), _u(0.5 + 0.25 * tw, view)
        eu = eu - (1 - q) * (t * ub + (1 - t) * uw)
    n = prob.shape[1]
    eu[:, np.arange(n), np.arange(n)] = 0.0
    return eu


def endogenous_risk(security: np.ndarray) -> np.ndarray:
    """r[m, i] in [0.5, 2] from security[m, i] = sum_j EU_ji (Bueno de Mesquita's risk rule)."""
    lo, hi = security.min(axis=1, keepdims=True), security.max(axis=1, keepdims=True)
    spread = hi - lo
    flat = spread <= 1e-12
    big_r = (2 * security - hi - lo) / np.where(flat, 1.0, spread)
    return np.where(flat, 1.0, (1 - big_r / 3) / (1 + big_r / 3))


def classify(a: np.ndarray, b: np.ndarray, x: np.ndarray, close: np.ndarray | None = None) -> np.ndarray:
    """kind[m, i, j] of the pair from i's view: conflict, compromise, capitulation or status quo.

    ``close`` (:func:`close_pairs`) may be passed when already known."""
    conflict = np.greater(b, a)
    conflict &= a > 0  # b > a > 0 is a conflict
    yields = a < 0
    yields &= b > 0
    gives_less = np.less(np.negative(a), b)  # |a| < b where a < 0
    kind = np.where(yields, np.where(gives_less, _KIND[COMPROMISE], _KIND[CAPITULATION]), conflict.view(np.int8))
    np.copyto(kind, _KIND[STATUS_QUO], where=isclose(x[:, :, None], x[:, None, :]) if close is None else close)
    return kind


def choose_moves(x: np.ndarray, kind: np.ndarray, a: np.ndarray, b: np.ndarray, choice: str,
                 toward: np.ndarray | None = None) -> np.ndarray:
    """New positions (M, N): each actor takes one received offer by the ``choice`` rule (ties: first actor).

    ``toward`` = x_j - x_i at [m, i, j] may be passed when already known."""
    compromise = kind == COMPROMISE  # (then b > 0)
    frac = np.divide(np.abs(a), b, out=np.ones_like(a), where=compromise)  # |a| / b, else the whole way
    target = frac * (x[:, None, :] - x[:, :, None] if toward is None else toward)
    target += x[:, :, None]  # x_i + frac (x_j - x_i)
    offers = kind != STATUS_QUO
    move = np.subtract(target, x[:, :, None])
    np.abs(move, out=move)
    if choice == "smallest_move":
        move[~offers] = np.inf
        pick = move.argmin(axis=2)
    else:
        best = np.where(offers, kind, np.int8(STATUS_QUO + 99)).min(axis=2, keepdims=True)
        sub = offers & (kind == best)
        key = move
        if choice == "scholz_code":
            ai, bj = np.abs(a), np.abs(b)
            total = ai + bj
            weighted = np.divide(ai * x[:, :, None] + bj * x[:, None, :], total, out=np.full_like(total, np.inf),
                                 where=sub & (total > 0))
            key = np.where(best == COMPROMISE, weighted, move)
        pick = np.argmin(np.where(sub, key, np.inf), axis=2)
    rows, n = pick.size, pick.shape[1]
    chosen = target.take(pick.ravel() + np.arange(0, rows * n, n)).reshape(pick.shape)  # target[m, i, pick]
    return np.where(offers.any(axis=2), chosen, x)


def _eu(p: np.ndarray, lose: np.ndarray, us: np.ndarray, uf: np.ndarray, st: np.ndarray, q: float,
        usq: np.ndarray | None) -> np.ndarray:
    """st (p us + (1 - p) uf) + (1 - st) us - q usq with ``lose`` = 1 - p given: :func:`expected_utility`'s
    operations in its order (same bits), for q = 1 or before its q < 1 term; the diagonal is left as computed.
    ``usq`` None stands for U_sq = 0 (r = 1: 2 - 4 * 0.5), whose subtraction leaves every value as it is."""
    eu = np.multiply(p, us)
    part = np.multiply(lose, uf)
    eu += part
    eu *= st
    eu += np.multiply(1 - st, us, out=part)
    if usq is not None:
        eu -= q * usq
    return eu


def _support(w: np.ndarray, d: np.ndarray, r: np.ndarray | None, sides: Sides) -> np.ndarray:
    """:func:`vote_support` with r (M, N) or None and the sides given."""
    if r is None:
        values = w[:, :, None] * d
    else:
        values = np.power(d, r[:, :, None])
        values *= w[:, :, None]
    support = sides.sums(values)  # voters on j's side prefer j: D_lk >= D_lj
    return np.maximum(support, 0.0, out=support)


def _probabilities(support: np.ndarray, pairwise: bool) -> np.ndarray:
    """:func:`probabilities` from the vote support (overwritten in the global reading)."""
    if pairwise:
        denom = support + support.transpose(0, 2, 1)
        out = np.divide(support, denom, out=np.zeros_like(support), where=denom > 0)
    else:  # one denominator per issue (issues without votes get 0, as with a where= division)
        denom = 2.0 * support.sum(axis=(1, 2))
        ok = denom > 0
        out = np.divide(support, np.where(ok, denom, 1.0)[:, None, None], out=support)
        if not ok.all():
            out[~ok] = 0.0
    _zero_diagonal(out)
    return out


def play_round(x: np.ndarray, c: np.ndarray, s: np.ndarray, scale: np.ndarray, r_fixed: np.ndarray | None, *,
               q: float = 1.0, t: float = 1.0, pairwise: bool = False, vote_risk: bool = True,
               choice: str = "smallest_move", median: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One simultaneous round on every issue: (new positions (M, N), kinds (M, N, N), medians before (M,)).

    ``x`` and ``s`` are (M, N) (issues first), ``c`` (N,), ``scale`` (M,) the distance normaliser per issue and
    ``r_fixed`` (N,) fixed risk exponents or None for the endogenous rule. Issues whose positions already agree
    (range <= 1e-12) do not move. The median before the round is computed when ``median`` or q < 1 (else NaN).

    Issues are played separately, so when the (M, N, N) arrays outgrow about ``BLOCK`` elements (800 kB, so that
    a round's working arrays stay near the core's cache) the issues are played in equal blocks, with the same
    bits: every sum and choice of the round is within one issue.
    """
    n_issues, n = x.shape
    blocks = -(-n_issues * n * n // BLOCK)
    if blocks <= 1:
        return _play_block(x, c, s, scale, r_fixed, q, t, pairwise, vote_risk, choice, median)
    parts = [_play_block(x[i], c, s[i], scale[i], r_fixed, q, t, pairwise, vote_risk, choice, median)
             for i in np.array_split(np.arange(n_issues), min(blocks, n_issues))]
    new, kind, mu = (np.concatenate(out) for out in zip(*parts, strict=True))
    return new, kind, mu


def _play_block(x: np.ndarray, c: np.ndarray, s: np.ndarray, scale: np.ndarray, r_fixed: np.ndarray | None,
                q: float, t: float, pairwise: bool, vote_risk: bool, choice: str, median: bool
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`play_round` on one block of issues.

    The arithmetic is that of :func:`probabilities`, :func:`utilities` and :func:`expected_utility`, operation for
    operation (so the same bits: BDM's dynamics are chaotic, and the pinned results depend on them), with the work
    the round repeats done once: the utility bases 0.5 -+ d / 2 (shared by the r = 1 and the risk-exponent sets),
    1 - P (shared by EU_ij and EU_ji), and no max(base, 0) where base >= 0 is known.
    """
    n_issues, n = x.shape
    w = c[None, :] * s
    toward_j = x[:, None, :] - x[:, :, None]  # x_j - x_i; its absolute value is every |x_i - x_j| of the round
    gap = np.abs(toward_j)
    close = close_pairs(x, gap)
    mu = condorcet_medians(x, w, gap, close) if median or q < 1.0 else np.full(n_issues, np.nan)
    d = distances(x, scale, gap)
    sides = Sides.of(x)  # shared by both vote sums of the round
    toward = None
    if q < 1.0:
        toward = (np.abs(x - mu[:, None])[:, :, None] + gap) / scale[:, None, None]
    nonneg = bool((scale > 0).all())  # then d >= 0, and 0.5 + d / 2 > 0 needs no max(., 0)
    half = 0.5 * d
    win = np.maximum(np.subtract(0.5, half), 0.0)  # max(0.5 - d / 2, 0): U_s's base
    fail = np.add(0.5, half, out=half)  # U_f's base
    if not nonneg:
        np.maximum(fail, 0.0, out=fail)
    st, si = s[:, None, :], s[:, :, None]
    if r_fixed is None:
        prob = _probabilities(_support(w, d, None, sides), pairwise)
        us, uf = _u(win, None, False, np.empty_like(win)), _u(fail, None, False, np.empty_like(fail))
        eu1 = _eu(prob, np.subtract(1, prob), us, uf, st, q, None)  # U_sq = 2 - 4 * 0.5 = 0 at r = 1
        if q < 1.0:
            eu1 = _status_quo_term(eu1, toward, q, t, None, nonneg)
        _zero_diagonal(eu1)
        r = endogenous_risk(eu1.sum(axis=1))  # security_j = sum over challengers i of EU_ij
        del eu1, us, uf, prob
    else:
        r = np.broadcast_to(r_fixed, (n_issues, n))
    prob = _probabilities(_support(w, d, r if vote_risk else None, sides), pairwise)
    view = r[:, :, None]
    us, uf = _u(win, view, False), _u(fail, view, False)
    usq = np.power(0.5, view)  # U_sq = 2 - 4 * 0.5^r (max(0.5, 0) is 0.5)
    usq *= 4.0
    usq = np.subtract(2.0, usq, out=usq)
    lose = np.subtract(1, prob)
    a = _eu(prob, lose, us, uf, st, q, usq)  # EU_i(i challenges j)
    b = _eu(prob.transpose(0, 2, 1), lose.transpose(0, 2, 1), us, uf, si, q, usq)  # EU_i(j challenges i)
    if q < 1.0:
        a = _status_quo_term(a, toward, q, t, r, nonneg)
        b = _status_quo_term(b, toward.transpose(0, 2, 1), q, t, r, nonneg)
    _zero_diagonal(a)
    _zero_diagonal(b)
    kind = classify(a, b, x, close)
    new = choose_moves(x, kind, a, b, choice, toward_j)
    agreed = x.max(axis=1) - x.min(axis=1) <= 1e-12  # (np.ptp's arithmetic)
    if agreed.any():
        new[agreed] = x[agreed]
        kind[agreed] = STATUS_QUO
    return new, kind, mu


def _status_quo_term(eu: np.ndarray, tw: np.ndarray, q: float, t: float, r: np.ndarray | None, nonneg: bool
                     ) -> np.ndarray:
    """eu - (1 - q) (t U_b + (1 - t) U_w), as in :func:`expected_utility` (``tw`` already oriented)."""
    view = None if r is None else r[:, :, None]
    ub, uw = _u(0.5 - 0.25 * tw, view), _u(0.5 + 0.25 * tw, view, clip=not nonneg)
    return eu - (1 - q) * (t * ub + (1 - t) * uw)
