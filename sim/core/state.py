"""The negotiation state every mechanism reads and updates: plain numpy arrays over actors x issues.

Scales: positions are on each issue's 0-100 scale; saliences are in [0, 1]; capabilities are >= 0 (relative
power, only ratios matter); utilities are in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class NegotiationState:
    """Mutable state of one replication. Row i is actor ``actor_ids[i]``, column j is issue ``issue_ids[j]``."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    position: np.ndarray  # (N, M) current positions, 0-100
    salience: np.ndarray  # (N, M) 0-1
    capability: np.ndarray  # (N,) >= 0
    risk: np.ndarray  # (N,) risk attitude in [-1, 1]; 0 neutral, > 0 risk-averse (used by EU-style models)
    outside_option: np.ndarray  # (N,) utility of walking away, 0-1
    reservation: np.ndarray  # (N, M) worst value each actor will concede to on each issue, 0-100
    concession_beta: np.ndarray  # (N,) time-dependent concession exponent (<1 Boulware, 1 linear, >1 conceder)
    veto: np.ndarray  # (N,) bool: principals whose consent an agreement needs
    influence: np.ndarray  # (N, N) influence[k, i] = how strongly k pulls i, 0-1
    alignment: np.ndarray  # (N, N) alignment[k, i] in [-1, 1]
    status_quo: np.ndarray  # (M,) reference point on each issue, 0-100
    disagreement: np.ndarray  # (M,) what applies on each issue if no agreement by the deadline, 0-100
    is_base_issue: np.ndarray  # (M,) bool
    n_rounds: int
    round: int = 0
    discount: np.ndarray | None = None  # (N,) discount factor per month (cost of delay); default 0.97
    presence: np.ndarray | None = None  # (M,) physical presence on base issues while talks go on; default status quo
    drift_target: np.ndarray | None = None  # (M,) where presence drifts while unresolved; default: it persists
    drift_rate: np.ndarray | None = None  # (M,) share of the gap to drift_target closed per month; default 0
    suspended: np.ndarray | None = None  # (M,) 1 where the old agreement is suspended, 0 where it is in force
    outside_centre: np.ndarray | None = None  # (N,) public prior centre of each outside option
    outside_spread: np.ndarray | None = None  # (N,) public prior half-width (NaN: the mechanism's default)
    reservation_range: np.ndarray | None = None  # (N, M, 2) public range of each bottom line (the prior)
    outside_support: np.ndarray | float = 0.0  # weight of third parties' backing in veto players' outside options
    initial_position: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.initial_position = self.position.copy()
        n, m = self.position.shape
        if self.discount is None:
            self.discount = np.full(n, 0.97)
        if self.presence is None:
            self.presence = np.array(self.status_quo, dtype=float)
        if self.drift_target is None:
            self.drift_target = self.presence.copy()
        if self.drift_rate is None:
            self.drift_rate = np.zeros(m)
        if self.suspended is None:
            self.suspended = np.zeros(m)
        if self.outside_centre is None:
            self.outside_centre = np.full(n, np.nan)
        if self.outside_spread is None:
            self.outside_spread = np.full(n, np.nan)
        if self.reservation_range is None:
            self.reservation_range = np.stack([self.reservation, self.reservation], axis=-1)

    def interim_package(self) -> np.ndarray:
        """What holds while talks go on: the status quo, with base issues at their current physical presence."""
        return np.where(self.is_base_issue, self.presence, self.status_quo)

    def drift_presence(self) -> None:
        """One month of presence dynamics while unresolved: presence += rate * (target - presence)."""
        self.presence += self.drift_rate * (self.drift_target - self.presence)

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)

    @property
    def time_fraction(self) -> float:
        """Share of the negotiation deadline elapsed at the current round, in [0, 1]."""
        return min(1.0, self.round / max(1, self.n_rounds))

    def actor_index(self, actor_id: str) -> int:
        return self.actor_ids.index(actor_id)

    def issue_index(self, issue_id: str) -> int:
        return self.issue_ids.index(issue_id)

    def clip_positions(self) -> None:
        """Keep positions on the 0-100 scale (the only array mechanisms move every round)."""
        np.minimum(np.maximum(self.position, 0.0, out=self.position), 100.0, out=self.position)

    def clip(self) -> None:
        """Keep every array inside its documented bounds."""
        for array, lo, hi in ((self.position, 0.0, 100.0), (self.salience, 0.0, 1.0), (self.reservation, 0.0, 100.0),
                              (self.outside_option, 0.0, 1.0)):
            np.minimum(np.maximum(array, lo, out=array), hi, out=array)
        np.maximum(self.capability, 0.0, out=self.capability)
