"""Evidence coverage: which parameters a scenario cites, which it assumes, which are bare."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.scenario.parameters import evidence_for, given_parameters
from sim.scenario.schema import Scenario


@dataclass
class EvidenceReport:
    cited: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.cited) + len(self.assumed) + len(self.bare)

    @property
    def coverage(self) -> float:
        """Share of given parameters that are cited or assumed (1.0 when there are none)."""
        return 1.0 if self.total == 0 else (len(self.cited) + len(self.assumed)) / self.total


def evidence_report(scenario: Scenario) -> EvidenceReport:
    report = EvidenceReport()
    for path in given_parameters(scenario):
        key = evidence_for(path, scenario)
        if key is None:
            report.bare.append(path)
        elif scenario.evidence[key].source is not None:
            report.cited.append(path)
        else:
            report.assumed.append(path)
    return report
