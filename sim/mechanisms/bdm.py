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
  rounds); all moves are simultaneous.

Stopping (``stop``). The published model is iterated "until it stops changing", but it need not converge: on
many inputs positions enter a cycle. ``stop="converge"`` (the default) plays rounds until every issue *settles*:
its positions after round t are within ``epsilon`` (largest absolute difference, points on the 0-100 scale) of
its positions after some earlier round t - L, the start counting as round 0. L = 1 is convergence (nothing moves
more than epsilon); L > 1 is a cycle of length L, whose positions are replaced by their average over the L rounds
of the cycle (``cycle="mean"``: a forecast that does not depend on the round at which the cycle was entered or
detected) or kept as they are (``"last"``). Each issue stops on its own (issues are played separately); an issue
that has not settled after ``max_rounds`` rounds keeps its last positions and is reported as unsettled. All of
this happens in the first model round; afterwards the mechanism is frozen and only the model's influence step and
events move positions. ``RoundResult.info["settled"]`` reports per issue how and after how many rounds.
``stop="fixed"`` plays one BDM round per model round, at most ``rounds`` (the pre-convergence behaviour; a
``rounds`` given without ``stop`` implies it). ``info["bdm"]`` (per issue: the Condorcet medians before and after
the round, the counts of each kind of pair) is built when first read.

The forecast at the end is the capability x salience weighted mean of the final positions (``forecast="mean"``)
or the Condorcet median (``"median"``). The arithmetic is vectorised over issues in ``sim.mechanisms.bdm_math``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.core.heap import retain_freed_memory
from sim.core.state import NegotiationState
from sim.mechanisms import bdm_math as bm
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.bdm_math import CAPITULATION, COMPROMISE, CONFLICT, STATUS_QUO
from sim.mechanisms.compromise import weighted_mean
from sim.mechanisms.lazy_info import LazyTable

if TYPE_CHECKING:
    from sim.policies.base import Policy

__all__ = ["CAPITULATION", "COMPROMISE", "CONFLICT", "STATUS_QUO", "BDMChallenge", "BDMIssue", "BDMParams",
           "condorcet_median"]


class BDMParams(BaseModel):
    """Options of the challenge model; each ambiguity of the published specification is a named choice."""

    model_config = ConfigDict(extra="forbid")
    stop: Literal["converge", "fixed"] = Field(
        "converge", description="play until every issue settles (converges or cycles), or a fixed round count")
    epsilon: float = Field(1e-3, gt=0, description="largest position change (points) that counts as a repeat")
    max_rounds: int = Field(200, ge=1, le=10_000, description="stop=converge: most BDM rounds per issue")
    cycle: Literal["mean", "last"] = Field(
        "mean", description="stop=converge: a cycle's positions averaged over the cycle, or as detected")
    rounds: int | None = Field(None, ge=0, description="stop=fixed: BDM rounds to play (None: one per model "
                                                        "round); given alone, it implies stop=fixed")
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

    @model_validator(mode="before")
    @classmethod
    def _rounds_mean_fixed(cls, data: Any) -> Any:
        """A round count without a stopping rule asks for the fixed count (as before ``stop`` existed)."""
        if isinstance(data, dict) and data.get("rounds") is not None and "stop" not in data:
            return {**data, "stop": "fixed"}
        return data

    @model_validator(mode="after")
    def _rounds_need_fixed(self) -> BDMParams:
        if self.rounds is not None and self.stop != "fixed":
            raise ValueError("rounds applies to stop: fixed (with stop: converge, max_rounds caps the rounds)")
        return self


def condorcet_median(x: np.ndarray, w: np.ndarray, scale: float = 1.0) -> float:
    """Position (among the actors') that wins every weighted pairwise vote, or the largest total margin.

    ``scale`` only rescales the votes (kept for the published signature); the winner does not depend on it.
    """
    return float(bm.condorcet_medians(np.asarray(x, float)[None, :], np.asarray(w, float)[None, :])[0])


