"""Additive multi-issue utility shared by every mechanism, the outcome classifier and the faces.

An actor's utility for a package ``x`` (one value per issue, 0-100) is the salience-weighted closeness of each
issue value to the actor's ideal point (linear additive utility, as in Raiffa 1982, *The Art and Science of
Negotiation*, and Faratin, Sierra & Jennings 1998):

    U_i(x) = sum_j w_ij * (1 - |x_j - p_ij| / 100),   w_ij = s_ij / sum_k s_ik

so U_i is in [0, 1], equals 1 at the ideal point and falls linearly with distance on each issue.
"""

from __future__ import annotations

import numpy as np

from sim.core.state import NegotiationState


def issue_weights(salience: np.ndarray) -> np.ndarray:
    """Row-normalised salience weights (N, M); an actor with all-zero salience weighs issues equally."""
    sal = np.asarray(salience, dtype=float)
    totals = sal.sum(axis=-1, keepdims=True)
    n_issues = sal.shape[-1]
    safe = np.where(totals > 0, totals, 1.0)
    return np.where(totals > 0, sal / safe, 1.0 / n_issues)


def utilities(ideal: np.ndarray, salience: np.ndarray, package: np.ndarray) -> np.ndarray:
    """Utility of every actor (rows of ``ideal``) for ``package``.

    ``package`` may be (M,), (N, M) or a stack (K, N, M) of packages; the result drops the issue axis.
    """
    sal = np.asarray(salience, dtype=float)
    totals = sal.sum(axis=-1)
    closeness = 100.0 - np.abs(np.asarray(package, dtype=float) - ideal)
    if (totals > 0).all():
        return (sal * closeness).sum(axis=-1) / (100.0 * totals)
    return np.sum(issue_weights(sal) * closeness, axis=-1) / 100.0


def own_outside(given: np.ndarray, position: np.ndarray, salience: np.ndarray,
                disagreement: np.ndarray) -> np.ndarray:
    """Each actor's own outside option (..., N): the given value, or (where omitted, NaN) the utility it gets from
    the disagreement package (..., M) that applies if talks fail."""
    if not np.isnan(given).any():
        return given
    derived = utilities(position, salience, disagreement[..., None, :])
    return np.where(np.isnan(given), derived, given)


def with_backing(own: np.ndarray, weight: np.ndarray | float, influence: np.ndarray, alignment: np.ndarray,
                 veto: np.ndarray) -> np.ndarray:
    """Own outside options (..., N) plus ``weight`` (a scalar, or one per leading element) times each veto
    player's :func:`third_party_backing`, within [0, 1]."""
    weight = np.asarray(weight, dtype=float)
    if not weight.any():
        return own
    return np.clip(own + weight[..., None] * third_party_backing(influence, alignment, veto), 0.0, 1.0)


def own_outside_options(state: NegotiationState) -> np.ndarray:
    """Each actor's own outside option in one replication (see :func:`own_outside`)."""
    return own_outside(state.outside_option, state.position, state.salience, state.disagreement)


def outside_options(state: NegotiationState) -> np.ndarray:
    """Each actor's outside option now: its own plus, for veto players, the backing of third parties
    (``dynamics.outside_support``, see :func:`with_backing`)."""
    return with_backing(own_outside_options(state), state.outside_support, state.influence, state.alignment,
                        state.veto)


def third_party_backing(influence: np.ndarray, alignment: np.ndarray, veto: np.ndarray) -> np.ndarray:
    """(..., N) for each veto player i, sum_k influence_ki * alignment_ki over the non-veto actors k (0 for the
    others): friendly, influential outsiders widen a bargainer's alternatives, hostile ones narrow them (the
    outside-option reading of third-party support, e.g. Cooley 2008 on host governments courting rival
    patrons). Arrays (..., N, N) with ``[k, i]`` = k on i."""
    third = ~np.asarray(veto, dtype=bool)
    backing = (influence * alignment * third[:, None]).sum(axis=-2)
    return np.where(veto, backing, 0.0)
