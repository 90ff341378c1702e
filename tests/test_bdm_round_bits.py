"""bdm's round is bit for bit the round as first vectorised (issue 15, session 6).

BDM's dynamics are chaotic (a last-bit difference grows tenfold every few rounds, and the pinned convergence in
tests/test_bdm_convergence.py depends on it), so the cheaper round must do the same floating-point operations in
the same order. The reference below is the previous code's arithmetic, written out: prefix sums by ``cumsum``
along the voters in an [issue, plane, count, column] layout, one utility set at a time with max(base, 0) on
every base, 1 - P computed for each expected utility, U_sq subtracted at r = 1, all issues at once. Any
reformulation (exp/log powers, a rearranged EU, a reordered sum, a block that mixes issues) fails these tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.mechanisms import bdm_math as bm
from sim.mechanisms.side_votes import Sides, below_counts


def reference_sums(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    """S[m, j, k] = sum over the voters on j's side of f[m, l, k] - f[m, l, j], as the previous code summed it."""
    m_, n = x.shape
    order = np.argsort(x, axis=1, kind="stable")
    ya, yb, count = below_counts(np.take_along_axis(x, order, axis=1))
    a, b = np.triu_indices(n, 1)
    plane = (n + 1) * n
    base = count * n + (np.arange(m_) * 2 * plane)[:, None]
    lower, upper = order[:, a], order[:, b]
    issue = (np.arange(m_) * n * n)[:, None]
    cell = np.empty(m_ * n * n, dtype=np.intp)
    cell[(issue + lower * n + upper).ravel()] = (base + np.where(ya < yb, 0, plane)).ravel()
    cell[(issue + upper * n + lower).ravel()] = (base + plane).ravel()
    diag = ((np.arange(m_) * n * n)[:, None] + np.arange(n) * (n + 1)).ravel()
    cell[diag] = np.repeat(np.arange(m_) * 2 * plane, n)
    cell = cell.reshape(m_, n, n)
    prefix = np.empty((m_, 2, n + 1, n))
    prefix[:, 0, 0] = 0.0
    ranked = np.take(f.reshape(m_ * n, n), order + (np.arange(m_) * n)[:, None], axis=0)
    np.cumsum(ranked, axis=1, out=prefix[:, 0, 1:])
    np.subtract(prefix[:, 0, n:], prefix[:, 0], out=prefix[:, 1])
    column = np.arange(n)
    return np.take(prefix, cell + column) - np.take(prefix, cell + column[:, None])


def reference_round(x, c, s, scale, r_fixed, q, t, pairwise, vote_risk, choice, median):
    """The round as the previous code computed it (see the module docstring)."""
    m_, n = x.shape
    eye = np.arange(n)
    w = c[None, :] * s
    toward_j = x[:, None, :] - x[:, :, None]
    gap = np.abs(toward_j)
    close = gap <= 1e-8 + 1e-5 * np.abs(x)[:, None, :]
    mu = bm.condorcet_medians(x, w, gap, close) if median or q < 1.0 else np.full(m_, np.nan)
    d = gap / scale[:, None, None]
    toward = (np.abs(x - mu[:, None])[:, :, None] + gap) / scale[:, None, None] if q < 1.0 else None

    def prob(r):
        values = w[:, :, None] * d if r is None else np.power(d, r[:, :, None]) * w[:, :, None]
        support = np.maximum(reference_sums(x, values), 0.0)
        if pairwise:
            denom = support + support.transpose(0, 2, 1)
            out = np.divide(support, denom, out=np.zeros_like(support), where=denom > 0)
        else:
            denom = 2.0 * support.sum(axis=(1, 2))
            ok = denom > 0
            out = support / np.where(ok, denom, 1.0)[:, None, None]
            out[~ok] = 0.0
        out[:, eye, eye] = 0.0
        return out

    def u(base, r):
        base = np.maximum(base, 0.0)
        return 2.0 - 4.0 * (base if r is None else np.power(base, r[:, :, None]))

    def eu(p, us, uf, usq, st_, r, tw):
        e = p * us + (1 - p) * uf
        e *= st_
        e += (1 - st_) * us
        e -= q * usq
        if q < 1.0:
            e = e - (1 - q) * (t * u(0.5 - 0.25 * tw, r) + (1 - t) * u(0.5 + 0.25 * tw, r))
        e[:, eye, eye] = 0.0
        return e

    def utilities(r):
        half = 0.5 * d
        return u(0.5 - half, r), u(0.5 + half, r), u(np.full((m_, n, 1), 0.5), r)

    if r_fixed is None:
        p1 = prob(None)
        eu1 = eu(p1, *utilities(None), s[:, None, :], None, toward)
        security = eu1.sum(axis=1)
        lo, hi = security.min(axis=1, keepdims=True), security.max(axis=1, keepdims=True)
        flat = hi - lo <= 1e-12
        big_r = (2 * security - hi - lo) / np.where(flat, 1.0, hi - lo)
        r = np.where(flat, 1.0, (1 - big_r / 3) / (1 + big_r / 3))
    else:
        r = np.broadcast_to(r_fixed, (m_, n))
    p = prob(r if vote_risk else None)
    us, uf, usq = utilities(r)
    a = eu(p, us, uf, usq, s[:, None, :], r, toward)
    b = eu(p.transpose(0, 2, 1), us, uf, usq, s[:, :, None], r, None if toward is None else toward.transpose(0, 2, 1))
    kind = np.where((a < 0) & (b > 0), np.where(np.abs(a) < b, bm.COMPROMISE, bm.CAPITULATION),
                    np.where((a > 0) & (b > a), bm.CONFLICT, bm.STATUS_QUO)).astype(np.int8)
    kind[close] = bm.STATUS_QUO
    new = bm.choose_moves(x, kind, a, b, choice, toward_j)  # (its own bits are pinned in tests/test_lazy_info.py)
    agreed = np.ptp(x, axis=1) <= 1e-12
    new[agreed] = x[agreed]
    kind[agreed] = bm.STATUS_QUO
    return new, kind, mu


