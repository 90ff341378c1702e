"""The one outcome classifier shared by every mechanism and face.

A base-access issue's final value (0-100) falls into one of five categories, cut at the scenario's thresholds
(default midway between the scale anchors 0 / 25 / 50 / 75 / 100):

    withdrawal < 12.5 <= access_only < 37.5 <= reduced_presence < 62.5 <= new_terms < 87.5 <= terms_2017
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sim.core.categories import categorize
from sim.core.state import NegotiationState
from sim.core.utility import utilities
from sim.outcomes.timeline import Timeline


@dataclass
class Outcome:
    """End state of one replication."""

    package: np.ndarray  # (M,)
    agreed: bool
    agreement_round: int | None
    rounds_played: int
    categories: dict[str, str] = field(default_factory=dict)  # base issue id -> category
    utilities: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (N,)
    status: str = ""  # signed | breakdown | unresolved | forecast
    breakdown_by: int | None = None
    timeline: Timeline | None = None
    thresholds: tuple[float, ...] = ()
    base_issues: tuple[int, ...] = ()

    def at(self, month: int) -> dict[str, tuple[str, str, float, str]]:
        """Each base issue's (status, category, presence, legal status) at the end of ``month``."""
        if self.timeline is None:
            raise ValueError("this outcome has no month-by-month record")
        return {issue: self.timeline.base_state(month, j, self.thresholds) for issue, j in
                zip(self.categories, self.base_issues, strict=True)}


def classify(state: NegotiationState, package: np.ndarray, agreed: bool, agreement_round: int | None,
             thresholds: Sequence[float], status: str = "", breakdown_by: int | None = None,
             timeline: Timeline | None = None) -> Outcome:
    """Classify a final package. Utilities are measured against each actor's starting ideal point.

    For a run still unresolved the package is the interim state (the status quo with the bases' presence)."""
    categories = {issue: categorize(float(package[j]), thresholds)
                  for j, issue in enumerate(state.issue_ids) if state.is_base_issue[j]}
    return Outcome(package=np.asarray(package, dtype=float), agreed=agreed, agreement_round=agreement_round,
                   rounds_played=state.round, categories=categories,
                   utilities=utilities(state.initial_position, state.salience, package),
                   status=status or ("signed" if agreed else "breakdown"), breakdown_by=breakdown_by,
                   timeline=timeline, thresholds=tuple(thresholds),
                   base_issues=tuple(int(j) for j in np.flatnonzero(state.is_base_issue)))
