"""Who was asked to vote on a round's offer, what they answered, and whether a team or the model answered.

The mechanism decides who votes (in ``bargaining``: every veto player except the proposer; influencers never).
Rather than restating that rule, the classroom gives every actor a policy that writes into a shared
:class:`Ballot` whenever the mechanism asks it to respond. The adjudication then reports exactly the votes the
mechanism counted, and says for each whether the team answered or the model answered for it. The policies
return what the plain ones would (the model's suggestion, or the team's move), so the game is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.core.state import NegotiationState
from sim.policies.base import Policy
from sim.policies.human import Fallback, HumanPolicy


@dataclass
class Ballot:
    """The votes cast in the round being played, by actor index: ``{"accept": bool, "by": "team"|"model"}``."""

    votes: dict[int, dict[str, Any]] = field(default_factory=dict)

    def clear(self) -> None:
        self.votes = {}

    def by_actor(self, actor_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {actor_ids[i]: dict(v) for i, v in sorted(self.votes.items())}


class ModelVoter(Policy):
    """The model's own policy for an actor no team plays, recording its votes."""

    def __init__(self, ballot: Ballot) -> None:
        self.ballot = ballot

    def respond(self, actor: int, state: NegotiationState, offer: np.ndarray, suggestion: bool) -> bool:
        answer = super().respond(actor, state, offer, suggestion)
        self.ballot.votes[actor] = {"accept": bool(answer), "by": "model"}
        return answer


class TeamVoter(HumanPolicy):
    """A team's :class:`HumanPolicy`, recording its votes and whether the team or its fallback gave them."""

    def __init__(self, fallback: Fallback, ballot: Ballot) -> None:
        super().__init__(fallback)
        self.ballot = ballot

    def respond(self, actor: int, state: NegotiationState, offer: np.ndarray, suggestion: bool) -> bool:
        by = "team" if self.response is not None else "model" if self.fallback == "model" else "no answer"
        answer = super().respond(actor, state, offer, suggestion)
        self.ballot.votes[actor] = {"accept": bool(answer), "by": by}
        return answer
