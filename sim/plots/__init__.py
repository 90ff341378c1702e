"""Figures (matplotlib, Agg backend): run plots here; sweep plots in ``sim.sweeps.plots``."""

from sim.plots.run_plots import outcome_distribution, relation_network, save_run_plots, trajectories

__all__ = ["outcome_distribution", "relation_network", "save_run_plots", "trajectories"]
