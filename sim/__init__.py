"""Stakeholder negotiation simulator: the fate of Russia's bases in Syria after Assad.

Public API (pandas out): :func:`load_scenario`, :func:`run`, :func:`compile_scenario`.
"""

from sim.experiments.manifest import package_version
from sim.experiments.runner import RunResult, run
from sim.scenario import compile_scenario, evidence_report, load_scenario

__version__ = package_version()

__all__ = ["RunResult", "__version__", "compile_scenario", "evidence_report", "load_scenario", "run"]
