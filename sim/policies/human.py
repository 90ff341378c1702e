"""A human player as a decision policy: it returns the moves a player submitted for the current round.

The classroom session writes each team's submitted moves into its :class:`HumanPolicy` before the model
plays the round; the mechanism then asks this policy exactly as it asks a model-driven one (in the spirit of
Axelrod's ``Human`` strategy: the teaching aid reuses the research engine). When the player submitted
nothing, the policy follows the mechanism's suggestion (``fallback="model"``) or makes no move
(``fallback="none"``): it restates the actor's current position as its proposal,
withholds consent and adds no pressure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

import numpy as np

from sim.core.state import NegotiationState
from sim.policies.base import Policy, Pressure

Fallback = Literal["model", "none"]


class HumanPolicy(Policy):
    """Moves of one human-played actor for the round about to be played."""

    name: ClassVar[str] = "human"
    is_human: ClassVar[bool] = True

    def __init__(self, fallback: Fallback = "model") -> None:
        if fallback not in ("model", "none"):
            raise ValueError(f"fallback must be 'model' or 'none', got {fallback!r}")
        self.fallback: Fallback = fallback
        self.proposal: np.ndarray | None = None
        self.response: bool | None = None
        self.pressures: list[Pressure] = []

    def submit(self, proposal: Sequence[float] | np.ndarray | None = None, response: bool | None = None,
               pressures: Sequence[Pressure] = ()) -> None:
        """Replace this round's moves (None / empty means 'no move of that kind')."""
        self.proposal = None if proposal is None else np.asarray(proposal, dtype=float).copy()
        self.response = None if response is None else bool(response)
        self.pressures = list(pressures)

    def clear(self) -> None:
        """Forget the moves once the round has been played."""
        self.submit()

    @property
    def has_moves(self) -> bool:
        return self.proposal is not None or self.response is not None or bool(self.pressures)

    def propose(self, actor: int, state: NegotiationState, suggestion: np.ndarray) -> np.ndarray:
        if self.proposal is not None:
            return self.proposal.copy()
        if self.fallback == "model":
            return suggestion
        return state.position[actor].copy()

    def respond(self, actor: int, state: NegotiationState, offer: np.ndarray, suggestion: bool) -> bool:
        if self.response is not None:
            return self.response
        return suggestion if self.fallback == "model" else False

    def pressure(self, actor: int, state: NegotiationState) -> list[Pressure]:
        return list(self.pressures)
