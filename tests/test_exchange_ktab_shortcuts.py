"""Session 6 shortcuts in exchange and ktab (issue 15) against the formulas they replace, bit for bit.

The ``previous_*`` functions are the code of main at 325a2d5 (sim/mechanisms/exchange.py and ktab_math.py):

* exchange now enumerates issue pairs j < k only and orients each trade by the sign of s_ik s_lj - s_ij s_lk,
  derives actors and issues from the cells, drops taken candidates with one 32-bit read of four flag bytes and
  sorts a batch with an unstable argsort when no gains tie; candidates, exchanges and their order must be the
  previous ones, also with tied gains, zero capabilities or saliences (without a division by zero),
  ``limit="partner"``, small batches and a small cap;
* ktab's bargain round skips the multiplications by u_j(x_j) = 1 and the masked division when no claim is zero,
  and counts rejections directly; the strengths read the sorted voters by flat index, and with rho = 1 the
  contest probabilities are divided per pair of ranks before they are spread; all must give the previous bits,
  also for a general u (diagonal not 1), zero saliences, rho != 1, gamma != 1 and positions that tie or sit a
  hair apart.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.mechanisms import ktab_math as km
from sim.mechanisms.exchange import (
    Candidates,
    _all_candidates,
    _Found,
    candidate_arrays,
    expected_outcome,
    greedy_exchanges,
)
from sim.mechanisms.side_votes import below_counts, pairs
from tests.test_mech_fast_paths import positions  # grid ties and near pairs, as for bdm's fast path

FIELDS = ("gain", "i", "o", "j", "k", "d_i", "d_l")


def previous_candidates(position: np.ndarray, salience: np.ndarray, capability: np.ndarray, limit: str,
                        min_gain: float) -> Candidates:
    """main's candidate_arrays: the mask over every ordered issue pair j != k."""
    n, m = position.shape
    weight = capability[:, None] * salience
    total = weight.sum(axis=0)
    a = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    out = expected_outcome(position, weight)
    side = np.sign(position - out[None, :]).T
    first, second = pairs(1, n)[:2]
    opposite = np.take(side, first, axis=1) * np.take(side, second, axis=1) < 0
    sal_t, a_t = salience.T, a.T
    s_first, s_second = np.take(sal_t, first, axis=1), np.take(sal_t, second, axis=1)
    sides = ((opposite & (np.take(a_t, first, axis=1) > 0))[:, None, :]
             & (opposite & (np.take(a_t, second, axis=1) > 0))[None, :, :])
    sides[np.arange(m), np.arange(m)] = False
    j, pair = np.divmod(np.flatnonzero(sides), first.size)
    j, k = np.divmod(j, m)
    jp, kp = j * first.size + pair, k * first.size + pair
    num = np.take(s_first, kp) * np.take(s_second, jp) - np.take(s_first, jp) * np.take(s_second, kp)
    keep = np.flatnonzero(num > 0)
    j, k, pair, num = j[keep], k[keep], pair[keep], num[keep]
    i, o = first[pair], second[pair]
    ij, ik, oj, ok = i * m + j, i * m + k, o * m + j, o * m + k
    sal, pos, af = salience.ravel(), position.ravel(), a.ravel()
    s_ij, s_ik, s_oj, s_ok = sal[ij], sal[ik], sal[oj], sal[ok]
    a_ij, a_lk = af[ij], af[ok]
    gap = np.abs(out[None, :] - position).ravel()
    room_i, room_l = (np.abs(pos[oj] - pos[ij]), np.abs(pos[ik] - pos[ok])) if limit == "partner" else (gap[ij],
                                                                                                       gap[ok])
    room_i = np.minimum(room_i, gap[oj] / a_ij)
    room_l = np.minimum(room_l, gap[ik] / a_lk)
    ratio = a_ij * (s_ij + s_oj) / (a_lk * (s_ik + s_ok))
    positive = ratio > 0
    d_i = np.where(positive, np.minimum(room_i, np.divide(room_l, ratio, out=np.zeros_like(ratio), where=positive)),
                   0.0)
    gain = d_i * a_ij * num / (s_ik + s_ok)
    found = Candidates(gain, i, o, j, k, d_i, d_i * ratio)
    return found.subset((gain > min_gain) & (d_i > 0))


