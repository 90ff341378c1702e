"""The coercive bargaining mechanism against its theory: Rubinstein's split, individual rationality, no deal
without a zone, monotonicity in outside options, delay from private information, batch = model rows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.seeds import replication_seed
from sim.core.state import NegotiationState
from sim.core.utility import utilities
from sim.experiments.batch import run_batch
from sim.experiments.replication import run_replication
from sim.mechanisms.coercive import CoerciveBargaining
from sim.mechanisms.coercive_round import bottom_line_box
from sim.mechanisms.equilibrium import solve
from sim.mechanisms.frontier import Frontier
from sim.mechanisms.zone import issue_zones, package_zone
from sim.scenario import compile_scenario, load_scenario

BASELINE = "scenarios/baseline.yaml"


def two_player_state(ideal: np.ndarray, salience: np.ndarray, reservation: np.ndarray, outside: np.ndarray,
                     discount: np.ndarray, status_quo: np.ndarray | None = None) -> NegotiationState:
    n, m = ideal.shape
    sq = np.full(m, 50.0) if status_quo is None else status_quo
    return NegotiationState(
        actor_ids=tuple(f"A{i}" for i in range(n)), issue_ids=tuple(f"i{j}" for j in range(m)),
        position=ideal.astype(float).copy(), salience=salience.astype(float), capability=np.ones(n),
        risk=np.zeros(n), outside_option=outside.astype(float), reservation=reservation.astype(float),
        concession_beta=np.ones(n), veto=np.ones(n, dtype=bool), influence=np.zeros((n, n)),
        alignment=np.zeros((n, n)), status_quo=sq, disagreement=sq.copy(), is_base_issue=np.zeros(m, dtype=bool),
        n_rounds=60, discount=discount.astype(float))


def play(state: NegotiationState, seed: int = 0, rounds: int = 60, **params) -> tuple[str, np.ndarray | None, int]:
    """Run the mechanism alone on a fixed state: (status, agreed package, month)."""
    from sim.policies.base import Policy

    mech = CoerciveBargaining(**params)
    rng = np.random.default_rng(seed)
    mech.start(state, rng)
    policies = [Policy(), Policy()]
    for month in range(1, rounds + 1):
        state.round = month
        result = mech.step(state, rng, policies)
        if result.agreement is not None:
            return "signed", result.agreement, month
        if result.info.get("breakdown_by") is not None:
            return "breakdown", None, month
    return "unresolved", None, rounds


@pytest.mark.parametrize(("d1", "d2"), [(0.9, 0.8), (0.95, 0.95), (0.5, 0.99), (0.99, 0.9)])
def test_rubinstein_split(d1: float, d2: float) -> None:
    """One issue, zero interim and outside options, infinite horizon: proposer share (1 - d2) / (1 - d1 d2)."""
    state = two_player_state(np.array([[100.0], [0.0]]), np.ones((2, 1)), np.array([[0.0], [100.0]]),
                             np.zeros(2), np.array([d1, d2]))
    status, package, month = play(state, interim="none", tolerance=1e-10)
    assert status == "signed" and month == 1
    assert package[0] / 100.0 == pytest.approx((1 - d2) / (1 - d1 * d2), abs=1e-6)


def test_rubinstein_split_equilibrium_values() -> None:
    ideal = np.array([[100.0], [0.0]])
    f0 = Frontier.build(ideal[0], np.ones(1), ideal[1], np.ones(1), np.zeros(1), np.full(1, 100.0))
    f1 = Frontier.build(ideal[1], np.ones(1), ideal[0], np.ones(1), np.zeros(1), np.full(1, 100.0))
    eq = solve((f0, f1), np.zeros(2), np.zeros(2), np.array([0.9, 0.7]), tol=1e-12)
    assert eq.values[0][0] == pytest.approx((1 - 0.7) / (1 - 0.63), abs=1e-9)
    assert eq.values[1][1] == pytest.approx((1 - 0.9) / (1 - 0.63), abs=1e-9)


positions = st.floats(0, 100, allow_nan=False)
unit = st.floats(0.05, 1.0, allow_nan=False)


@st.composite
def random_states(draw: st.DrawFn, m_max: int = 3) -> NegotiationState:
    m = draw(st.integers(1, m_max))
    ideal = np.array([[draw(positions) for _ in range(m)] for _ in range(2)])
    salience = np.array([[draw(unit) for _ in range(m)] for _ in range(2)])
    reservation = np.array([[draw(positions) for _ in range(m)] for _ in range(2)])
    outside = np.array([draw(st.floats(0, 1)) for _ in range(2)])
    discount = np.array([draw(st.floats(0.5, 0.99)) for _ in range(2)])
    sq = np.array([draw(positions) for _ in range(m)])
    return two_player_state(ideal, salience, reservation, outside, discount, sq)


@settings(max_examples=60, deadline=None)
@given(random_states(), st.sampled_from(["complete", "private"]))
def test_individual_rationality_and_bottom_lines(state: NegotiationState, information: str) -> None:
    """No veto player, the proposer included, ends with a deal worth less than its outside option then, and every
    deal respects every bottom line."""
    outside = state.outside_option.copy()
    ideal, reservation = state.position.copy(), state.reservation.copy()
    status, package, _ = play(state, rounds=12, information=information)
    if status == "signed":
        assert (utilities(ideal, state.salience, package) >= outside - 1e-7).all()
        lo, hi = bottom_line_box(ideal, reservation)
        assert ((package >= lo - 1e-7) & (package <= hi + 1e-7)).all()


@settings(max_examples=60, deadline=None)
@given(random_states())
def test_no_deal_without_a_zone(state: NegotiationState) -> None:
    """When no package satisfies both bottom lines and both outside options, talks never end in a deal."""
    if not package_zone(state):
        assert play(state, rounds=12)[0] != "signed"


def test_no_deal_when_bottom_lines_do_not_overlap() -> None:
    state = two_player_state(np.array([[90.0], [10.0]]), np.ones((2, 1)), np.array([[60.0], [40.0]]),
                             np.array([0.2, 0.2]), np.array([0.95, 0.95]))
    assert not issue_zones(state)[0].exists
    assert play(state, rounds=24)[0] != "signed"


def test_no_deal_when_outside_options_exceed_the_pie() -> None:
    state = two_player_state(np.array([[100.0], [0.0]]), np.ones((2, 1)), np.array([[0.0], [100.0]]),
                             np.array([0.6, 0.6]), np.array([0.95, 0.95]))
    status, _, month = play(state, rounds=24)
    assert status == "breakdown" and month == 1  # walking away beats waiting for a deal that cannot come


def game_value(outside0: float, other: float = 0.3) -> float:
    """Player 0's utility from the game: the deal's value, or its outside option after a breakdown."""
    state = two_player_state(np.array([[90.0, 20.0], [10.0, 80.0]]), np.array([[0.8, 0.3], [0.4, 0.7]]),
                             np.array([[0.0, 100.0], [100.0, 0.0]]), np.array([outside0, other]),
                             np.array([0.95, 0.9]), np.array([50.0, 50.0]))
    ideal = state.position.copy()
    status, package, _ = play(state, rounds=30)
    if status == "signed":
        return float(utilities(ideal[0], state.salience[0], package))
    return outside0 if status == "breakdown" else float(utilities(ideal[0], state.salience[0],
                                                                  np.array([50.0, 50.0])))


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 0.9), st.floats(0.0, 0.1))
def test_raising_an_outside_option_never_lowers_its_owners_value(o: float, step: float) -> None:
    assert game_value(min(1.0, o + step)) >= game_value(o) - 1e-6


def test_complete_information_agrees_at_once_when_a_zone_exists() -> None:
    state = two_player_state(np.array([[90.0, 20.0], [10.0, 80.0]]), np.array([[0.8, 0.3], [0.4, 0.7]]),
                             np.array([[40.0, 70.0], [60.0, 30.0]]), np.array([0.1, 0.1]), np.array([0.95, 0.9]))
    assert play(state)[0:3:2] == ("signed", 1)


def screening_case(truth: float) -> NegotiationState:
    """One issue, ideals 90 and 10; player 1's true bottom line ``truth`` inside a public range 20-80."""
    state = two_player_state(np.array([[90.0], [10.0]]), np.ones((2, 1)), np.array([[30.0], [truth]]),
                             np.array([0.05, 0.05]), np.array([0.9, 0.9]))
    state.reservation_range = np.array([[[30.0, 30.0]], [[20.0, 80.0]]])
    return state


