"""The Mesa model and its Stakeholder agents (loaded on first use: the batch path records rounds without Mesa)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {"NegotiationModel": "sim.model.model", "RoundRecord": "sim.model.records",
          "Stakeholder": "sim.model.agents"}

__all__ = ["NegotiationModel", "RoundRecord", "Stakeholder"]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'sim.model' has no attribute {name!r}")
