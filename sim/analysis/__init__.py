"""Tables and statistics computed from run results."""

from sim.analysis.intervals import mean_interval, wilson_interval
from sim.analysis.tables import issue_means, outcome_table

__all__ = ["issue_means", "mean_interval", "outcome_table", "wilson_interval"]
