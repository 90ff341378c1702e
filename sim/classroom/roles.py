"""Roles, join codes and who may do what.

Join codes come from :mod:`secrets` (not from the game seed: a seed in a log or a report must not let anyone
derive a code). They are written to the session log so a restarted server accepts the same codes; the log
is the facilitator's file and must be kept private like the codes themselves.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from sim.classroom.errors import PermissionDenied

FACILITATOR = "facilitator"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


def new_code(groups: int = 2, size: int = 5) -> str:
    """A random code like ``K7PQM-2XRTA`` (50 bits with the defaults)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


@dataclass(frozen=True)
class Role:
    """One actor; ``human`` roles have a join code and a team, the others are played by the model."""

    actor_id: str
    name: str
    human: bool
    code: str | None = None


@dataclass(frozen=True)
class Principal:
    """Who is acting: a role's actor id, or :data:`FACILITATOR`."""

    id: str

    @property
    def is_facilitator(self) -> bool:
        return self.id == FACILITATOR


class Roster:
    """The session's roles and the facilitator code; turns a code into a :class:`Principal`."""

    def __init__(self, roles: dict[str, Role], facilitator_code: str) -> None:
        self.roles = roles
        self.facilitator_code = facilitator_code

    @property
    def human_ids(self) -> list[str]:
        return [a for a, r in self.roles.items() if r.human]

    def authenticate(self, code: str | None) -> Principal:
        given = normalise_code(code or "")
        if not given:
            raise PermissionDenied("enter a join code")
        if hmac.compare_digest(given, normalise_code(self.facilitator_code)):
            return Principal(FACILITATOR)
        for actor_id, role in self.roles.items():
            if role.code and hmac.compare_digest(given, normalise_code(role.code)):
                return Principal(actor_id)
        raise PermissionDenied("unknown join code")

    def facilitator(self, code: str | None) -> Principal:
        principal = self.authenticate(code)
        if not principal.is_facilitator:
            raise PermissionDenied("only the facilitator can do this")
        return principal

    def player(self, code: str | None) -> Principal:
        principal = self.authenticate(code)
        if principal.is_facilitator:
            raise PermissionDenied("the facilitator does not play a role; join with a team's code")
        return principal
