"""Multi-issue alternating-offers bargaining with outside options and time-dependent concession.

The protocol is Rubinstein's (1982, "Perfect equilibrium in a bargaining model", Econometrica 50(1)) alternating
offers, with the offer and acceptance rules of Faratin, Sierra & Jennings (1998, "Negotiation decision functions
for autonomous agents", Robotics and Autonomous Systems 24(3-4)):

* proposer: the veto players take turns (``proposer: alternate``) or one is drawn each round with probability
  proportional to capability (``proposer: capability``, the Baron & Ferejohn 1989 recognition rule);
* offer: the proposer i offers, on every issue j, x_j = p_ij + alpha_i(t)(r_ij - p_ij), where
  alpha_i(t) = k + (1 - k)(t / T)^(1 / beta_i) is its time-dependent concession (see ``concession``);
  with ``offers: tradeoff`` it instead offers, at the utility that concession would leave it (its aspiration),
  the package the other veto players value most (Faratin, Sierra & Jennings 2002; see ``tradeoff``);
* response: every other veto player v accepts iff U_v(x) >= max(U_v(x_v(t')), o_v * delta^(T - t)), i.e. the offer
  is worth at least what v would itself offer next round (t' = t + 1; Faratin et al. eq. 1) and at least its
  outside option o_v (Binmore, Rubinstein & Wolinsky 1986: outside options bound acceptable deals);
* the offer is agreed when every veto player accepts; if none is agreed by round T, the disagreement package of
  the scenario applies (e.g. presence drifting down as the security guarantee lapses).

Utilities are the additive salience-weighted ones of ``sim.core.utility``. Diagnostics per round: the
proposer, the offer, the responses and each veto player's utility for the offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.core.state import NegotiationState
from sim.mechanisms.base import BatchStep, Mechanism, RoundResult
from sim.mechanisms.batched import batched_offers
from sim.mechanisms.concession import alpha, offers
from sim.mechanisms.tradeoff import tradeoff_offer

if TYPE_CHECKING:
    from sim.policies.base import Policy
from sim.core.utility import utilities


class BargainingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    proposer: Literal["alternate", "capability"] = Field(
        "alternate", description="veto players take turns, or one is drawn in proportion to capability")
    initial_concession: float = Field(0.0, ge=0.0, lt=1.0, description="Faratin's k: concession at t = 0")
    outside_option_discount: float = Field(
        1.0, gt=0.0, le=1.0, description="delta: the outside option's worth shrinks by delta^(T - t)")
    offers: Literal["concession", "tradeoff"] = Field(
        "concession", description="concede on every issue alike (Faratin et al. 1998), or offer, at the same "
                                  "aspiration, the package the other veto players value most (trade-off, 2002)")


def choose_proposer(state: NegotiationState, rng: np.random.Generator, rule: str,
                    vetoes: np.ndarray | None = None) -> int:
    """Index of this round's proposer among the veto players."""
    vetoes = np.flatnonzero(state.veto) if vetoes is None else vetoes
    if rule == "capability":
        return _capability_draw(state.capability, vetoes, rng)
    return int(vetoes[(state.round - 1) % len(vetoes)])


def _capability_draw(capability: np.ndarray, vetoes: np.ndarray, rng: np.random.Generator) -> int:
    """A veto player drawn with probability in proportion to capability (Baron & Ferejohn 1989)."""
    weights = capability[vetoes]
    total = weights.sum()
    return int(rng.choice(vetoes, p=weights / total if total > 0 else None))


def acceptance(state: NegotiationState, offer: np.ndarray, k: float, discount: float) -> np.ndarray:
    """Faratin's acceptance rule with an outside-option floor, for every actor (N,) bool."""
    return acceptance_rule(state.position, state.salience, state.reservation, state.concession_beta,
                           state.outside_option, state.disagreement, offer, state.round, state.n_rounds, k, discount)


