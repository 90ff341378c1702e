"""The bad-input corpus (issue 14): every case must be refused with exit code 2 and a one-line message."""

from __future__ import annotations

from tests.bad_inputs.command_cases import run_cases, sweep_cases
from tests.bad_inputs.harness import Case, Outcome, run_case
from tests.bad_inputs.scenario_cases import scenario_cases


def all_cases() -> list[Case]:
    return scenario_cases() + run_cases() + sweep_cases()


__all__ = ["Case", "Outcome", "all_cases", "run_case"]
