"""The small interface every negotiation mechanism implements, and the result of one round.

A mechanism owns the negotiation math of one round: it reads and updates a :class:`NegotiationState`, asks the
actors' policies for decisions where its protocol has decisions (proposals, responses), and says whether the
round closed an agreement. The model (``sim.model``) only sequences rounds; it never does negotiation math.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from sim.core.state import NegotiationState

if TYPE_CHECKING:
    from sim.policies.base import Policy


class NoParams(BaseModel):
    """Parameter model for mechanisms without parameters."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class RoundResult:
    """What happened in one round, as recorded by the model."""

    proposer: int | None = None
    offer: np.ndarray | None = None  # (M,) package on the table this round
    accepted: np.ndarray | None = None  # (N,) bool responses; non-voters are True
    agreement: np.ndarray | None = None  # (M,) agreed package if the round closed a deal
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class FinalOutcome:
    """The package that applies when the run ends, and whether it was agreed."""

    package: np.ndarray  # (M,)
    agreed: bool


class Mechanism(ABC):
    """Base class of all mechanisms. Subclasses set the class attributes and implement :meth:`step`.

    ``classifier`` describes the mechanism so tools can filter them (in the spirit of Axelrod's strategy
    classifiers): ``stochastic`` (uses the random generator), ``iterative`` (position dynamics over rounds),
    ``uses_proposals`` (asks policies to propose and respond), ``outcome`` ("agreement" or "forecast").
    """

    name: ClassVar[str]
    title: ClassVar[str]
    reference: ClassVar[str]
    classifier: ClassVar[dict[str, Any]]
    Params: ClassVar[type[BaseModel]] = NoParams

    def __init__(self, **params: Any) -> None:
        self.params = self.Params(**params)

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:  # noqa: B027
        """Prepare for a new replication (called once, before round 1)."""

    @abstractmethod
    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        """Play one round: may update ``state`` in place; returns what happened."""

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        """Outcome at the deadline when no round closed an agreement: the scenario's disagreement point."""
        return FinalOutcome(package=state.disagreement.copy(), agreed=False)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {"name": cls.name, "title": cls.title, "reference": cls.reference, **cls.classifier}
