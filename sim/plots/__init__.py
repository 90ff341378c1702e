"""Figures (matplotlib, Agg backend): run plots here; sweep plots in ``sim.sweeps.plots``.

Loaded on first use, so naming a figure format (``sim.plots.formats``) does not import matplotlib."""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["outcome_distribution", "relation_network", "save_run_plots", "trajectories"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(import_module("sim.plots.run_plots"), name)
    raise AttributeError(f"module 'sim.plots' has no attribute {name!r}")
