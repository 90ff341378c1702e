"""Negotiation mechanisms: one module each, all behind :class:`sim.mechanisms.base.Mechanism`.

Importing this package registers the built-in mechanisms; look them up with ``registry.get(name)``.
"""

from sim.mechanisms import bargaining, compromise  # noqa: F401  (register)
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.registry import available, create, get, register

__all__ = ["FinalOutcome", "Mechanism", "RoundResult", "available", "create", "get", "register"]
from sim.mechanisms import bdm, exchange, ktab  # noqa: E402, F401, I001  (register; issue 3)
from sim.mechanisms import ktab_smp  # noqa: E402, F401, I001  (register; issue 12)
