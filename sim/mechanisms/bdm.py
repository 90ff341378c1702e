"""Bueno de Mesquita's expected-utility ("challenge") model, as specified by Scholz, Calbert & Smith (2011).

References: B. Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in Bueno de
Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP; J. B. Scholz, G. J. Calbert &
G. A. Smith (2011), "Unravelling Bueno de Mesquita's group decision model", *J. Theoretical Politics* 23(4),
510-531.

Each issue is played separately. With positions x_i, capabilities c_i, saliences s_i (0-1) and the current
position range R (``distance="range"``; the range at the start of the run, ``"initial_range"``, as the public
ports fix it; or the 0-100 scale, ``"scale"``), d_ij = |x_i - x_j| / R:

* votes of actor l for position j over k: v_l(j, k) = c_l s_l (d_lk^r_l - d_lj^r_l) (r_l = 1 for the median);
* Condorcet median mu: the actor position that beats every other in weighted pairwise votes (if votes cycle,
  the one with the largest total margin);
* probability that i beats j: P_ij = sum_l max(0, v_l(i, j)) / D with D = sum_l |v_l(i, j)| for this pair
  (``probability="pairwise"``, the textbook reading) or D = the sum of |votes| over *all* pairs
  (``"global"``, the default: the reading a public re-implementation attributes to Scholz et al.'s code, and the
  one that reproduces their published EU trajectory - median 8.4 after round 1, about 9.9 in rounds 3-5);
* utilities of i facing j, with risk exponent r (from the evaluating actor's point of view):
  U_s = 2 - 4 (0.5 - 0.5 d_ij)^r,  U_f = 2 - 4 (0.5 + 0.5 d_ij)^r,
  U_b = 2 - 4 (0.5 - 0.25 (|x_i - mu| + |x_i - x_j|)/R)^r,  U_w = 2 - 4 (0.5 + 0.25 (...)/R)^r,
  U_sq = 2 - 4 (0.5)^r;
* expected utility of i challenging j: EU_ij = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s
  - Q U_sq - (1 - Q) (T U_b + (1 - T) U_w), with Q (probability the status quo persists) and T (probability
  it improves) = 1 by default, as in Scholz et al.;
* endogenous risk: security_i = sum_{j != i} EU_ji (evaluated at r = 1), R_i = (2 security_i - max - min) /
  (max - min), r_i = (1 - R_i / 3) / (1 + R_i / 3) in [0.5, 2];
* from i's point of view (its own r_i), a = EU_ij and b = EU_ji classify the pair: *conflict* if a, b > 0
  (i loses and moves to x_j if b > a); *compromise* if a < 0 < b and |a| < b (i moves |a|/b of the way to x_j);
  *capitulation* if a < 0 < b and |a| >= b (i moves to x_j); otherwise *status quo* (no move by i);
* each actor takes one of the offers it received (``choice="smallest_move"``: the one that moves it least;
  ``"type_priority"``: conflict before compromise before capitulation - the order of the paper's section 6.2 -
  then least move; ``"scholz_code"``: the same order, but among compromises the one with the smallest
  EU-weighted position (|a| x_i + b x_j) / (|a| + b), the rule a public port reports from Scholz et al.'s own code
  - github.com/jmckib/bdm-scholz-expected-utility-model - and the one that reproduces their Table 2 in 7 of 8
  rounds); all moves are simultaneous; a fixed number of rounds is played.

The forecast at the end is the capability x salience weighted mean of the final positions (``forecast="mean"``)
or the Condorcet median (``"median"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.state import NegotiationState
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.compromise import weighted_mean

if TYPE_CHECKING:
    from sim.policies.base import Policy

CONFLICT, COMPROMISE, CAPITULATION, STATUS_QUO = 1, 2, 3, 0


class BDMParams(BaseModel):
    """Options of the challenge model; each ambiguity of the published specification is a named choice."""

    model_config = ConfigDict(extra="forbid")
    rounds: int | None = Field(None, ge=0, description="BDM rounds to play (None: one per model round)")
    q: float = Field(1.0, ge=0, le=1, description="probability the status quo persists if nobody challenges")
    t: float = Field(1.0, ge=0, le=1, description="probability the status quo improves if it changes")
    probability: Literal["global", "pairwise"] = Field(
        "global", description="denominator of P_ij: |votes| over all pairs (reproduces Scholz et al.) or this pair")
    choice: Literal["smallest_move", "type_priority", "scholz_code"] = Field(
        "smallest_move", description="which received offer an actor takes (see the module docstring)")
    risk: Literal["endogenous", "scenario", "neutral"] = Field(
        "endogenous", description="risk exponents: BDM's endogenous rule, the scenario's risk (r = 2**risk), or 1")
    distance: Literal["range", "initial_range", "scale"] = Field(
        "range", description="normalise distances by the current position range, the range at the start of the "
                             "run, or the 0-100 scale")
    vote_risk: bool = Field(True, description="voters' risk exponents shape the votes behind P_ij")
    forecast: Literal["mean", "median"] = "mean"


def pairwise_votes(x: np.ndarray, w: np.ndarray, scale: float, r: np.ndarray | None = None) -> np.ndarray:
    """V[l, j, k]: weighted vote of voter l for position x_j over x_k."""
    d = np.abs(x[:, None] - x[None, :]) / scale
    if r is not None:
        d = d ** r[:, None]
    return w[:, None, None] * (d[:, None, :] - d[:, :, None])


def condorcet_median(x: np.ndarray, w: np.ndarray, scale: float = 1.0) -> float:
    """Position (among the actors') that wins every weighted pairwise vote, or the largest total margin."""
    totals = pairwise_votes(x, w, scale).sum(axis=0)  # (j, k)
    np.fill_diagonal(totals, 0.0)
    same = np.isclose(x[:, None], x[None, :])
    wins = (totals > 1e-12) | same
    unbeaten = np.flatnonzero(wins.all(axis=1))
    if unbeaten.size:
        return float(x[unbeaten[0]])
    return float(x[int(np.argmax(totals.sum(axis=1)))])


def _u(base: np.ndarray, r: np.ndarray) -> np.ndarray:
    return 2.0 - 4.0 * np.clip(base, 0.0, None) ** r


class BDMIssue:
    """One issue's challenge-model arithmetic (vectorised over actor pairs)."""

    def __init__(self, params: BDMParams, x: np.ndarray, c: np.ndarray, s: np.ndarray,
                 initial_range: float | None = None) -> None:
        self.p, self.x, self.c, self.s = params, x.astype(float), c.astype(float), s.astype(float)
        self.w = self.c * self.s
        self.initial_range = initial_range

    def scale(self) -> float:
        if self.p.distance == "scale":
            return 100.0
        if self.p.distance == "initial_range" and self.initial_range is not None:
            return float(self.initial_range) or 1.0
        return float(np.ptp(self.x)) or 1.0

    def probabilities(self, r: np.ndarray) -> np.ndarray:
        """P[i, j]: probability that i's position beats j's in a contest."""
        v = pairwise_votes(self.x, self.w, self.scale(), r if self.p.vote_risk else None)
        pos = np.clip(v, 0.0, None).sum(axis=0)
        if self.p.probability == "global":
            denom = np.abs(v).sum()
            denom = np.full_like(pos, denom)
        else:
            denom = np.abs(v).sum(axis=0)
        out = np.divide(pos, denom, out=np.zeros_like(pos), where=denom > 0)
        np.fill_diagonal(out, 0.0)
        return out

    def expected_utility(self, prob: np.ndarray, r_view: np.ndarray, mu: float) -> np.ndarray:
        """EU[i, j] of challenger i against target j, evaluated with risk exponents ``r_view`` (N, N)."""
        scale = self.scale()
        d = np.abs(self.x[:, None] - self.x[None, :]) / scale
        toward = (np.abs(self.x - mu)[:, None] + np.abs(self.x[:, None] - self.x[None, :])) / scale
        us, uf = _u(0.5 - 0.5 * d, r_view), _u(0.5 + 0.5 * d, r_view)
        ub, uw = _u(0.5 - 0.25 * toward, r_view), _u(0.5 + 0.25 * toward, r_view)
        usq = _u(np.full_like(d, 0.5), r_view)
        st = self.s[None, :]
        eu = st * (prob * us + (1 - prob) * uf) + (1 - st) * us
        eu = eu - self.p.q * usq - (1 - self.p.q) * (self.p.t * ub + (1 - self.p.t) * uw)
        np.fill_diagonal(eu, 0.0)
        return eu

    def endogenous_risk(self, mu: float) -> np.ndarray:
        ones = np.ones(self.x.size)
        eu = self.expected_utility(self.probabilities(ones), np.ones((self.x.size,) * 2), mu)
        security = eu.sum(axis=0)  # sum over challengers j of EU_ji
        lo, hi = security.min(), security.max()
        if hi - lo <= 1e-12:
            return ones
        big_r = (2 * security - hi - lo) / (hi - lo)
        return (1 - big_r / 3) / (1 + big_r / 3)

    def round(self, r_fixed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, float]:
        """Play one round; returns new positions, the (N, N) pair classification and the median."""
        n = self.x.size
        mu = condorcet_median(self.x, self.w)
        if np.ptp(self.x) <= 1e-12:
            return self.x.copy(), np.zeros((n, n), dtype=int), mu
        r = self.endogenous_risk(mu) if r_fixed is None else r_fixed
        prob = self.probabilities(r)
        view = np.repeat(r[:, None], n, axis=1)  # i's own exponent for every pair it evaluates
        a = self.expected_utility(prob, view, mu)  # a[i, j] = EU_i(i challenges j)
        b = self.expected_utility(prob, view.T, mu).T  # b[i, j] = EU_i(j challenges i), i's risk
        kind = np.full((n, n), STATUS_QUO)
        kind[(a > 0) & (b > 0) & (b > a)] = CONFLICT
        yields = (a < 0) & (b > 0)
        kind[yields & (np.abs(a) < b)] = COMPROMISE
        kind[yields & (np.abs(a) >= b)] = CAPITULATION
        np.fill_diagonal(kind, STATUS_QUO)
        kind[np.isclose(self.x[:, None], self.x[None, :])] = STATUS_QUO
        frac = np.where(kind == COMPROMISE, np.abs(a) / np.where(b > 0, b, 1.0), 1.0)
        target = self.x[:, None] + frac * (self.x[None, :] - self.x[:, None])
        new = self.x.copy()
        for i in range(n):
            offers = np.flatnonzero(kind[i] != STATUS_QUO)
            if offers.size:
                new[i] = target[i, self.choose(i, offers, kind, a, b, target)]
        return new, kind, mu

    def choose(self, i: int, offers: np.ndarray, kind: np.ndarray, a: np.ndarray, b: np.ndarray,
               target: np.ndarray) -> int:
        """Index of the actor whose offer i takes among ``offers`` (ties: the first in actor order)."""
        move = np.abs(target[i, offers] - self.x[i])
        if self.p.choice == "smallest_move":
            return int(offers[np.argmin(move)])
        best_kind = kind[i, offers].min()  # conflict < compromise < capitulation
        sub = offers[kind[i, offers] == best_kind]
        move = np.abs(target[i, sub] - self.x[i])
        if self.p.choice == "scholz_code" and best_kind == COMPROMISE:
            ai, bj = np.abs(a[i, sub]), np.abs(b[i, sub])
            key = (ai * self.x[i] + bj * self.x[sub]) / (ai + bj)  # the smallest EU-weighted position
            return int(sub[np.argmin(key)])
        return int(sub[np.argmin(move)])


class BDMChallenge(Mechanism):
    """Bueno de Mesquita's expected-utility challenge model, issue by issue (Scholz et al. 2011 reading)."""

    name = "bdm"
    title = "Expected-utility challenge model (Bueno de Mesquita)"
    reference = ("Bueno de Mesquita 1994, European Community Decision Making; Scholz, Calbert & Smith 2011, "
                 "J. Theoretical Politics 23(4)")
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = BDMParams

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self._played = 0
        self.history: list[np.ndarray] = []
        self._initial_range = np.ptp(state.position, axis=0)

    def _fixed_risk(self, state: NegotiationState) -> np.ndarray | None:
        if self.params.risk == "endogenous":
            return None
        if self.params.risk == "neutral":
            return np.ones(state.n_actors)
        return 2.0 ** np.clip(state.risk, -1.0, 1.0)

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        limit = self.params.rounds
        if limit is not None and getattr(self, "_played", 0) >= limit:
            return RoundResult(info={"bdm_round": self._played, "frozen": True})
        r_fixed = self._fixed_risk(state)
        kinds = {}
        for j in range(state.n_issues):
            initial = getattr(self, "_initial_range", None)
            issue = BDMIssue(self.params, state.position[:, j], state.capability, state.salience[:, j],
                             None if initial is None else float(initial[j]))
            new, kind, mu = issue.round(r_fixed)
            state.position[:, j] = new
            kinds[state.issue_ids[j]] = {
                "median_before": mu, "median": condorcet_median(new, issue.w),
                "conflicts": int((kind == CONFLICT).sum()),
                "compromises": int((kind == COMPROMISE).sum()),
                "capitulations": int((kind == CAPITULATION).sum())}
        state.clip()
        self._played = getattr(self, "_played", 0) + 1
        return RoundResult(offer=self.forecast(state), info={"bdm": kinds})

    def forecast(self, state: NegotiationState) -> np.ndarray:
        weight = state.capability[:, None] * state.salience
        if self.params.forecast == "mean":
            return weighted_mean(state.position, weight)
        return np.array([condorcet_median(state.position[:, j], weight[:, j]) for j in range(state.n_issues)])

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)
