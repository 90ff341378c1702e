"""The default bargaining round and the influence step for many replications at once.

Same equations as ``influence.apply_influence`` and ``bargaining.AlternatingOffers`` (see those modules for the
references), written over a leading replication axis so a sweep or a Monte Carlo run pays numpy's per-call
overhead once per round instead of once per replication. Arrays are (R, N, M), (R, N, N), (R, N) and (R,).
Only the model policy and concession offers are covered; ``sim.experiments.batch`` falls back to the one-model-
per-replication path for anything else. Tests check that both paths give the same outcomes.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.concession import alpha


def batched_influence(position: np.ndarray, salience: np.ndarray, capability: np.ndarray,
                      influence: np.ndarray, rate: np.ndarray, alignment: np.ndarray | None = None,
                      alignment_weight: np.ndarray | None = None) -> np.ndarray:
    """New positions (R, N, M) after one influence step (Friedkin-Johnsen / Altafini form of ``influence.py``)."""
    total_cap = capability[:, :, None] + capability[:, None, :]
    safe = np.where(total_cap > 0, total_cap, 1.0)
    relative = np.where(total_cap > 0, capability[:, :, None] / safe, 0.5)
    signed = alignment_weight is not None and bool((alignment_weight > 0).any())
    ties = influence
    if signed:
        w = alignment_weight[:, None, None]
        ties = np.where(w > 0, influence * ((1.0 - w) + w * alignment), influence)
    pull = (ties * relative).transpose(0, 2, 1)
    signed_total = pull @ salience
    total = np.abs(pull) @ salience if signed else signed_total
    toward = pull @ (salience * position)
    delta = rate[:, None, None] * (1.0 - salience) * (toward - signed_total * position) / np.maximum(1.0, total)
    moved = position + delta
    return np.minimum(np.maximum(moved, 0.0), 100.0)


def batched_offers(position: np.ndarray, reservation: np.ndarray, beta: np.ndarray, proposer: np.ndarray,
                   time_fraction: float, k: float) -> np.ndarray:
    """Each replication's proposer's concession offer (R, M), clipped to the scale."""
    a = alpha(time_fraction, beta, k)
    rows = np.arange(position.shape[0])
    own = position[rows, proposer]
    offer = own + a[rows, proposer][:, None] * (reservation[rows, proposer] - own)
    return np.minimum(np.maximum(offer, 0.0), 100.0)


def batched_acceptance(position: np.ndarray, salience: np.ndarray, reservation: np.ndarray, beta: np.ndarray,
                       outside_option: np.ndarray, disagreement: np.ndarray, offer: np.ndarray, round_: int,
                       n_rounds: int, k: float, discount: float) -> np.ndarray:
    """Faratin's acceptance rule with the outside-option floor (loss form of ``bargaining.acceptance``), (R, N)."""
    next_fraction = min(1.0, (round_ + 1) / n_rounds)
    a = alpha(next_fraction, beta, k)
    loss_offer = (salience * np.abs(offer[:, None, :] - position)).sum(axis=2)
    loss_own = a * (salience * np.abs(reservation - position)).sum(axis=2)
    scale = 100.0 * salience.sum(axis=2)
    outside = outside_option
    if np.isnan(outside).any():
        no_deal = 1.0 - (salience * np.abs(disagreement[:, None, :] - position)).sum(axis=2) \
            / np.where(scale > 0, scale, 1.0)
        outside = np.where(np.isnan(outside), no_deal, outside)
    floor = outside * discount ** max(0, n_rounds - round_)
    budget = np.minimum(loss_own, scale * (1.0 - floor))
    return loss_offer <= budget + 1e-10 * np.maximum(scale, 1.0)
