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
class BatchStep:
    """One round for A active replications: proposer index, offer, agreement and who walked away (-1: nobody)."""

    proposer: np.ndarray  # (A,)
    offer: np.ndarray  # (A, M)
    deal: np.ndarray  # (A,) bool
    breakdown_by: np.ndarray  # (A,) int, -1 when nobody walked away
    made: np.ndarray | None = None  # (A,) bool: an offer was on the table (None: always, as in every round)


@dataclass
class FinalOutcome:
    """The package that applies when the run ends, whether it was agreed, and the talks' end state."""

    package: np.ndarray  # (M,)
    agreed: bool
    status: str = ""  # signed | breakdown | unresolved | forecast; "" = from ``agreed`` (signed or breakdown)
    breakdown_by: int | None = None  # the veto player that walked away (None: none, or the deadline)

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "signed" if self.agreed else "breakdown"


class Mechanism(ABC):
    """Base class of all mechanisms. Subclasses set the class attributes and implement :meth:`step`.

    ``classifier`` describes the mechanism so tools can filter them (in the spirit of Axelrod's strategy
    classifiers): ``stochastic`` (uses the random generator), ``iterative`` (position dynamics over rounds),
    ``uses_proposals`` (asks policies to propose and respond), ``outcome`` ("agreement" or "forecast").
    ``batched``: the batch path (``sim.experiments.batch``) runs it over many replications at once;
    ``deadline``: ``rounds`` is its deadline, where :meth:`finish` applies; otherwise ``rounds`` is only the
    number of months simulated and talks still open then are reported as unresolved.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    reference: ClassVar[str]
    classifier: ClassVar[dict[str, Any]]
    Params: ClassVar[type[BaseModel]] = NoParams
    batched: ClassVar[bool] = False
    deadline: ClassVar[bool] = True
    veto_players: ClassVar[int | None] = None  # the number of veto players it is defined for (None: any)

    def __init__(self, **params: Any) -> None:
        self.params = self.Params(**params)

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:  # noqa: B027
        """Prepare for a new replication (called once, before round 1)."""

    @abstractmethod
    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        """Play one round: may update ``state`` in place; returns what happened."""

    def supports_batch(self) -> bool:
        """Whether :meth:`batch_start` / :meth:`batch_step` cover this instance's options."""
        return self.batched

    def batch_draws(self) -> bool:
        """Whether :meth:`batch_step` draws from the replications' generators (a batch then draws each month's
        event chances month by month, to keep every replication's stream in the model's order)."""
        return True

    def batch_start(self, arrays: dict[str, np.ndarray], veto: np.ndarray) -> None:
        """Prepare R replications at once from stacked parameter arrays (leading axis R); see ``batched``."""
        raise NotImplementedError(f"{self.name} has no batch path")

    def batch_step(self, arrays: dict[str, np.ndarray], active: np.ndarray, round_: int, n_rounds: int,
                   generators: Sequence[np.random.Generator]) -> BatchStep:
        """One round of the model policy for the ``active`` replications: the same arithmetic as :meth:`step`."""
        raise NotImplementedError(f"{self.name} has no batch path")

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        """Outcome at the deadline when no round closed an agreement: the scenario's disagreement point."""
        return FinalOutcome(package=state.disagreement.copy(), agreed=False)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {"name": cls.name, "title": cls.title, "reference": cls.reference, **cls.classifier}
