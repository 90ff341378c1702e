"""KTAB's Spatial Model of Politics (SMP), reproduced from KTAB's C++ source and pinned to its reference runs.

Source: KTAB, the KAPSARC Toolkit for Behavioral Analysis, github.com/lsyaseen/KTAB (mirror of KAPSARC/KTAB),
commit 3b5b063541c7d5ee36cc9c61d9d3e0717f2d180f, MIT licence: ``examples/smp/libsrc/smp.cpp``, ``smpbcn.cpp`` and
``KTAB/kmodel/libsrc/kmodel.cpp``. Background: B. Wise, L. Lester, B. Efird et al., KTAB discussion papers
(KAPSARC, 2015-2016) and KTAB's documentation (``KTAB/kdox``); the SMP descends from Bueno de Mesquita's
expected-utility model but replaces its challenge rules with probabilistic voting and interpolated bargains.
The engine is :mod:`sim.mechanisms.ktab_engine` (one turn) with :mod:`sim.mechanisms.ktab_vote` (voting, PCE).

Positions x_i are points in [0, 1]^D (the 0-100 issue scales / 100); actor i has capability c_i > 0 and a
salience vector s_i (shares of attention, sum_k s_ik <= 1). Each turn (= one model round by default):

1. distance from i's ideal to j's position, all dimensions jointly: d_ij = sqrt(sum_k (s_ik dx_k)^2 / sum_k s_ik^2);
   ideals equal positions unless ideals lag (``accommodation`` < 1: ideal <- a x_new + (1 - a) ideal);
2. risk attitudes: with risk-neutral utilities 1 - d_ij, actors vote over all positions with weights c_i
   (``voting_rule``: Prop v = c du, PropCbc v = c (du + du^3)/2, ...); coalition strengths
   c_ab = 1e-8 + sum_k max(0, v_k(a, b)), victory odds P_ab = c_ab / (c_ab + c_ba) (``victory_prob_model``),
   outcome probabilities p_a (``pce_model``: Conditional p_a ~ prod_b P_ab, or KTAB's Markov chains); then
   R_i = (3 p_i - p_max - 2 p_min) / (2 (p_max - p_min)) (``big_r_range`` Mid) and h's estimate of i's attitude
   r_hi = (2 R_h + R_i) / 3 (``big_r_adjust`` OneThird); utility u_hij = (1 - d_ij)(1 + d_ij r_hi);
3. challenges: i estimates, for each target j, the chance P that i beats j with i and j voting with weight
   (sum_k s_k) c and each third party joining by comparing the expected outcomes of siding with i or j
   (``third_party_commit``); gain = (1 - S_j) 2u_ii + S_j (P 2u_ii + (1 - P) 2u_ij) - (u_ii + u_ij), with S_j
   j's total salience; i targets the j with the largest gain above 1e-5;
4. bargain: per dimension k, b_k = ((w_i + 1e-6) x_ik + w_j x_jk) / (w_i + 1e-6 + w_j), w = s_k^2 P^2 for i
   and s_k^2 (1 - P)^2 for j (``inter_vec_brgn`` S2P2), rounded to 4 decimals; with ``bargn_model``
   InitOnlyInterp i's bargain is offered to both;
5. choice: every actor weighs its bargains (and its status quo) by each actor's mean utility over all positions
   if that bargain is carried out, runs the same vote and PCE over them, and moves to the most probable one
   (``state_transitions`` Deterministic) or to a draw from that distribution (Stochastic);
6. stopping rule: after at least 2 turns, stop when a turn moves the positions (sum of Euclidean moves) less
   than 2 % of the first turn's move; at most 100 turns (``stop="ktab"``; later model rounds keep the state).

The forecast is the expected outcome sum_u p_u x_u over the distinct positions, with the outcome probabilities
of step 2 taken from each actor's own perspective (KTAB's ``pDist(-1)``), or the most probable position.
Defaults are the values KTAB used for its CSV reference runs. Where KTAB draws (Stochastic), draws come from the
generator the simulator passes in, or from KTAB's own stream (``prng="ktab"``, :mod:`~sim.mechanisms.ktab_prng`).

Deviations from KTAB, all outside its reference runs: KTAB refuses fewer than 3 actors and zero capabilities or
saliences; here capability and saliences are floored at 1e-10 and equal outcome probabilities (one actor, or all
positions equal) give risk neutrality instead of KTAB's 0/0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.state import NegotiationState
from sim.errors import MechanismError
from sim.mechanisms.base import FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.ktab_engine import SMPActors, SMPOptions, SMPTurnState, StopRule, generator_chooser, step
from sim.mechanisms.ktab_prng import KTABStream, prob_sel

if TYPE_CHECKING:
    from sim.policies.base import Policy

KTAB_DEFAULT_SEED = 0xD67CC16FE69C185C  # KBase::dSeed
FLOOR = 1e-10


class KTABSMPParams(BaseModel):
    """KTAB's model parameters (its names in comments) plus how the project's state maps onto KTAB's."""

    model_config = ConfigDict(extra="forbid")
    victory_prob_model: Literal["Linear", "Square", "Quartic", "Octic", "Binary"] = "Linear"  # VPModel
    pce_model: Literal["Conditional", "MarkovIncentive", "MarkovUniform"] = "Conditional"  # PCEModel
    state_transitions: Literal["Deterministic", "Stochastic"] = "Deterministic"  # StateTransMode
    voting_rule: Literal["Binary", "PropBin", "Prop", "PropCbc", "Cubic", "ASymProsp"] = "Prop"  # VotingRule
    big_r_range: Literal["Min", "Mid", "Max"] = "Mid"  # BigRRange
    big_r_adjust: Literal["None", "OneThird", "Half", "TwoThirds", "Full"] = "OneThird"  # BigRAdjust
    third_party_commit: Literal["NoCommit", "SemiCommit", "FullCommit"] = "SemiCommit"  # ThirdPartyCommit
    inter_vec_brgn: Literal["S1P1", "S2P2", "S2PMax"] = "S2P2"  # InterVecBrgn
    bargn_model: Literal["InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"] = "InitOnlyInterp"  # BargnModel
    salience: Literal["mean", "share"] = Field(
        "mean", description="KTAB saliences are shares of attention (sum <= 1): 'mean' divides the project's "
                            "per-issue saliences by the number of issues; 'share' takes them as shares")
    accommodation: float = Field(1.0, ge=0, le=1, description="rate at which ideals follow positions (1: equal)")
    turns_per_round: int = Field(1, ge=1, le=100, description="KTAB turns played per model round")
    stop: Literal["ktab", "none"] = Field("ktab", description="KTAB's stopping rule, or play every turn")
    max_turns: int = Field(100, ge=1, description="KTAB's cap on turns")
    min_delta_ratio: float = Field(0.02, ge=0, description="stop when a turn moves < this share of turn 1's move")
    prng: Literal["generator", "ktab"] = Field("generator", description="source of stochastic draws")
    seed: int = Field(KTAB_DEFAULT_SEED, ge=0, lt=2**64, description="seed of KTAB's stream (prng='ktab')")
    forecast: Literal["expected", "mode"] = "expected"

    def options(self) -> SMPOptions:
        return SMPOptions(self.victory_prob_model, self.pce_model, self.state_transitions, self.voting_rule,
                          self.big_r_range, self.big_r_adjust, self.third_party_commit, self.inter_vec_brgn,
                          self.bargn_model)


