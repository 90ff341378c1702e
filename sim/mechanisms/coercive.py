"""Coercive bargaining that can fail: bottom lines, costs of delay, outside options, private information.

Two veto players (a host government and a basing power) bargain month by month over a package of issues. Each
month:

1. a proposer is chosen: the two alternate (Rubinstein 1982, "Perfect equilibrium in a bargaining model",
   Econometrica 50(1)), or one is drawn with probability in proportion to capability (``proposer: capability``,
   Baron & Ferejohn 1989, "Bargaining in legislatures", APSR 83(4)) - the only place capability enters;
2. the proposer offers the package that maximises its own utility subject to every veto player's per-issue bottom
   line (a hard constraint) and to the responder getting what it keeps by refusing (``frontier.py``); it offers
   only if that beats what it keeps itself, so no one proposes below its own outside option;
3. the responder accepts iff the package respects every bottom line and is worth at least max(o_r, cont_r), its
   outside option and its value of continuing (``equilibrium.py``: discount factors per month, the utility of the
   interim state while talks go on, Binmore, Rubinstein & Wolinsky 1986 on outside options);
4. without a deal, a veto player whose outside option beats its value of continuing walks away (breakdown);
   otherwise talks stay open, the bases' presence drifts (``NegotiationState.drift_presence``) and events may move
   outside options, bottom lines and positions.

With complete information (default) and unchanged parameters the players agree at once if a zone exists - and
never if none does (the theory's own prediction); delay then comes only from change over time (events, drift,
influence). With ``information: private`` each veto player's outside option is private: the other holds a belief
on a grid of ``types`` points over the public prior (the scenario's range for it, else +-``belief_width``),
screens with the offer that maximises its expected utility given that belief, and after a refusal drops the
types that would have accepted (Bayes' rule with a ``tremble``) - the private-information route to delay and
breakdown (Rubinstein 1985, Econometrica 53(5); Cramton 1992, RES 59(1); Fearon 1995, IO 49(3)). Each side judges
what it keeps by refusing, and whether to walk away, by averaging its complete-information equilibria over its
belief (a one-step approximation to the full sequential-equilibrium problem, stated in docs/mechanisms.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.state import NegotiationState
from sim.core.utility import outside_options, own_outside, with_backing
from sim.mechanisms.base import BatchStep, FinalOutcome, Mechanism, RoundResult
from sim.mechanisms.coercive_round import RoundInputs, decide, responder_accepts, update_beliefs

if TYPE_CHECKING:
    from sim.policies.base import Policy


class CoerciveParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    proposer: Literal["alternate", "capability"] = Field(
        "alternate", description="the veto players take turns, or one is drawn in proportion to capability")
    information: Literal["complete", "private"] = Field(
        "complete", description="outside options known to both, or private with beliefs updated from refusals")
    types: int = Field(7, ge=2, le=25, description="grid points of the belief over the other's outside option")
    belief_width: float = Field(
        0.15, gt=0.0, le=0.5, description="prior half-width on an outside option the scenario gives as one number")
    tremble: float = Field(0.02, ge=0.0, lt=1.0,
                           description="weight kept by types a refusal rules out (0 = strict Bayes)")
    interim: Literal["status_quo", "none"] = Field(
        "status_quo", description="payoff while talks go on: the interim state's utility, or none (Rubinstein)")
    tolerance: float = Field(1e-7, gt=0.0, le=1e-3, description="value-iteration tolerance (utility units)")


def veto_pair(veto: np.ndarray) -> np.ndarray:
    """The two veto players' indices; the mechanism is defined for exactly two."""
    pair = np.flatnonzero(veto)
    if pair.size != 2:
        raise ValueError(f"the coercive mechanism needs exactly two veto players, the scenario has {pair.size}; "
                         "use bargaining or a forecast mechanism for more")
    return pair


@dataclass
class Types:
    """What each veto player imagines about the other: candidate types and the belief over them.

    ``reservation`` (R, 2, G, M) and ``outside0`` (R, 2, G) are player i's candidate bottom lines and outside option
    (at the start); ``belief`` (R, 2, G) is viewer v's belief over the *other* player's types."""

    reservation: np.ndarray
    outside0: np.ndarray
    truth0: np.ndarray  # (R, 2) true outside options at the start (types move with public changes)
    belief: np.ndarray

    def outside(self, truth: np.ndarray) -> np.ndarray:
        """Candidate outside options now, (R, 2, G), given the true ones now (R, 2)."""
        if self.belief.shape[-1] == 1 and np.array_equal(self.outside0[..., 0], self.truth0):
            return truth[..., None].copy()  # complete information: the one type is the truth, exactly
        return np.clip(truth[..., None] - self.truth0[..., None] + self.outside0, 0.0, 1.0)


