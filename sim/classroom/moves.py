"""A player's move as submitted from a form, validated before it touches the session.

A move has up to three parts: a proposal (a package: one value per issue, 0-100), a response to the offer
of the round (accept or reject; absent = let the model decide, or no move), and pressure on other actors
(target, strength 0-1, optionally one issue). Bad input raises :class:`MoveError` with a message fit for
the form.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.classroom.errors import MoveError
from sim.policies.base import Pressure
from sim.policies.human import HumanPolicy


@dataclass(frozen=True)
class PressureMove:
    target: str
    strength: float
    issue: str | None = None


@dataclass(frozen=True)
class Move:
    proposal: dict[str, float] | None = None
    response: bool | None = None
    pressures: tuple[PressureMove, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"proposal": self.proposal, "response": self.response,
                "pressures": [{"target": p.target, "strength": p.strength, "issue": p.issue}
                              for p in self.pressures]}

    def to_pressures(self, actor_ids: Sequence[str], issue_ids: Sequence[str]) -> list[Pressure]:
        return [Pressure(target=list(actor_ids).index(p.target), strength=p.strength,
                         issue=None if p.issue is None else list(issue_ids).index(p.issue))
                for p in self.pressures]


def _number(value: Any, what: str, lo: float, hi: float) -> float:
    if isinstance(value, bool):
        raise MoveError(f"{what}: expected a number, got {value!r}")
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise MoveError(f"{what}: expected a number between {lo:g} and {hi:g}, got {value!r}") from None
    if not math.isfinite(number) or not lo <= number <= hi:
        raise MoveError(f"{what}: must be between {lo:g} and {hi:g}, got {value!r}")
    return number


def _response(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "model", "auto", "none", "no move"):
        return None
    if text in ("accept", "yes", "true"):
        return True
    if text in ("reject", "no", "false"):
        return False
    raise MoveError(f"response: expected 'accept', 'reject' or nothing, got {value!r}")


def parse_move(raw: Mapping[str, Any], actor: str, actor_ids: Sequence[str],
               issue_ids: Sequence[str]) -> Move:
    """Validate ``raw``: ``proposal`` {issue: value}, ``response``, ``pressures`` [{target, strength}]."""
    if not isinstance(raw, Mapping):
        raise MoveError("a move must be a mapping")
    unknown = set(raw) - {"proposal", "response", "pressures"}
    if unknown:
        raise MoveError(f"unknown move fields: {', '.join(sorted(unknown))}")
    proposal = None
    raw_proposal = raw.get("proposal")
    if raw_proposal:
        if not isinstance(raw_proposal, Mapping):
            raise MoveError("proposal: expected a value for each issue")
        extra = set(raw_proposal) - set(issue_ids)
        if extra:
            raise MoveError(f"proposal: unknown issues {', '.join(sorted(map(str, extra)))}")
        missing = [i for i in issue_ids if raw_proposal.get(i) in (None, "")]
        if missing:
            raise MoveError(f"proposal: give a value (0-100) for every issue; missing {', '.join(missing)}")
        proposal = {i: _number(raw_proposal[i], f"proposal.{i}", 0.0, 100.0) for i in issue_ids}
    pressures = []
    for k, item in enumerate(raw.get("pressures") or []):
        if not isinstance(item, Mapping):
            raise MoveError(f"pressure {k + 1}: expected target and strength")
        target = str(item.get("target") or "")
        if target not in actor_ids:
            raise MoveError(f"pressure {k + 1}: unknown target {target!r}")
        if target == actor:
            raise MoveError(f"pressure {k + 1}: an actor cannot press on itself")
        issue = item.get("issue") or None
        if issue is not None and issue not in issue_ids:
            raise MoveError(f"pressure {k + 1}: unknown issue {issue!r}")
        strength = _number(item.get("strength"), f"pressure {k + 1} strength", 0.0, 1.0)
        pressures.append(PressureMove(target, strength, issue))
    return Move(proposal=proposal, response=_response(raw.get("response")), pressures=tuple(pressures))


def feed(policies: Mapping[str, HumanPolicy], moves: Mapping[str, Move], actor_ids: Sequence[str],
         issue_ids: Sequence[str]) -> None:
    """Write each team's move into its actor's :class:`HumanPolicy` (no move: clear it)."""
    for actor, policy in policies.items():
        move = moves.get(actor)
        if move is None:
            policy.clear()
            continue
        proposal = None if move.proposal is None else [move.proposal[i] for i in issue_ids]
        policy.submit(proposal, move.response, move.to_pressures(actor_ids, issue_ids))
