"""Sampling designs: one small module per method, each with the same two verbs.

``sample(spec) -> ndarray (points x parameters)`` and ``analyze(spec, X, Y) -> DataFrame`` where ``Y`` holds
one output's per-point mean (NaN for points not run yet: analyses use the complete part of a partial sweep).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


def get(name: str) -> ModuleType:
    """The design module for ``name`` (oat, grid, lhs, sobol, morris)."""
    if name not in ("oat", "grid", "lhs", "sobol", "morris"):
        raise KeyError(name)
    return import_module(f"{__name__}.{name}")
