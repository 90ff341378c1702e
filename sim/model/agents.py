"""Stakeholder agents: who acts. Their numbers live in the model's arrays; an agent is a named view plus a policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.policies.base import Policy, Pressure

if TYPE_CHECKING:
    from sim.model.model import NegotiationModel


class Stakeholder(mesa.Agent):
    """One actor of the scenario (Russia, Damascus, Turkey, ...), deciding through its ``policy``."""

    def __init__(self, model: NegotiationModel, actor_id: str, index: int, name: str, policy: Policy) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.index = index
        self.name = name
        self.policy = policy

    @property
    def position(self) -> np.ndarray:
        return self.model.state.position[self.index]

    @property
    def salience(self) -> np.ndarray:
        return self.model.state.salience[self.index]

    @property
    def is_veto(self) -> bool:
        return bool(self.model.state.veto[self.index])

    def pressure_moves(self) -> list[Pressure]:
        """Extra pressure this actor chooses to exert this round (none for model-driven actors)."""
        return self.policy.pressure(self.index, self.model.state)