class BDMIssue:
    """One issue's challenge-model arithmetic (a one-issue view of ``sim.mechanisms.bdm_math``)."""

    def __init__(self, params: BDMParams, x: np.ndarray, c: np.ndarray, s: np.ndarray,
                 initial_range: float | None = None) -> None:
        self.p, self.x, self.c, self.s = params, x.astype(float), c.astype(float), s.astype(float)
        self.w = self.c * self.s
        self.initial_range = initial_range

    def scale(self) -> float:
        initial = None if self.initial_range is None else np.array([self.initial_range])
        return float(_scales(self.p, self.x[None, :], initial)[0])

    def _d(self) -> np.ndarray:
        return bm.distances(self.x[None, :], np.array([self.scale()]))

    def probabilities(self, r: np.ndarray) -> np.ndarray:
        """P[i, j]: probability that i's position beats j's in a contest."""
        return bm.probabilities(self.x[None, :], self.w[None, :], self._d(), r if self.p.vote_risk else None,
                                self.p.probability == "pairwise")[0]

    def endogenous_risk(self, mu: float) -> np.ndarray:
        """Risk exponents r_i in [0.5, 2] from the actors' security (EU of the challenges they face at r = 1)."""
        d, n = self._d(), self.x.size
        toward = (np.abs(self.x - mu)[:, None] + np.abs(self.x[:, None] - self.x[None, :]))[None] / self.scale()
        eu = bm.expected_utility(self.probabilities(np.ones(n))[None], bm.utilities(d, None), self.s[None, :],
                                 self.p.q, self.p.t, toward, None)
        return bm.endogenous_risk(eu.sum(axis=1))[0]

    def round(self, r_fixed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, float]:
        """Play one round; returns new positions, the (N, N) pair classification and the median before it."""
        initial = None if self.initial_range is None else np.array([self.initial_range])
        new, kind, mu = _play(self.p, self.x[None, :], self.c, self.s[None, :], initial, r_fixed)
        return new[0], kind[0], float(mu[0])


def _scales(p: BDMParams, x: np.ndarray, initial: np.ndarray | None) -> np.ndarray:
    """Distance normaliser per issue (M,) for positions ``x`` (M, N)."""
    if p.distance == "scale":
        return np.full(x.shape[0], 100.0)
    span = x.max(axis=1) - x.min(axis=1) if p.distance == "range" or initial is None else np.asarray(initial, float)
    return np.where(span != 0, span, 1.0)


