"""The explicit list of mechanisms and the name -> class lookup.

A new mechanism is one module with one :class:`~sim.mechanisms.base.Mechanism` subclass, added to
:data:`MECHANISMS` below; the contract tests (tests/test_mechanism_contract.py) then run it automatically.
Modules are imported on first lookup, so importing this registry stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from pydantic import ValidationError

from sim.errors import MechanismError
from sim.mechanisms.base import Mechanism

#: name -> "module:Class" of every built-in mechanism, in the order tools list them.
MECHANISMS: dict[str, str] = {
    "coercive": "sim.mechanisms.coercive:CoerciveBargaining",
    "bargaining": "sim.mechanisms.bargaining:AlternatingOffers",
    "compromise": "sim.mechanisms.compromise:CompromiseModel",
    "bdm": "sim.mechanisms.bdm:BDMChallenge",
    "ktab": "sim.mechanisms.ktab:KTABSpatial",
    "ktab_smp": "sim.mechanisms.ktab_smp:KTABSMP",
    "exchange": "sim.mechanisms.exchange:ExchangeModel",
}

_LOADED: dict[str, type[Mechanism]] = {}


def _load(name: str) -> type[Mechanism]:
    if name not in _LOADED:
        module, _, cls = MECHANISMS[name].partition(":")
        loaded = getattr(import_module(module), cls)
        if loaded.name != name:
            raise MechanismError(f"{MECHANISMS[name]} is named '{loaded.name}', listed as '{name}'")
        _LOADED[name] = loaded
    return _LOADED[name]


def available() -> dict[str, type[Mechanism]]:
    """Every mechanism by name, sorted."""
    return {name: _load(name) for name in sorted(MECHANISMS)}


def get(name: str) -> type[Mechanism]:
    if name not in MECHANISMS:
        raise MechanismError(f"unknown mechanism '{name}'; expected one of: {', '.join(sorted(MECHANISMS))}")
    return _load(name)


def create(name: str, params: dict[str, Any] | None = None) -> Mechanism:
    """Instantiate mechanism ``name`` with validated ``params``."""
    cls = get(name)
    try:
        return cls(**(params or {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise MechanismError(f"bad parameters for mechanism '{name}': {problems}") from None