def positions(rng: np.random.Generator, m: int, n: int, kind: str) -> np.ndarray:
    if kind == "grid":
        return rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], (m, n))
    if kind == "near":  # ties and near-ties within and just outside np.isclose
        return 50.0 + rng.choice([0.0, 1e-9, 1e-7, 1e-4, 3.0], (m, n)) * rng.integers(-2, 3, (m, n))
    x = rng.uniform(0, 100, (m, n))
    if kind == "agreed":
        x[0] = x[0, 0]
    return x


def same_bits(u: np.ndarray, v: np.ndarray) -> bool:
    return u.dtype == v.dtype and u.shape == v.shape and u.tobytes() == v.tobytes()


@settings(max_examples=150, deadline=None)
@given(n=st.integers(1, 9), m=st.integers(1, 5), seed=st.integers(0, 2**32 - 1),
       kind=st.sampled_from(["grid", "continuous", "near", "agreed"]),
       risk=st.sampled_from(["endogenous", "fixed"]), q=st.sampled_from([1.0, 0.6, 0.0]),
       t=st.sampled_from([1.0, 0.3]), pairwise=st.booleans(), vote_risk=st.booleans(),
       choice=st.sampled_from(["smallest_move", "type_priority", "scholz_code"]),
       scale=st.sampled_from(["range", "scale", "other"]), median=st.booleans(), block=st.sampled_from([None, 1, 40]))
def test_the_round_is_bit_for_bit_the_previous_round(n, m, seed, kind, risk, q, t, pairwise, vote_risk, choice,
                                                      scale, median, block):
    rng = np.random.default_rng(seed)
    x = positions(rng, m, n, kind)
    c = rng.uniform(0, 2, n) * (rng.random(n) > 0.1)
    s = rng.uniform(0, 1, (m, n)) * (rng.random((m, n)) > 0.1)
    span = np.ptp(x, axis=1)
    sc = {"range": np.where(span != 0, span, 1.0), "scale": np.full(m, 100.0), "other": rng.uniform(0.5, 60, m)}
    r_fixed = None if risk == "endogenous" else 2.0 ** rng.uniform(-1, 1, n)
    args = (x, c, s, sc[scale], r_fixed)
    options = dict(q=q, t=t, pairwise=pairwise, vote_risk=vote_risk, choice=choice, median=median)
    with pytest.MonkeyPatch.context() as patch:
        if block is not None:  # issues played in blocks (of 1 element: one issue each; of 40: one or more)
            patch.setattr(bm, "BLOCK", block)
        got = bm.play_round(*args, **options)
    want = reference_round(*args, **options)
    assert all(same_bits(u, v) for u, v in zip(got, want, strict=True))


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 30), m=st.integers(1, 4), seed=st.integers(0, 2**32 - 1),
       kind=st.sampled_from(["grid", "continuous", "near"]))
def test_side_sums_are_bit_for_bit_the_cumsum_sums(n, m, seed, kind):
    rng = np.random.default_rng(seed)
    x = positions(rng, m, n, kind)
    f = rng.uniform(0, 3, (m, n, 1)) * np.abs(x[:, :, None] - x[:, None, :]) ** rng.uniform(0.5, 2.0)
    assert same_bits(Sides.of(x).sums(f), reference_sums(x, f))


@pytest.mark.parametrize("size", [(20, 30), (2, 120)])
def test_blocks_of_issues_give_the_bits_of_one_block(size, monkeypatch):
    """A benchmark-like round (hundreds of thousands of elements: several blocks) equals the one-block round."""
    m, n = size
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 100, (m, n))
    args = (x, rng.uniform(0.1, 2, n), rng.uniform(0, 1, (m, n)), np.ptp(x, axis=1), None)
    monkeypatch.setattr(bm, "BLOCK", 4 * n * n)
    blocked = bm.play_round(*args, median=True)
    monkeypatch.setattr(bm, "BLOCK", 10**9)
    whole = bm.play_round(*args, median=True)
    assert all(same_bits(u, v) for u, v in zip(blocked, whole, strict=True))
