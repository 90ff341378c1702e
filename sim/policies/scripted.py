"""A policy that plays a fixed script of moves per round, falling back to the model's suggestion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.core.state import NegotiationState
from sim.policies.base import Policy, Pressure


class ScriptedPolicy(Policy):
    """Moves keyed by round number: ``proposals[r]`` a package, ``responses[r]`` a bool, ``pressures[r]``.

    Used in tests and for replaying a recorded game: any round without a scripted move follows the model.
    """

    name = "scripted"

    def __init__(self, proposals: Mapping[int, Sequence[float]] | None = None,
                 responses: Mapping[int, bool] | None = None,
                 pressures: Mapping[int, Sequence[Pressure]] | None = None) -> None:
        self.proposals = {r: np.asarray(p, dtype=float) for r, p in (proposals or {}).items()}
        self.responses = dict(responses or {})
        self.pressures = {r: list(p) for r, p in (pressures or {}).items()}

    def propose(self, actor: int, state: NegotiationState, suggestion: np.ndarray) -> np.ndarray:
        return self.proposals.get(state.round, suggestion)

    def respond(self, actor: int, state: NegotiationState, offer: np.ndarray, suggestion: bool) -> bool:
        return self.responses.get(state.round, suggestion)

    def pressure(self, actor: int, state: NegotiationState) -> list[Pressure]:
        return self.pressures.get(state.round, [])