def _play(p: BDMParams, x: np.ndarray, c: np.ndarray, s: np.ndarray, initial: np.ndarray | None,
          r_fixed: np.ndarray | None, median: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return bm.play_round(x, c, s, _scales(p, x, initial), r_fixed, q=p.q, t=p.t,
                         pairwise=p.probability == "pairwise", vote_risk=p.vote_risk, choice=p.choice,
                         median=median)


@dataclass
class Settling:
    """Per-issue record of a converge-mode solve: trajectory so far and how each issue stopped."""

    history: list[np.ndarray] = field(default_factory=list)  # (M, N) positions after rounds 0, 1, ...
    rounds: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # rounds played per issue
    cycle: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # L: 1 converged, >1 cycle, 0 not

    def report(self, issue_ids: Sequence[str], max_rounds: int) -> dict[str, dict[str, Any]]:
        out = {}
        for j, issue_id in enumerate(issue_ids):
            length = int(self.cycle[j])
            how = "converged" if length == 1 else ("cycle" if length > 1 else "max_rounds")
            out[issue_id] = {"how": how, "rounds": int(self.rounds[j]), "cycle_length": length,
                             "settled": length > 0, "max_rounds": max_rounds}
        return out


def repeat_lag(history: list[np.ndarray], means: np.ndarray, new: np.ndarray, issues: np.ndarray,
               epsilon: float) -> np.ndarray:
    """Per issue in ``issues``, the smallest L >= 1 with |new - history[-L]| <= epsilon everywhere (0 if none).

    ``history`` holds (M, N) positions after rounds 0, 1, ... and ``means`` (T, M) their per-issue means. Two
    states within epsilon everywhere have means within epsilon, so only those rounds are compared in full.
    """
    gap = np.abs(means[:, issues] - new.mean(axis=1)[None, :]) <= epsilon + 1e-9  # (T, M_active)
    lag = np.zeros(issues.size, dtype=int)
    for a, j in enumerate(issues):
        for t in np.flatnonzero(gap[:, a])[::-1]:  # most recent first
            if np.abs(history[t][j] - new[a]).max() <= epsilon:
                lag[a] = len(history) - t
                break
    return lag


def issue_report(state: NegotiationState, kinds: np.ndarray, before: np.ndarray) -> LazyTable:
    """``info["bdm"]`` of a round: per issue the Condorcet medians before (positions ``before``, (M, N)) and after
    (the state's), and the counts of conflicts, compromises and capitulations among ``kinds``; built when read."""
    after = state.position.T.astype(float)
    w = (state.capability[:, None] * state.salience).T.astype(float)
    ids = list(state.issue_ids)

    def build() -> dict[str, dict[str, Any]]:
        medians = [bm.condorcet_medians(x, w).tolist() for x in (before, after)]
        count = {name: (kinds == kind).sum(axis=(1, 2)).tolist() for name, kind in
                 (("conflicts", CONFLICT), ("compromises", COMPROMISE), ("capitulations", CAPITULATION))}
        return {issue_id: {"median_before": medians[0][j], "median": medians[1][j],
                           **{name: n[j] for name, n in count.items()}} for j, issue_id in enumerate(ids)}

    return LazyTable(ids, build)


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
        retain_freed_memory()  # its per-round (M, N, N) temporaries otherwise page-fault (sim.core.heap)
        self._initial_range = np.ptp(state.position, axis=0)
        self.settled: dict[str, dict[str, Any]] | None = None

    def _fixed_risk(self, state: NegotiationState) -> np.ndarray | None:
        if self.params.risk == "endogenous":
            return None
        if self.params.risk == "neutral":
            return np.ones(state.n_actors)
        return 2.0 ** np.clip(state.risk, -1.0, 1.0)

    def _round(self, state: NegotiationState, x: np.ndarray, issues: np.ndarray, r_fixed: np.ndarray | None,
               median: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One round on the issues ``issues`` of positions ``x`` (M, N); returns (new, kinds, medians before)."""
        return _play(self.params, x[issues], state.capability.astype(float), state.salience.T[issues].astype(float),
                     self._initial_range[issues], r_fixed, median)

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        if self.params.stop == "converge":
            return self._solve(state)
        limit = self.params.rounds
        if limit is not None and self._played >= limit:
            return RoundResult(info={"bdm_round": self._played, "frozen": True})
        x = state.position.T.astype(float)
        every = np.arange(state.n_issues)
        new, kind, _ = self._round(state, x, every, self._fixed_risk(state), median=self.params.q < 1.0)
        state.position[:] = new.T
        state.clip()
        self._played += 1
        return RoundResult(offer=self.forecast(state), info={"bdm": issue_report(state, kind, x)})

    def _solve(self, state: NegotiationState) -> RoundResult:
        """stop=converge: play rounds until each issue repeats an earlier state (see the module docstring)."""
        p = self.params
        if self.settled is not None:
            return RoundResult(offer=self.forecast(state), info={"settled": self.settled, "frozen": True})
        r_fixed = self._fixed_risk(state)
        x = state.position.T.astype(float)
        m = state.n_issues
        log = Settling(history=[x.copy()], rounds=np.zeros(m, dtype=int), cycle=np.zeros(m, dtype=int))
        start = x.copy()
        counts = np.zeros((m, state.n_actors, state.n_actors), dtype=int)
        active = np.ones(m, dtype=bool)
        means = [x.mean(axis=1)]
        for _ in range(p.max_rounds):
            issues = np.flatnonzero(active)
            new, kind, _ = self._round(state, x, issues, r_fixed, median=False)
            np.clip(new, 0.0, 100.0, out=new)
            counts[issues] = kind
            lag = repeat_lag(log.history, np.array(means), new, issues, p.epsilon)
            nxt = log.history[-1].copy()
            nxt[issues] = new
            log.history.append(nxt)
            log.rounds[issues] += 1
            x = nxt.copy()
            for pos, j in enumerate(issues):
                if lag[pos] == 0:
                    continue
                log.cycle[j], active[j] = lag[pos], False
                if lag[pos] > 1 and p.cycle == "mean":
                    x[j] = np.mean([h[j] for h in log.history[-int(lag[pos]):]], axis=0)
            log.history[-1] = x.copy()
            means.append(x.mean(axis=1))
            if not active.any():
                break
        state.position[:] = x.T
        state.clip()
        self._played = int(log.rounds.max(initial=0))
        self.settled = log.report(state.issue_ids, p.max_rounds)
        return RoundResult(offer=self.forecast(state),
                           info={"settled": self.settled, "bdm_rounds": self._played,
                                 "bdm": issue_report(state, counts, start)})

    def forecast(self, state: NegotiationState) -> np.ndarray:
        weight = state.capability[:, None] * state.salience
        if self.params.forecast == "mean":
            return weighted_mean(state.position, weight)
        return bm.condorcet_medians(state.position.T.astype(float), weight.T)

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)
