"""Third-party influence over the relation graph (used by the model in every round, whatever the mechanism).

A Friedkin-Johnsen style update (Friedkin & Johnsen 1990, "Social influence and opinions", J. Math. Sociology
15(3-4); DeGroot 1974, JASA 69): actor i moves each issue position toward the positions of those who influence it,

    dp_ij = rate * (1 - s_ij) * sum_k W_kij (p_kj - p_ij) / max(1, sum_k W_kij),
    W_kij = influence_ki * c_k / (c_k + c_i) * s_kj,

so pressure grows with the influencer's tie strength, relative capability and salience on the issue, and an actor
resists in proportion to its own salience (its susceptibility is 1 - s_ij). Each update is a convex combination
of current positions, so positions never leave [0, 100].
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sim.mechanisms.state import NegotiationState


def influence_weights(state: NegotiationState, extra: Iterable[tuple[int, int, int | None, float]] = ()
                      ) -> np.ndarray:
    """W[i, k, j]: weight of actor k's pull on actor i's position on issue j.

    ``extra`` holds one-round pressure moves (source k, target i, issue j or None for all, strength).
    """
    cap = state.capability
    tie = state.influence.copy()
    for source, target, issue, strength in extra:
        if issue is None:
            tie[source, target] = min(1.0, tie[source, target] + strength)
    total_cap = cap[:, None] + cap[None, :]
    relative = np.divide(cap[:, None], total_cap, out=np.full_like(total_cap, 0.5), where=total_cap > 0)
    pull = (tie * relative).T  # pull[i, k]
    weights = pull[:, :, None] * state.salience[None, :, :]
    for source, target, issue, strength in extra:
        if issue is not None:
            weights[target, source, issue] += min(1.0, strength) * relative[source, target] \
                * state.salience[source, issue]
    return weights


def apply_influence(state: NegotiationState, rate: float,
                    extra: Iterable[tuple[int, int, int | None, float]] = ()) -> np.ndarray:
    """Move positions in place one influence step; returns the change (N, M)."""
    extra = list(extra)
    if rate <= 0 or (not state.influence.any() and not extra):
        return np.zeros_like(state.position)
    weights = influence_weights(state, extra)
    total = weights.sum(axis=1)
    target_sum = np.einsum("ikj,kj->ij", weights, state.position)
    pull = target_sum - total * state.position
    delta = rate * (1.0 - state.salience) * pull / np.maximum(1.0, total)
    state.position += delta
    np.clip(state.position, 0.0, 100.0, out=state.position)
    return delta
