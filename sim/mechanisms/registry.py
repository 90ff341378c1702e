"""The explicit list of mechanisms and the name -> class lookup.

A new mechanism is one module with one :class:`~sim.mechanisms.base.Mechanism` subclass, added to
:data:`~sim.core.mechanism_list.MECHANISMS` (the list lives on the ground floor, so the scenario layer can check a
name without importing mechanisms); the contract tests (tests/test_mechanism_contract.py) then run it
automatically. Modules are imported on first lookup, so importing this registry stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from sim.core.mechanism_list import MECHANISMS, unknown_mechanism
from sim.errors import MechanismError, ScenarioError
from sim.mechanisms.base import Mechanism

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

__all__ = ["MECHANISMS", "available", "check_scenario_mechanism", "create", "get"]

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
    problem = unknown_mechanism(name)
    if problem:
        raise MechanismError(problem)
    return _load(name)


def create(name: str, params: dict[str, Any] | None = None) -> Mechanism:
    """Instantiate mechanism ``name`` with validated ``params``."""
    cls = get(name)
    try:
        return cls(**(params or {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise MechanismError(f"bad parameters for mechanism '{name}': {problems}") from None


def check_scenario_mechanism(scenario: Scenario) -> None:
    """Build ``scenario``'s mechanism once with the file's parameters; a bad parameter is a ScenarioError naming
    the file and line of ``mechanism`` (the loader checks only the name: it sits below the mechanisms)."""
    try:
        create(scenario.mechanism.name, scenario.mechanism.params)
    except MechanismError as exc:
        where = scenario.line_of("mechanism.params") or scenario.line_of("mechanism")
        raise ScenarioError(str(exc), file=where[0] if where else scenario.path, line=where[1] if where else None,
                            field="mechanism") from None
