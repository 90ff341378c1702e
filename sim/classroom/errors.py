"""Errors the classroom reports to players and the facilitator (all are :class:`sim.errors.SimError`)."""

from __future__ import annotations

from sim.errors import SimError


class ClassroomError(SimError):
    """Base class of classroom errors; the message is shown to the user as is."""


class PermissionDenied(ClassroomError):
    """The code given does not allow this action."""


class PhaseError(ClassroomError):
    """The action is not possible in the current phase (or the game is over)."""


class MoveError(ClassroomError):
    """A submitted move or facilitator input is malformed; nothing was changed."""


class ReplayError(ClassroomError):
    """A session log cannot be replayed (wrong scenario, corrupt record)."""
