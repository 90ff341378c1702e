"""The default bargaining round and the influence step for many replications at once.

The equations are those of ``influence.py`` and ``bargaining.py`` (see them for the references); this module only
applies their shape-generic pieces over a leading replication axis, so a sweep or a Monte Carlo run pays numpy's
per-call overhead once per round instead of once per replication. Arrays are (R, N, M), (R, N, N), (R, N) and
(R,). Only the model policy and concession offers are covered; ``sim.experiments.batch`` falls back to the
one-model-per-replication path for anything else. Tests check that both paths give the same rows.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.concession import offers
from sim.mechanisms.influence import influence_delta, influence_sums, relative_capability_of, signed_ties


def batched_influence(position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                      influence: np.ndarray, rate: np.ndarray, alignment: np.ndarray | None = None,
                      alignment_weight: np.ndarray | None = None) -> np.ndarray:
    """New positions (R, N, M) after one influence step of ``influence.apply_influence`` (no pressure moves)."""
    ties = influence
    if alignment is not None and alignment_weight is not None:
        ties = signed_ties(influence, alignment, alignment_weight[:, None, None])
    pull = (ties * relative_capability_of(capability)).transpose(0, 2, 1)
    signed_total, total, toward = influence_sums(pull, salience, position, signed=ties is not influence)
    moved = position + influence_delta(signed_total, total, toward, salience, position, rate[:, None, None])
    return np.minimum(np.maximum(moved, 0.0), 100.0)


def batched_offers(position: np.ndarray, reservation: np.ndarray, beta: np.ndarray, proposer: np.ndarray,
                   time_fraction: float, k: np.ndarray) -> np.ndarray:
    """Each replication's proposer's concession offer (R, M), clipped to the scale."""
    offer = offers(position, reservation, time_fraction, beta, k)[np.arange(position.shape[0]), proposer]
    return np.minimum(np.maximum(offer, 0.0), 100.0)
