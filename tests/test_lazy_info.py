"""Per-round info built on first read (issue 15): bdm's medians and counts and ktab's outcome distributions.

Reading a round's table late, after later rounds have moved the state, must give what building it at the round
gave; the tables behave as read-only mappings over the issue ids. bdm's classification and move choice (int8
kinds, one masked division) must equal the plain formulas bit for bit.
"""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.mechanisms import bdm_math as bm
from sim.mechanisms.bdm import BDMChallenge
from sim.mechanisms.bdm_math import CAPITULATION, COMPROMISE, CONFLICT, STATUS_QUO
from sim.mechanisms.ktab import KTABSpatial
from sim.mechanisms.lazy_info import LazyTable
from tests.mechanism_strategies import states


def rounds(mech, state, n):
    rng = np.random.default_rng(0)
    mech.start(state, rng)
    out = []
    for r in range(1, n + 1):
        state.round = r
        out.append(mech.step(state, rng, []))
    return out


def eager_bdm_table(state, kinds, before):
    """The table as main built it at the round (Condorcet medians before and after, counts of each kind)."""
    w = (state.capability[:, None] * state.salience).T
    mu_before = bm.condorcet_medians(before, w)
    mu_after = bm.condorcet_medians(state.position.T.astype(float), w)
    return {issue_id: {"median_before": float(mu_before[j]), "median": float(mu_after[j]),
                       "conflicts": int((kinds[j] == CONFLICT).sum()),
                       "compromises": int((kinds[j] == COMPROMISE).sum()),
                       "capitulations": int((kinds[j] == CAPITULATION).sum())}
            for j, issue_id in enumerate(state.issue_ids)}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(max_actors=8, max_issues=3))
def test_bdm_tables_read_late_equal_the_tables_built_at_the_round(state):
    state.n_rounds = 3
    twin = copy.deepcopy(state)
    late = rounds(BDMChallenge(stop="fixed"), state, 3)
    mech, rng = BDMChallenge(stop="fixed"), np.random.default_rng(0)
    mech.start(twin, rng)
    for r, result in enumerate(late, start=1):
        twin.round = r
        before = twin.position.T.astype(float)
        x = before.copy()
        _, kinds, _ = mech._round(twin, x, np.arange(twin.n_issues), mech._fixed_risk(twin))
        mech.step(twin, rng, [])
        assert dict(result.info["bdm"]) == eager_bdm_table(twin, kinds, before)
        assert list(result.info["bdm"]) == list(state.issue_ids) and len(result.info["bdm"]) == state.n_issues


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states(max_actors=8, max_issues=3))
def test_ktab_distributions_read_late_equal_those_built_at_the_round(state):
    state.n_rounds = 3
    twin = copy.deepcopy(state)
    late = rounds(KTABSpatial(), state, 3)
    mech, rng = KTABSpatial(), np.random.default_rng(0)
    mech.start(twin, rng)
    for r, result in enumerate(late, start=1):
        twin.round = r
        mech.step(twin, rng, [])
        if "distribution" in result.info:  # (not after convergence)
            assert dict(result.info["distribution"]) == mech.distributions(twin)
    assert np.array_equal(mech.forecast(twin), late[-1].offer)  # the kept distribution: the last round's


def test_lazy_table_builds_once_and_reads_like_a_dict():
    calls = []

    def build():
        calls.append(1)
        return {"a": 1, "b": 2}

    table = LazyTable(["a", "b"], build)
    assert len(table) == 2 and list(table) == ["a", "b"] and not calls  # keys and length need no build
    assert table["b"] == 2 and dict(table) == {"a": 1, "b": 2} and repr(table) == "{'a': 1, 'b': 2}"
    assert len(calls) == 1


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 9), st.integers(1, 3), st.integers(0, 2**32 - 1), st.booleans())
def test_kinds_and_compromise_fractions_equal_the_plain_formulas(n, m, seed, grid):
    rng = np.random.default_rng(seed)
    x = rng.choice([0.0, 50.0, 100.0], (m, n)) if grid else rng.uniform(0, 100, (m, n))
    a, b = rng.normal(0, 1, (2, m, n, n))
    a[rng.random(a.shape) < 0.1] = 0.0
    b[rng.random(b.shape) < 0.1] = 0.0
    kind = bm.classify(a, b, x)
    plain = np.where((a < 0) & (b > 0), np.where(np.abs(a) < b, COMPROMISE, CAPITULATION),
                     np.where((a > 0) & (b > a), CONFLICT, STATUS_QUO))
    plain[:, np.arange(n), np.arange(n)] = STATUS_QUO
    plain[bm.isclose(x[:, :, None], x[:, None, :])] = STATUS_QUO
    assert kind.dtype == np.int8 and np.array_equal(kind, plain)
    frac = np.divide(np.abs(a), np.where(b > 0, b, 1.0))
    frac[plain != COMPROMISE] = 1.0
    target = frac * (x[:, None, :] - x[:, :, None]) + x[:, :, None]
    move = np.abs(target - x[:, :, None])
    move[plain == STATUS_QUO] = np.inf
    chosen = np.take_along_axis(target, np.argmin(move, axis=2)[:, :, None], axis=2)[:, :, 0]
    expected = np.where((plain != STATUS_QUO).any(axis=2), chosen, x)
    assert np.array_equal(bm.choose_moves(x, kind, a, b, "smallest_move"), expected)
