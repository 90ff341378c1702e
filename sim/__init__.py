"""Stakeholder negotiation simulator: the fate of Russia's bases in Syria after Assad.

Public API (pandas out): :func:`load_scenario`, :func:`run`, :func:`compare`, :func:`compile_scenario`.
"""

from sim.experiments.compare import Comparison, compare
from sim.experiments.manifest import package_version
from sim.experiments.runner import RunResult, run
from sim.scenario import compile_scenario, evidence_report, load_scenario

__version__ = package_version()

__all__ = ["Comparison", "RunResult", "__version__", "compare", "compile_scenario", "evidence_report", "load_scenario",
           "run"]
