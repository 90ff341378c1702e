"""The world month by month: talks status, physical presence and legal status of each base.

At month k (1 = the first month of talks) and for each base issue a run is in one state:

* ``signed`` - a new agreement was signed by month k; its category is that of the agreed value;
* ``breakdown`` - a veto player walked away by month k (or a deadline-based mechanism reached its deadline); the
  base goes to the issue's ``disagreement`` value (expulsion, withdrawal or whatever the scenario says follows);
* ``unresolved`` - talks are still open; the category is that of the physical presence at month k;
* ``forecast`` - a forecast mechanism's prediction of the eventual decision: its rounds are the model's own
  iterations, not months, so the final forecast is its answer at every month k (issue 11 item 8).

The legal status is ``signed``, ``ended`` (after a breakdown), ``suspended`` or ``in_force`` (the old agreement).
Months after the last simulated one repeat its state for settled runs; for runs still open they are not
observed (``unobserved``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.core.categories import categorize

SETTLED = ("signed", "breakdown", "forecast")


@dataclass
class Timeline:
    """Per month (row m = month m + 1): status, presence (M,) and suspension flags (M,)."""

    status: list[str]
    presence: np.ndarray  # (K, M)
    suspended: np.ndarray  # (K, M)
    cap: int = 0  # months the scenario simulates (K <= cap)

    @classmethod
    def from_records(cls, status: Sequence[str], presence: Sequence[np.ndarray | None],
                     suspended: Sequence[np.ndarray | None], cap: int = 0) -> Timeline:
        rows = [p for p in presence if p is not None]
        width = rows[0].shape[0] if rows else 0
        return cls(list(status), np.array(rows).reshape(len(rows), width),
                   np.array([s for s in suspended if s is not None]).reshape(len(rows), width), cap)

    @property
    def months(self) -> int:
        return len(self.status)

    def status_at(self, month: int) -> str:
        """The talks' status at the end of ``month``."""
        if month < 1:
            raise ValueError("months start at 1")
        if self.status and self.status[-1] == "forecast":  # rounds are the model's iterations, not months
            return "forecast"
        if month > self.months:
            last = self.status[-1] if self.status else "open"
            return last if last in SETTLED else "unobserved"
        status = self.status[month - 1]
        return "unresolved" if status == "open" else status

    def base_state(self, month: int, issue: int, thresholds: Sequence[float]) -> tuple[str, str, float, str]:
        """(status, category, presence, legal status) of base ``issue`` at the end of ``month``."""
        status = self.status_at(month)
        if status == "unobserved":
            return status, "", float("nan"), ""
        row = self.months - 1 if status == "forecast" else min(month, self.months) - 1
        presence = float(self.presence[row, issue])
        legal = {"signed": "signed", "breakdown": "ended", "forecast": "signed"}.get(
            status, "suspended" if self.suspended[row, issue] >= 0.5 else "in_force")
        return status, categorize(presence, thresholds), presence, legal
