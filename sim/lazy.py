"""Package attributes loaded on first use (PEP 562 module ``__getattr__``), so importing a package stays light:
``import sim`` or naming a figure format does not import Mesa, pandas or matplotlib."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_names(package: str, homes: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports each name in ``homes`` (name -> defining module) when
    first asked for, and caches it in the package so later look-ups skip the hook."""
    def __getattr__(name: str) -> Any:
        if name in homes:
            value = getattr(import_module(homes[name]), name)
            sys.modules[package].__dict__[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__