def prior_types(position: np.ndarray, reservation: np.ndarray, reservation_range: np.ndarray,
                outside: np.ndarray, centre: np.ndarray, spread: np.ndarray, params: CoerciveParams) -> Types:
    """Types of the two veto players from (R, 2, ...) arrays (already restricted to the pair).

    Complete information: one type, the truth. Private: ``params.types`` types of rising resolve theta in [0, 1]:
    bottom lines at the fraction theta of their public range from the generous end toward the ideal, outside
    options at centre + (2 theta - 1) w, w the public half-range (``belief_width`` where the file gives one
    number)."""
    if params.information == "complete":
        return Types(reservation[:, :, None].copy(), outside[:, :, None].copy(), outside.copy(),
                     np.ones(outside.shape + (1,)))
    theta = np.linspace(0.0, 1.0, params.types)
    lo, hi = reservation_range[..., 0], reservation_range[..., 1]
    below = (lo + hi) / 2 <= position  # bottom line below the ideal: the tough end is the high one
    tough, generous = np.where(below, hi, lo), np.where(below, lo, hi)
    res = generous[:, :, None, :] + theta[:, None] * (tough - generous)[:, :, None, :]
    width = np.where(np.isfinite(spread), np.minimum(spread, 0.5), params.belief_width)
    centre = np.where(np.isnan(centre), outside, centre)  # no public prior given: centred on the true value
    out0 = np.clip(centre[..., None] + (2.0 * theta - 1.0) * width[..., None], 0.0, 1.0)
    belief = np.full(outside.shape + (params.types,), 1.0 / params.types)
    return Types(res, out0, outside.copy(), belief)