@pytest.mark.parametrize("truth", [35.0, 50.0, 65.0])
def test_private_information_delays_where_complete_information_does_not(truth: float) -> None:
    """Screening: under a wide prior the proposer first asks for more than a soft responder grants; complete
    information agrees in the first month (Cramton 1992; Fearon 1995)."""
    assert play(screening_case(truth), interim="none")[0:3:2] == ("signed", 1)
    status, package, month = play(screening_case(truth), interim="none", information="private")
    assert status == "signed"
    assert package[0] <= truth + 1e-7  # the responder's true bottom line holds
    if truth <= 35.0:  # a tough responder refuses the proposer's first, screening offer
        assert month > 1


def test_private_information_costs_months_on_average() -> None:
    months = [play(screening_case(t), interim="none", information="private")[2] for t in (25.0, 35.0, 45.0, 55.0)]
    assert np.mean(months) > 1.0


@pytest.mark.parametrize("params", [{}, {"information": "private"}, {"proposer": "capability"}])
def test_batch_rows_equal_model_rows(params: dict) -> None:
    compiled = compile_scenario(load_scenario(BASELINE))
    seeds = [replication_seed(3, r) for r in range(4)]
    batch = run_batch(compiled, seeds, mechanism_params=params, months=(6, 12))
    model = [run_replication(compiled, s, mechanism_params=params).summary((6, 12)) for s in seeds]
    for b, m in zip(batch, model, strict=True):
        assert b.keys() == m.keys()
        for key in b:
            same = b[key] == m[key] or (isinstance(b[key], float) and math.isnan(b[key]) and math.isnan(m[key]))
            assert same, (key, b[key], m[key])


def test_unresolved_runs_keep_the_base_at_its_presence() -> None:
    compiled = compile_scenario(load_scenario(BASELINE))
    rows = run_batch(compiled, [replication_seed(0, r) for r in range(40)], months=(12,))
    open_rows = [r for r in rows if r["status"] == "unresolved"]
    assert open_rows, "the baseline should leave some runs unresolved at the cap"
    for row in open_rows:
        assert row["state.tartus"].startswith("unresolved:")
        assert row["legal.tartus.m12"] in ("in_force", "suspended")
        assert not row["agreed"]