def previous_greedy(c: Candidates, cap: int) -> list[tuple]:
    """The greedy pass over the fully sorted list (decreasing gain, then i, l, j, k), as main defined it."""
    order = np.lexsort((c.k, c.j, c.o, c.i, -c.gain))
    used: set[tuple[int, int]] = set()
    taken = []
    for x in order.tolist():
        if len(taken) >= cap:
            break
        four = {(c.i[x], c.j[x]), (c.i[x], c.k[x]), (c.o[x], c.j[x]), (c.o[x], c.k[x])}
        if used.isdisjoint(four):
            used |= four
            taken.append(tuple(getattr(c, f)[x].item() for f in FIELDS))
    return taken


def rows(c: Candidates) -> list[tuple]:
    return sorted(tuple(getattr(c, f)[x].item() for f in FIELDS) for x in range(c.gain.size))


def exchange_state(rng: np.random.Generator, n: int, m: int, kind: str) -> tuple[np.ndarray, ...]:
    if kind == "grid":  # equal positions and saliences: tied gains
        pos = rng.choice([0.0, 20.0, 50.0, 80.0, 100.0], (n, m))
        sal = rng.choice([0.25, 0.5, 1.0], (n, m))
        cap = rng.choice([1.0, 2.0], n)
    else:
        pos, sal, cap = rng.uniform(0, 100, (n, m)), rng.uniform(0.05, 1, (n, m)), rng.uniform(0.1, 1, n)
    if kind == "zeros":  # some shares a_ij = 0
        sal[rng.random((n, m)) < 0.2] = 0.0
        cap[rng.random(n) < 0.2] = 0.0
    return pos, sal, cap


@settings(max_examples=150)
@given(st.integers(2, 14), st.integers(1, 5), st.integers(0, 2**32 - 1), st.sampled_from(["grid", "uniform",
                                                                                         "zeros"]),
       st.sampled_from(["outcome", "partner"]), st.sampled_from([0, 1, 3, 1000]), st.sampled_from([1, 4, 256]))
def test_exchange_candidates_and_greedy_pass_are_the_previous_ones(n, m, seed, kind, limit, cap, batch):
    pos, sal, cap_ = exchange_state(np.random.default_rng(seed), n, m, kind)
    before = previous_candidates(pos, sal, cap_, limit, 1e-6)
    with np.errstate(all="raise"):  # the previous mask kept zero shares out of every division; so must this
        now = candidate_arrays(pos, sal, cap_, limit, 1e-6)
    assert rows(now) == rows(before)  # the same floats (== on Python floats of the same doubles)
    assert now.cells is not None and np.array_equal(now.cells, np.stack([now.i * m + now.j, now.i * m + now.k,
                                                                          now.o * m + now.j, now.o * m + now.k], 1))
    expected = previous_greedy(before, cap)
    for c, among in ((now, None), _all_candidates(pos, sal, cap_, limit, 1e-6)):
        chosen = greedy_exchanges(c, m, cap, first_batch=batch, among=among)
        taken = c.subset(chosen)
        assert [tuple(getattr(taken, f)[x].item() for f in FIELDS) for x in range(chosen.size)] == expected
    bare = Candidates(*(getattr(now, f) for f in FIELDS))  # without cells: computed by the greedy pass
    assert np.array_equal(greedy_exchanges(bare, m, cap, first_batch=batch), greedy_exchanges(now, m, cap,
                                                                                               first_batch=batch))


