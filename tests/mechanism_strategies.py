"""Hypothesis strategies shared by the forecast-mechanism tests: random N x M negotiation states."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from sim.core.state import NegotiationState
from sim.mechanisms.base import Mechanism
from sim.validation.runner import run_mechanism
from sim.validation.states import state_from_arrays


@st.composite
def states(draw: st.DrawFn, max_actors: int = 7, max_issues: int = 3) -> NegotiationState:
    n = draw(st.integers(2, max_actors))
    m = draw(st.integers(1, max_issues))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    grid = draw(st.booleans())  # DEU-like coarse positions (many ties) or continuous ones
    pos = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], size=(n, m)) if grid else rng.uniform(0, 100, (n, m))
    sal = rng.uniform(0.05, 1.0, (n, m))
    cap = rng.uniform(0.05, 5.0, n)
    return state_from_arrays(pos, cap, sal, rng.uniform(0, 100, m), n_rounds=draw(st.integers(1, 6)))


def play(mechanism: Mechanism, state: NegotiationState, seed: int = 0) -> np.ndarray:
    """Run all rounds of ``state`` and return the final package (as the model would)."""
    return run_mechanism(mechanism, state, np.random.default_rng(seed))
