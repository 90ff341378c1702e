"""Name -> mechanism class lookup. New mechanisms register with :func:`register`."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from sim.errors import MechanismError
from sim.mechanisms.base import Mechanism

_REGISTRY: dict[str, type[Mechanism]] = {}


def register(cls: type[Mechanism]) -> type[Mechanism]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    _REGISTRY[cls.name] = cls
    return cls


def available() -> dict[str, type[Mechanism]]:
    """All registered mechanisms by name (importing the package registers the built-in ones)."""
    import sim.mechanisms  # noqa: F401  (registers built-ins)

    return dict(sorted(_REGISTRY.items()))


def get(name: str) -> type[Mechanism]:
    mechanisms = available()
    if name not in mechanisms:
        raise MechanismError(f"unknown mechanism '{name}'; expected one of: {', '.join(mechanisms)}")
    return mechanisms[name]


def create(name: str, params: dict[str, Any] | None = None) -> Mechanism:
    """Instantiate mechanism ``name`` with validated ``params``."""
    cls = get(name)
    try:
        return cls(**(params or {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise MechanismError(f"bad parameters for mechanism '{name}': {problems}") from None
