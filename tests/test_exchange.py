"""Stokman's exchange model: equal gains, single-issue equivalence with the compromise model, invariants."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings

from sim.mechanisms.compromise import weighted_mean
from sim.mechanisms.exchange import ExchangeModel, candidate_exchanges, expected_outcome
from sim.validation.states import state_from_arrays
from tests.mechanism_strategies import play, states

# Two traders on opposite sides of both issues; A cares about issue 1, B about issue 0; C anchors the middle.
POS = np.array([[20.0, 20.0], [80.0, 80.0], [50.0, 50.0]])
SAL = np.array([[0.2, 0.9], [0.9, 0.2], [0.5, 0.5]])
CAP = np.array([1.0, 1.0, 1.0])


def losses(pos: np.ndarray) -> np.ndarray:
    out = expected_outcome(pos, CAP[:, None] * SAL)
    return (SAL * np.abs(out[None, :] - POS)).sum(axis=1)  # judged by the original ideal points


def test_equal_gain_exchange():
    cands = candidate_exchanges(POS, SAL, CAP)
    gain, i, other, j, k, d_i, d_o = cands[0]
    assert (i, other, j, k) == (0, 1, 0, 1)  # A yields on issue 0 (B's issue), B yields on issue 1
    new = POS.copy()
    new[i, j] += np.sign(POS[other, j] - POS[i, j]) * d_i
    new[other, k] += np.sign(POS[i, k] - POS[other, k]) * d_o
    gains = losses(POS) - losses(new)
    assert gains[0] == pytest.approx(gain) and gains[1] == pytest.approx(gain)
    assert gain > 0


def test_no_exchange_with_proportional_saliences():
    sal = np.array([[0.5, 0.5], [0.4, 0.4], [0.3, 0.3]])
    assert candidate_exchanges(POS, sal, CAP) == []


def test_single_issue_equals_compromise():
    rng = np.random.default_rng(3)
    state = state_from_arrays(rng.uniform(0, 100, (6, 1)), rng.uniform(0.1, 2, 6), rng.uniform(0.1, 1, (6, 1)))
    expected = weighted_mean(state.position, state.capability[:, None] * state.salience)
    assert np.allclose(play(ExchangeModel(), state), expected)


@settings(max_examples=40, deadline=None)
@given(states())
def test_bounds_and_determinism(state):
    twin = copy.deepcopy(state)
    package = play(ExchangeModel(), state)
    assert package.shape == (state.n_issues,)
    assert np.all((package >= 0) & (package <= 100))
    assert np.all((state.position >= 0) & (state.position <= 100))
    assert np.array_equal(package, play(ExchangeModel(), twin))


def test_forecast_stays_on_the_scale_when_every_position_is_at_its_end():
    """Found by hypothesis: a weighted mean of two positions at 100 came out 1 ulp above 100."""
    state = state_from_arrays(np.array([[75.0, 100.0], [0.0, 100.0]]), np.array([2.07194237, 0.27411221]),
                              np.array([[0.53955928, 0.32151131], [0.10123417, 0.41420044]]), n_rounds=1)
    package = play(ExchangeModel(), state)
    assert package[1] == 100.0 and 0 <= package[0] <= 75


@settings(max_examples=30, deadline=None)
@given(states(max_actors=6, max_issues=3))
def test_every_exchange_helps_both_traders(state):
    pos, sal, cap = state.position, state.salience, state.capability
    for gain, i, other, j, k, d_i, d_o in candidate_exchanges(pos, sal, cap)[:5]:
        new = pos.copy()
        new[i, j] += np.sign(pos[other, j] - pos[i, j]) * d_i
        new[other, k] += np.sign(pos[i, k] - pos[other, k]) * d_o
        out0 = expected_outcome(pos, cap[:, None] * sal)
        out1 = expected_outcome(new, cap[:, None] * sal)
        for actor in (i, other):
            before = (sal[actor] * np.abs(out0 - pos[actor])).sum()
            after = (sal[actor] * np.abs(out1 - pos[actor])).sum()  # judged by the actor's original ideal
            assert before - after == pytest.approx(gain, rel=1e-6, abs=1e-9)