@settings(max_examples=100)
@given(st.integers(1, 200), st.integers(0, 2**32 - 1), st.sampled_from([1, 3, 1000]))
def test_found_order_is_the_full_tie_order(size, seed, distinct_gains):
    rng = np.random.default_rng(seed)
    m = 5
    i, o = rng.integers(0, 6, size), rng.integers(6, 12, size)
    j, k = rng.integers(0, m, size), rng.integers(0, m, size)
    gain = rng.integers(0, distinct_gains, size).astype(float)
    cells = np.stack([i * m + j, i * m + k, o * m + j, o * m + k], 1)
    found = _Found(gain, np.ones(size), np.ones(size), cells, m)
    index = rng.permutation(size)[: max(1, size // 2)]
    expected = index[np.lexsort((k[index], j[index], o[index], i[index], -gain[index]))]
    assert np.array_equal(found.order(index), expected)
    assert np.array_equal(Candidates(gain, i, o, j, k, np.ones(size), np.ones(size)).order(index), expected)


def previous_bargain_round(x: np.ndarray, s: np.ndarray, prob: np.ndarray, u: np.ndarray, rho: float) -> np.ndarray:
    """main's bargain_round."""
    n = x.shape[1]
    diagonal = (slice(None), np.arange(n), np.arange(n))
    xi, xj = x[:, :, None], x[:, None, :]
    weight_i = prob * s[:, :, None]
    denom = weight_i + weight_i.transpose(0, 2, 1)
    theta = np.divide(weight_i, denom, out=np.full_like(denom, 0.5), where=denom > 0)
    bargain = theta * xi + (1 - theta) * xj
    own = u[diagonal]

    def util(diff: np.ndarray) -> np.ndarray:
        v = 1.0 - np.abs(diff) / 100.0
        return v if rho == 1.0 else v ** rho

    target_u = util(bargain - xj)
    contest_u = prob.transpose(0, 2, 1) * own[:, None, :] + prob * u.transpose(0, 2, 1) - 1e-12
    accept = target_u >= contest_u
    accept[diagonal] = False
    accept &= ~(np.abs(xi - xj) <= 1e-8 + 1e-5 * np.abs(xj))
    gain = (util(bargain - xi) - prob * own[:, :, None]) * 1e-9 + target_u
    gain[~accept] = -np.inf
    pick = np.argmax(gain, axis=1)
    chosen = np.take_along_axis(bargain, pick[:, None, :], axis=1)[:, 0, :]
    return np.where(accept.any(axis=1), chosen, x)


def previous_linear_strengths(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """main's linear_strengths."""
    n_issues, n = x.shape
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ya, yb, count = below_counts(xs)
    a, b, diagonal = pairs(n_issues, n)
    ws = np.take_along_axis(w, order, axis=1)
    cum = np.zeros((2, n_issues, n + 1))
    np.cumsum(ws, axis=1, out=cum[0, :, 1:])
    np.cumsum(ws * (xs / 100.0), axis=1, out=cum[1, :, 1:])
    at_mid = np.take(cum.reshape(2, -1), count + (np.arange(n_issues) * (n + 1))[:, None], axis=1)
    at_low, at_high = np.take(cum, a + 1, axis=2), np.take(cum, b, axis=2)
    ya, yb = ya / 100.0, yb / 100.0
    span, total = yb - ya, ya + yb
    low = span * at_low[0] + total * (at_mid[0] - at_low[0]) - 2.0 * (at_mid[1] - at_low[1])
    high = span * (cum[0, :, n:] - at_high[0]) + 2.0 * (at_high[1] - at_mid[1]) - total * (at_high[0] - at_mid[0])
    tie = span == 0.0
    low[tie] = 0.0
    high[tie] = 0.0
    lower, upper = np.take(order, a, axis=1), np.take(order, b, axis=1)
    issue = (np.arange(n_issues) * n * n)[:, None]
    out = np.empty(n_issues * n * n)
    out[(issue + lower * n + upper).ravel()] = low.ravel()
    out[(issue + upper * n + lower).ravel()] = high.ravel()
    out[diagonal] = 0.0
    return np.maximum(out, 0.0, out=out).reshape(n_issues, n, n)


@settings(max_examples=150)
@given(st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**32 - 1), st.sampled_from(["grid", "uniform", "near"]),
       st.sampled_from([1.0, 0.5, 2.0]), st.booleans(), st.booleans(), st.booleans())
def test_ktab_bargain_round_and_strengths_are_the_previous_bits(n, m, seed, kind, rho, general_u, transposed,
                                                                  zero_salience):
    rng = np.random.default_rng(seed)
    x = positions(rng, m, n, kind)
    if transposed:  # the model passes (M, N) views of (N, M) arrays, column-major
        x = np.asfortranarray(x)
    s = rng.uniform(0.0, 1.0, (m, n))
    if zero_salience:  # zero claims on both sides: theta falls back to 1/2
        s[rng.random((m, n)) < 0.4] = 0.0
    w = rng.uniform(0.0, 2.0, (m, n)) * s
    u = km.utility(x, rho)
    if general_u:  # a diagonal other than 1 takes the general path
        u = u * rng.uniform(0.5, 1.0, u.shape)
    prob = km.contest_probabilities(x, w, 1.0, rho)
    now, before = km.bargain_round(x, s, prob, u, rho), previous_bargain_round(x, s, prob, u, rho)
    assert now.tobytes() == before.tobytes()  # bit for bit (tobytes reads either layout in C order)
    assert km.linear_strengths(x, w).tobytes() == previous_linear_strengths(x, w).tobytes()
    for gamma in (1.0, 0.5, 2.0, 3.3):  # rho = 1: the probabilities are divided per pair of ranks
        strength = previous_linear_strengths(x, w)
        if gamma != 1.0:
            strength **= gamma
        total = strength + strength.transpose(0, 2, 1)
        before = np.divide(strength, total, out=np.full_like(strength, 0.5), where=total > 0)
        assert km.contest_probabilities(x, w, gamma, 1.0).tobytes() == before.tobytes()
