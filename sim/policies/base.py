"""Decision policies: how one actor decides when a mechanism asks it to.

A policy never computes negotiation math. The mechanism computes what the model would do (the *suggestion*) and
passes it in; a model-driven policy returns it, a scripted policy returns its script, a human policy returns what
the player submitted. So a human player is just another policy and the model needs no change to host one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from sim.core.state import NegotiationState


@dataclass(frozen=True)
class Pressure:
    """Extra pressure ``actor`` puts on ``target`` this round, pulling it toward the actor's position.

    ``issue`` None means every issue; ``strength`` in [0, 1] scales the pull like a relation's influence.
    """

    target: int
    strength: float
    issue: int | None = None


class Policy:
    """Default behaviour: follow the mechanism's suggestion, add no pressure beyond the relation graph."""

    name: ClassVar[str] = "model"
    is_human: ClassVar[bool] = False

    def propose(self, actor: int, state: NegotiationState, suggestion: np.ndarray) -> np.ndarray:
        """Package (one value per issue) that ``actor`` puts on the table."""
        return suggestion

    def respond(self, actor: int, state: NegotiationState, offer: np.ndarray, suggestion: bool) -> bool:
        """Whether ``actor`` accepts ``offer``."""
        return suggestion

    def pressure(self, actor: int, state: NegotiationState) -> list[Pressure]:
        """Pressure beyond the relation graph that ``actor`` exerts this round."""
        return []
