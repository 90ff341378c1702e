"""Figures (matplotlib, Agg backend): run plots here; sweep plots in ``sim.sweeps.plots``.

Loaded on first use, so naming a figure format (``sim.plots.formats``) does not import matplotlib."""

from sim.lazy import lazy_names

__all__ = ["outcome_distribution", "relation_network", "save_run_plots", "trajectories"]
__getattr__ = lazy_names(__name__, dict.fromkeys(__all__, "sim.plots.run_plots"))
