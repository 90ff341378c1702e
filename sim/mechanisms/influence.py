"""Third-party influence over the relation graph (used by the model in every round, whatever the mechanism).

A Friedkin-Johnsen style update (Friedkin & Johnsen 1990, "Social influence and opinions", J. Math. Sociology
15(3-4); DeGroot 1974, JASA 69): actor i moves each issue position toward the positions of those who influence it,

    dp_ij = rate * (1 - s_ij) * sum_k W_kij (p_kj - p_ij) / max(1, sum_k W_kij),
    W_kij = influence_ki * c_k / (c_k + c_i) * s_kj,

so pressure grows with the influencer's tie strength, relative capability and salience on the issue, and an actor
resists in proportion to its own salience (its susceptibility is 1 - s_ij). Each update moves a position part of
the way toward a weighted average of other positions, so positions never leave [0, 100].

Because W factorises as A_ik * s_kj with A = (influence * relative capability)^T, the sums are two small matrix
products: sum_k W_kij = (A S)_ij and sum_k W_kij p_kj = (A (S * P))_ij.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np

from sim.core.state import NegotiationState

PressureMove = tuple[int, int, int | None, float]  # (source k, target i, issue j or None for all, strength)


def relative_capability(capability: np.ndarray) -> np.ndarray:
    """R[k, i] = c_k / (c_k + c_i); 0.5 where both are 0 (memoised: capabilities rarely change in a run)."""
    return _relative_capability(capability.tobytes(), capability.size)


@functools.lru_cache(maxsize=256)
def _relative_capability(raw: bytes, size: int) -> np.ndarray:
    relative = relative_capability_of(np.frombuffer(raw, dtype=float, count=size))
    relative.flags.writeable = False  # shared between calls
    return relative


def relative_capability_of(capability: np.ndarray) -> np.ndarray:
    """R[..., k, i] = c_k / (c_k + c_i) for capabilities (..., N); 0.5 where both are 0."""
    total = capability[..., :, None] + capability[..., None, :]
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, capability[..., :, None] / safe, 0.5)


def pull_matrix(state: NegotiationState, extra: list[PressureMove],
                ties: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A[i, k] = tie(k -> i) * R[k, i], with all-issue pressure moves added to the tie; and R."""
    relative = relative_capability(state.capability)
    tie = state.influence if ties is None else ties
    if any(issue is None for _, _, issue, _ in extra):
        tie = tie.copy()
        for source, target, issue, strength in extra:
            if issue is None:
                tie[source, target] = min(1.0, tie[source, target] + strength)
    return (tie * relative).T, relative


def signed_ties(influence: np.ndarray, alignment: np.ndarray, weight: float | np.ndarray) -> np.ndarray:
    """tau = influence * ((1 - w) + w * alignment): w = 0 ignores alignment, w = 1 signs ties by alignment.

    ``weight`` may be an array broadcasting against ``influence`` (one weight per replication); where it is 0
    the factor is exactly 1, so those ties are returned unchanged.
    """
    if not (np.asarray(weight) > 0).any():
        return influence
    return influence * ((1.0 - weight) + weight * alignment)


def influence_sums(pull: np.ndarray, salience: np.ndarray, position: np.ndarray,
                   signed: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sum_k W_kij, sum_k |W_kij|, sum_k W_kij p_kj) for pull matrices (..., N, N)."""
    signed_total = pull @ salience
    total = np.abs(pull) @ salience if signed else signed_total
    return signed_total, total, pull @ (salience * position)


def influence_delta(signed_total: np.ndarray, total: np.ndarray, toward: np.ndarray, salience: np.ndarray,
                    position: np.ndarray, rate: float | np.ndarray) -> np.ndarray:
    """dp_ij = rate (1 - s_ij) (sum_k W_kij p_kj - sum_k W_kij p_ij) / max(1, sum_k |W_kij|)."""
    return rate * (1.0 - salience) * (toward - signed_total * position) / np.maximum(1.0, total)


def apply_influence(state: NegotiationState, rate: float, extra: Iterable[PressureMove] = (),
                    alignment_weight: float = 0.0) -> np.ndarray:
    """Move positions in place one influence step; returns the change (N, M).

    With ``alignment_weight`` w > 0 a tie's sign follows the relation's alignment (Altafini 2013, "Consensus
    problems on networks with antagonistic interactions", IEEE Trans. Automatic Control 58(4)): a negative tie
    pushes the target away from the source's position (toward its reflection 2 p_i - p_k) instead of pulling it
    closer; the step is normalised by the absolute weights and clipped to [0, 100].
    """
    extra = list(extra)
    if rate <= 0 or (not state.influence.any() and not extra):
        return np.zeros_like(state.position)
    ties = signed_ties(state.influence, state.alignment, alignment_weight)
    pull, relative = pull_matrix(state, extra, ties)
    sal, pos = state.salience, state.position
    signed_total, total, toward = influence_sums(pull, sal, pos, signed=alignment_weight > 0)
    for source, target, issue, strength in extra:
        if issue is not None:
            weight = min(1.0, strength) * relative[source, target] * sal[source, issue]
            if total is not signed_total:
                total[target, issue] += weight
            signed_total[target, issue] += weight
            toward[target, issue] += weight * pos[source, issue]
    delta = influence_delta(signed_total, total, toward, sal, pos, rate)
    pos += delta
    np.minimum(np.maximum(pos, 0.0, out=pos), 100.0, out=pos)
    return delta