class KTABSMP(Mechanism):
    """KTAB's SMP: joint multi-dimensional positions, probabilistic voting, interpolated bargains."""

    name = "ktab_smp"
    title = "KTAB Spatial Model of Politics (faithful to KTAB's C++ SMP)"
    reference = ("KTAB (KAPSARC), github.com/lsyaseen/KTAB commit 3b5b0635, examples/smp; Wise, Lester, Efird "
                 "et al. 2015-2016, KAPSARC KTAB discussion papers")
    classifier = {"stochastic": False, "iterative": True, "uses_proposals": False, "outcome": "forecast"}
    Params = KTABSMPParams

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self.turns = 0
        self.converged_turn: int | None = None
        self._first_move: float | None = None
        self._ideal = np.clip(state.position, 0.0, 100.0) / 100.0
        if self.params.prng == "ktab":
            stream = KTABStream(self.params.seed)
            self._chooser = lambda p: prob_sel(p, stream.uniform())
        else:
            self._chooser = generator_chooser(rng)

    def smp_state(self, state: NegotiationState) -> SMPTurnState:
        """The project's state as a KTAB state (positions and saliences rescaled, floors applied)."""
        sal = np.maximum(np.asarray(state.salience, dtype=float), 0.0)
        if self.params.salience == "mean":
            sal = sal / state.n_issues
        elif (sal.sum(axis=1) > 1.0 + 1e-9).any():
            worst = state.actor_ids[int(np.argmax(sal.sum(axis=1)))]
            raise MechanismError(f"ktab_smp with salience='share': saliences of actor '{worst}' sum to more "
                                 f"than 1 (KTAB's total attention); use salience='mean'")
        acc = self.params.accommodation * np.eye(state.n_actors)
        actors = SMPActors(np.maximum(state.capability, FLOOR), np.maximum(sal, FLOOR), acc)
        pos = np.clip(state.position, 0.0, 100.0) / 100.0
        ideal = pos.copy() if self.params.accommodation == 1.0 else self._ideal
        return SMPTurnState(pos, ideal, actors, self.params.options())

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        moved = 0.0
        for _ in range(self.params.turns_per_round):
            if self.converged_turn is not None or self.turns >= self.params.max_turns:
                break
            before = self.smp_state(state)
            after, _ = step(before, self._chooser)
            move = float(np.linalg.norm(after.position - before.position, axis=1).sum())
            state.position[:] = after.position * 100.0
            self._ideal = after.ideal
            self.turns += 1
            moved = max(moved, move)
            if self._first_move is None:
                self._first_move = move
            stop = StopRule(max_turns=self.params.max_turns, min_delta_ratio=self.params.min_delta_ratio)
            if self.params.stop == "ktab" and self.turns >= stop.min_turns and \
                    move / (self._first_move + stop.min_sig_delta) < stop.min_delta_ratio:
                self.converged_turn = self.turns
        state.clip_positions()
        return RoundResult(offer=self.forecast(state),
                           info={"ktab_turns": self.turns, "converged": self.converged_turn, "max_move": moved})

    def forecast(self, state: NegotiationState) -> np.ndarray:
        smp = self.smp_state(state)
        uniq, p = smp.outcome_distribution()
        if self.params.forecast == "mode":
            return state.position[uniq[int(np.argmax(p))]].copy()
        return np.clip(p @ state.position[uniq], state.position.min(axis=0), state.position.max(axis=0))

    def distribution(self, state: NegotiationState) -> list[tuple[np.ndarray, float]]:
        """Distinct positions (0-100) with their outcome probabilities."""
        uniq, p = self.smp_state(state).outcome_distribution()
        return [(state.position[i].copy(), float(pk)) for i, pk in zip(uniq, p, strict=True)]

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        return FinalOutcome(package=self.forecast(state), agreed=True)