def acceptance_rule(position: np.ndarray, salience: np.ndarray, reservation: np.ndarray, beta: np.ndarray,
                    outside_option: np.ndarray, disagreement: np.ndarray, offer: np.ndarray, round_: int,
                    n_rounds: int, k: float | np.ndarray, discount: float | np.ndarray) -> np.ndarray:
    """The acceptance rule on arrays (..., N, M) / (..., N) / (..., M), so one replication or many.

    Written on salience-weighted losses L_i(x) = sum_j s_ij |x_j - p_ij|, since U_i(x) = 1 - L_i(x) / (100 S_i)
    with S_i = sum_j s_ij: U_i(offer) >= max(U_i(own next offer), floor_i) is L_i(offer) <= min(L_i(own next),
    100 S_i (1 - floor_i)). The own next offer lies alpha of the way to the reservation, so its loss is
    alpha_i * L_i(reservation).
    """
    next_fraction = min(1.0, (round_ + 1) / n_rounds)
    a = alpha(next_fraction, beta, k)
    loss_offer = (salience * np.abs(offer[..., None, :] - position)).sum(axis=-1)
    loss_own = a * (salience * np.abs(reservation - position)).sum(axis=-1)
    scale = 100.0 * salience.sum(axis=-1)
    outside = outside_option
    if np.isnan(outside).any():
        no_deal = 1.0 - (salience * np.abs(disagreement[..., None, :] - position)).sum(axis=-1) \
            / np.where(scale > 0, scale, 1.0)
        outside = np.where(np.isnan(outside), no_deal, outside)
    floor = outside * discount ** max(0, n_rounds - round_)
    budget = np.minimum(loss_own, scale * (1.0 - floor))
    return loss_offer <= budget + 1e-10 * np.maximum(scale, 1.0)


class AlternatingOffers(Mechanism):
    name = "bargaining"
    title = "Multi-issue alternating offers with outside options and time-dependent concession"
    reference = ("Rubinstein 1982 Econometrica 50(1); Faratin, Sierra & Jennings 1998 Robotics and Autonomous "
                 "Systems 24(3-4); Binmore, Rubinstein & Wolinsky 1986 RAND J. Econ. 17(2)")
    classifier = {"stochastic": True, "iterative": True, "uses_proposals": True, "outcome": "agreement"}
    Params = BargainingParams

    batched = True

    def supports_batch(self) -> bool:
        return self.params.offers == "concession"

    def start(self, state: NegotiationState, rng: np.random.Generator) -> None:
        self._vetoes = np.flatnonzero(state.veto)

    def batch_draws(self) -> bool:
        return self.params.proposer != "alternate"  # the only draw: who proposes (_capability_draw)

    def batch_start(self, arrays: dict[str, np.ndarray], veto: np.ndarray) -> None:
        self._vetoes = np.flatnonzero(veto)

    def batch_step(self, arrays: dict[str, np.ndarray], active: np.ndarray, round_: int, n_rounds: int,
                   generators: Sequence[np.random.Generator]) -> BatchStep:
        a, vetoes, k = arrays, self._vetoes, self.params.initial_concession
        if self.params.proposer == "alternate":
            proposer = np.full(active.size, vetoes[(round_ - 1) % len(vetoes)])
        else:
            proposer = np.array([_capability_draw(a["capability"][r], vetoes, generators[r]) for r in active])
        pos, res, beta = a["position"][active], a["reservation"][active], a["concession_beta"][active]
        offer = batched_offers(pos, res, beta, proposer, min(1.0, round_ / max(1, n_rounds)), k)
        accept = acceptance_rule(pos, a["salience"][active], res, beta, a["outside_option"][active],
                                 a["disagreement"][active], offer, round_, n_rounds, k,
                                 self.params.outside_option_discount)
        accept[np.arange(active.size), proposer] = True
        deal = accept[:, vetoes].all(axis=1)
        return BatchStep(proposer, offer, deal, np.full(active.size, -1))

    def step(self, state: NegotiationState, rng: np.random.Generator,
             policies: Sequence[Policy]) -> RoundResult:
        k = self.params.initial_concession
        vetoes = self._vetoes
        proposer = choose_proposer(state, rng, self.params.proposer, vetoes)
        fraction = state.time_fraction
        suggestion = offers(state.position, state.reservation, fraction, state.concession_beta, k)[proposer]
        if self.params.offers == "tradeoff":
            aspiration = float(utilities(state.position[proposer], state.salience[proposer], suggestion))
            responders = vetoes[vetoes != proposer]
            suggestion = tradeoff_offer(state.position, state.salience, proposer, responders, aspiration)
        offer = np.asarray(policies[proposer].propose(proposer, state, suggestion), dtype=float)
        offer = np.minimum(np.maximum(offer, 0.0), 100.0)
        would_accept = acceptance(state, offer, k, self.params.outside_option_discount)
        accepted = np.ones(state.n_actors, dtype=bool)
        for voter in (np.flatnonzero(state.veto) if vetoes is None else vetoes):
            if voter != proposer:
                accepted[voter] = bool(policies[voter].respond(int(voter), state, offer, bool(would_accept[voter])))
        agreed = bool(accepted.all())  # non-voters count as accepting
        return RoundResult(proposer=proposer, offer=offer, accepted=accepted,
                           agreement=offer.copy() if agreed else None)
