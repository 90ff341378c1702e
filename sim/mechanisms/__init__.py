"""Negotiation mechanisms: one module each, all behind :class:`sim.mechanisms.base.Mechanism`.

The explicit list lives in :mod:`sim.mechanisms.registry`; look mechanisms up with ``registry.get(name)``.
"""

from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.registry import MECHANISMS, available, create, get

__all__ = ["MECHANISMS", "FinalOutcome", "Mechanism", "RoundResult", "available", "create", "get"]
