"""What the model records about each round (no Mesa here, so the batch path can record rounds too)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.model.events import FiredEvent


@dataclass
class RoundRecord:
    """One round as it happened."""

    round: int
    events: list[FiredEvent] = field(default_factory=list)
    proposer: int | None = None
    offer: np.ndarray | None = None
    accepted: np.ndarray | None = None
    agreed: bool = False
    positions: np.ndarray | None = None  # (N, M) after the round, when recording
    note: str = ""
    status: str = "open"  # the talks after this month: open | signed | breakdown | unresolved | forecast
    presence: np.ndarray | None = None  # (M,) physical presence on each issue at the end of the month
    suspended: np.ndarray | None = None  # (M,) 1 where the old agreement is suspended
    breakdown_by: int | None = None
