"""Scenario files: schema, loading with ``extends:``, parameters by path, evidence coverage, compilation."""

from sim.scenario.compiled import CompiledScenario, compile_scenario
from sim.scenario.evidence import EvidenceReport, evidence_report
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

__all__ = ["CompiledScenario", "EvidenceReport", "Scenario", "compile_scenario", "evidence_report",
           "load_scenario"]