def batch_outside(arrays: dict[str, np.ndarray], veto: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Outside options (R, N) of stacked replications (as ``sim.core.utility.outside_options`` for one)."""
    rows = slice(None) if rows is None else rows
    own = own_outside(arrays["outside_option"][rows], arrays["position"][rows], arrays["salience"][rows],
                      arrays["disagreement"][rows])
    return with_backing(own, arrays["outside_support"][rows], arrays["influence"][rows], arrays["alignment"][rows],
                        veto)


def proposer_of(round_: int, rule: str, capability: np.ndarray, rng: np.random.Generator) -> int:
    """0 or 1: who of the pair proposes this month (one draw from ``rng`` under the capability rule)."""
    if rule == "capability":
        total = capability.sum()
        return int(rng.choice(2, p=capability / total if total > 0 else None))
    return (round_ - 1) % 2


class CoerciveBargaining(Mechanism):
    name = "coercive"
    title = "Coercive bargaining: bottom lines, costs of delay, outside options, private information"
    reference = ("Rubinstein 1982 Econometrica 50(1); Binmore, Rubinstein & Wolinsky 1986 RAND J. Econ. 17(2); "
                 "Baron & Ferejohn 1989 APSR 83(4); Cramton 1992 RES 59(1); Fearon 1995 IO 49(3)")
    classifier = {"stochastic": True, "iterative": True, "uses_proposals": True, "outcome": "agreement",
                  "can_break_down": True}
    Params = CoerciveParams
    batched = True
    deadline = False
    veto_players = 2

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self.pair = veto_pair(state.veto)
        pair = self.pair
        self.types = prior_types(state.position[None, pair], state.reservation[None, pair],
                                 state.reservation_range[None, pair], outside_options(state)[None, pair],
                                 state.outside_centre[None, pair], state.outside_spread[None, pair], self.params)

    def inputs(self, state: NegotiationState) -> RoundInputs:
        interim = state.interim_package()[None] if self.params.interim == "status_quo" else None
        outside = outside_options(state)[None]
        type_res = self.types.reservation
        if self.params.information == "complete":  # the one type is the truth, as it is now
            type_res = state.reservation[None, self.pair, None]
        return RoundInputs.build(state.position[None], state.salience[None], state.reservation[None], self.pair,
                                 outside, interim, state.discount[None], state.capability[None],
                                 self.params.proposer == "capability", type_res,
                                 self.types.outside(outside[:, self.pair]), self.params.information == "complete")

    def step(self, state: NegotiationState, rng: np.random.Generator, policies: Sequence[Policy]) -> RoundResult:
        k = proposer_of(state.round, self.params.proposer, state.capability[self.pair], rng)
        inp = self.inputs(state)
        dec = decide(inp, np.array([k]), self.types.belief, self.params.tolerance)
        proposer, responder = int(self.pair[k]), int(self.pair[1 - k])
        # the proposer's policy decides; the model's suggestion is None when it would make no serious offer
        proposal = policies[proposer].propose(proposer, state, dec.offer[0] if dec.made[0] else None)
        offer = None if proposal is None else np.clip(np.asarray(proposal, dtype=float), 0.0, 100.0)
        accepted = np.ones(state.n_actors, dtype=bool)
        accepted[responder] = False
        if offer is not None:
            model_says = bool(responder_accepts(inp, offer[None], np.array([1 - k]), dec.keep_responder)[0])
            accepted[responder] = bool(policies[responder].respond(responder, state, offer, model_says))
        info: dict = {"zone": bool(dec.zone[0]), "serious_offer": bool(dec.made[0])}
        if accepted[responder]:
            return RoundResult(proposer=proposer, offer=offer, accepted=accepted, agreement=offer.copy(), info=info)
        if offer is not None and dec.made[0]:
            update_beliefs(self.types.belief, dec.type_accepts, np.array([True]), np.array([k]),
                           self.params.tremble)
        if dec.walk[0].any():
            info["breakdown_by"] = int(self.pair[int(np.argmax(dec.surplus[0]))])
        return RoundResult(proposer=proposer, offer=offer, accepted=accepted, info=info)

    def batch_draws(self) -> bool:
        return self.params.proposer == "capability"  # the only draw: who proposes (proposer_of)

    def batch_start(self, arrays: dict[str, np.ndarray], veto: np.ndarray) -> None:
        self.pair, self.veto = veto_pair(veto), veto
        pair = self.pair
        a = arrays
        self.types = prior_types(a["position"][:, pair], a["reservation"][:, pair], a["reservation_range"][:, pair],
                                 batch_outside(a, veto)[:, pair], a["outside_centre"][:, pair],
                                 a["outside_spread"][:, pair], self.params)

    def batch_step(self, arrays: dict[str, np.ndarray], active: np.ndarray, round_: int, n_rounds: int,
                   generators: Sequence[np.random.Generator]) -> BatchStep:
        a, pair = arrays, self.pair
        if self.params.proposer == "capability":
            k = np.array([proposer_of(round_, "capability", a["capability"][r, pair], generators[r]) for r in active],
                         dtype=int)
        else:
            k = np.full(active.size, proposer_of(round_, self.params.proposer, a["capability"][0, pair], generators[0]))
        outside = batch_outside(a, self.veto, active)
        base = a["is_base"]
        interim = (np.where(base, a["presence"][active], a["status_quo"][active])
                   if self.params.interim == "status_quo" else None)
        type_res = (a["reservation"][active][:, pair, None] if self.params.information == "complete"
                    else self.types.reservation[active])
        sub = Types(type_res, self.types.outside0[active], self.types.truth0[active], self.types.belief[active])
        inp = RoundInputs.build(a["position"][active], a["salience"][active], a["reservation"][active], pair,
                                outside, interim, a["discount"][active], a["capability"][active],
                                self.params.proposer == "capability", type_res, sub.outside(outside[:, pair]),
                                self.params.information == "complete")
        dec = decide(inp, k, sub.belief, self.params.tolerance)
        refused = dec.made & ~dec.accept
        update_beliefs(sub.belief, dec.type_accepts, refused, k, self.params.tremble)
        self.types.belief[active] = sub.belief
        walker = np.where(dec.walk.any(axis=-1) & ~dec.accept, pair[np.argmax(dec.surplus, axis=-1)], -1)
        return BatchStep(pair[k], dec.offer, dec.accept, walker, dec.made)

    def finish(self, state: NegotiationState, rng: np.random.Generator) -> FinalOutcome:
        """Still talking at the last simulated month: unresolved, with the interim state holding."""
        return FinalOutcome(package=state.interim_package(), agreed=False, status="unresolved")
