"""Evidence coverage: which parameters a scenario cites, which it assumes, which are bare, and where the ledger
could mislead (a group entry standing in for many values; a changed value still carrying the parent's citation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.scenario.parameters import evidence_for, given_parameters
from sim.scenario.schema import Scenario

INHERITED_MESSAGE = "changed here, evidence inherited: cite or mark as assumption"


@dataclass
class EvidenceReport:
    """Given parameters split into cited / assumed / bare, plus two warnings.

    ``via_group`` maps a group evidence key (``actors.RUS``) to the cited or assumed paths it alone covers;
    ``inherited`` lists paths a child file changes while their only evidence entry comes from the parent.
    """

    cited: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    bare: list[str] = field(default_factory=list)
    via_group: dict[str, list[str]] = field(default_factory=dict)
    inherited: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.cited) + len(self.assumed) + len(self.bare)

    @property
    def coverage(self) -> float:
        """Share of given parameters that are cited or assumed (1.0 when there are none)."""
        return 1.0 if self.total == 0 else (len(self.cited) + len(self.assumed)) / self.total

    @property
    def n_via_group(self) -> int:
        """How many covered parameters have no entry of their own, only a group entry above them."""
        return sum(len(paths) for paths in self.via_group.values())


def evidence_report(scenario: Scenario) -> EvidenceReport:
    report = EvidenceReport()
    provenance = scenario.provenance
    for path in given_parameters(scenario):
        key = evidence_for(path, scenario)
        if key is None:
            report.bare.append(path)
            continue
        if scenario.evidence[key].source is not None:
            report.cited.append(path)
        else:
            report.assumed.append(path)
        if key != path:
            report.via_group.setdefault(key, []).append(path)
        if provenance is not None and path in provenance.changed and key not in provenance.own_evidence:
            report.inherited.append(path)
    return report
