"""The zone of possible agreement among the veto players, issue by issue, and bottom lines that point the wrong way.

Each veto player's bottom line on an issue bounds how far it concedes toward its partners (the other veto players'
mean ideal): the zone on the issue is the interval every bottom line allows (``coercive_round.bounds``). A bottom
line on the far side of the player's own ideal point from its partners is *inverted*: it never binds in the
direction the player is pressed, so conceding would move it away from the others. Checked at the scenario's
central values and, for uncertain values, over their ranges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.core.state import NegotiationState
from sim.core.utility import outside_options
from sim.mechanisms.coercive_round import RoundInputs, bounds, zone_exists

SLACK = 0.5  # points: closer than this to the ideal is not called inverted


@dataclass
class IssueZone:
    issue: str
    low: float
    high: float
    players: tuple[str, ...]

    @property
    def exists(self) -> bool:
        return self.low <= self.high + 1e-9

    def describe(self) -> str:
        who = " and ".join(self.players)
        if not self.exists:
            return f"{self.issue}: no zone between {who} (bottom lines {self.low:.0f} > {self.high:.0f})"
        return f"{self.issue}: zone {self.low:.0f}-{self.high:.0f} between {who}"


@dataclass
class Inverted:
    actor: str
    issue: str
    ideal: float
    reservation: float
    partners: float
    always: bool  # inverted at every value of the ranges, not only at the central values

    def describe(self) -> str:
        side = "below" if self.reservation < self.ideal else "above"
        where = "at every value of its range" if self.always else "at the central values"
        return (f"actors.{self.actor}.reservation.{self.issue}: bottom line {self.reservation:.0f} lies {side} its "
                f"ideal {self.ideal:.0f}, away from its partners ({self.partners:.0f}) {where}: conceding would "
                "move it away from them")


def issue_zones(state: NegotiationState) -> list[IssueZone]:
    """Per issue, the interval every veto player's bottom line allows (at the state's values)."""
    vetoes = np.flatnonzero(state.veto)
    names = tuple(state.actor_ids[v] for v in vetoes)
    lo, hi = np.zeros(state.n_issues), np.full(state.n_issues, 100.0)
    for v in vetoes:
        others = [o for o in vetoes if o != v]
        partner = state.position[others].mean(axis=0) if others else state.position[v]
        lower, upper = bounds(state.position[v], partner, state.reservation[v])
        lo, hi = np.maximum(lo, lower), np.minimum(hi, upper)
    return [IssueZone(issue, float(lo[j]), float(hi[j]), names) for j, issue in enumerate(state.issue_ids)]


def package_zone(state: NegotiationState) -> bool:
    """Whether some package inside every bottom line gives each of the two veto players at least its outside
    option (exact: the proposer's best package on the frontier, ``coercive_round.zone_exists``)."""
    pair = np.flatnonzero(state.veto)
    if pair.size != 2:
        raise ValueError("the package zone is defined for two veto players")
    outside = outside_options(state)[None]
    inp = RoundInputs.build(state.position[None], state.salience[None], state.reservation[None], pair, outside,
                            None, state.discount[None], state.capability[None], False,
                            state.reservation[None, pair, None], outside[:, pair, None])
    return bool(zone_exists(inp)[0])


def inverted_bottom_lines(state: NegotiationState, ranges: dict[tuple[int, int], tuple[float, float]],
                          ideal_ranges: dict[tuple[int, int], tuple[float, float]]) -> list[Inverted]:
    """Veto players' bottom lines on the far side of their ideal from their partners (central values).

    ``ranges`` / ``ideal_ranges`` give (low, high) of uncertain bottom lines and ideals by (actor, issue), to tell
    whether the inversion holds at every value of the ranges."""
    found = []
    vetoes = np.flatnonzero(state.veto)
    for v in vetoes:
        others = [o for o in vetoes if o != v]
        if not others:
            continue
        partner = state.position[others].mean(axis=0)
        for j, issue in enumerate(state.issue_ids):
            p, r, q = state.position[v, j], state.reservation[v, j], partner[j]
            toward = np.sign(q - p)
            if toward == 0 or (r - p) * toward >= -SLACK:
                continue
            r_lo, r_hi = ranges.get((v, j), (r, r))
            p_lo, p_hi = ideal_ranges.get((v, j), (p, p))
            always = (r_hi < p_lo) if toward > 0 else (r_lo > p_hi)
            found.append(Inverted(state.actor_ids[v], issue, float(p), float(r), float(q), bool(always)))
    return found
