"""The summary rows of a whole batch at once: column by column what ``replication.summarize`` gives row by row.

The per-replication classifier and timeline (``sim.outcomes``) stay the definition; this module applies the same
rules to arrays (R replications) so that the batch path does not build one ``Outcome`` per replication.
``tests/test_batch.py`` checks every column against one Mesa model per replication.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.categories import CATEGORIES
from sim.core.utility import issue_weights
from sim.experiments.replication import DEFAULT_MONTHS
from sim.outcomes.timeline import SETTLED

LEGAL = {"signed": "signed", "breakdown": "ended", "forecast": "signed"}


@dataclass
class BatchEnd:
    """Where each replication of a batch ended, as arrays over replications (R)."""

    status: np.ndarray  # (R,) signed | breakdown | unresolved | forecast
    package: np.ndarray  # (R, M)
    breakdown_by: np.ndarray  # (R,) actor index, -1 for none
    rounds: np.ndarray  # (R,) months played
    events_fired: np.ndarray  # (R,)
    month_status: np.ndarray  # (R, K) open | signed | ... per simulated month
    presence: np.ndarray  # (R, K, M) presence at the end of each month
    suspended: np.ndarray  # (R, K, M)
    initial_position: np.ndarray  # (R, N, M)
    salience: np.ndarray  # (R, N, M) at the end


def summary_columns(end: BatchEnd, actor_ids: Sequence[str], issue_ids: Sequence[str], is_base: np.ndarray,
                    thresholds: Sequence[float], months: Sequence[int] = ()) -> dict[str, list[Any]]:
    """Column name -> values (Python scalars, in ``summarize``'s column order)."""
    cuts = np.asarray(thresholds, dtype=float)
    status = end.status.astype(str)
    agreed_or_forecast = np.isin(status, ("signed", "forecast"))
    cols: dict[str, list[Any]] = {
        "status": status.tolist(),
        "agreed": (status == "signed").tolist(),
        "breakdown": (status == "breakdown").tolist(),
        "breakdown_by": [actor_ids[b] if b >= 0 else "" for b in end.breakdown_by.tolist()],
        "agreement_round": np.where(agreed_or_forecast, end.rounds.astype(float), np.nan).tolist(),
        "rounds_played": end.rounds.astype(int).tolist(),
    }
    for j, issue in enumerate(issue_ids):
        cols[f"outcome.{issue}"] = end.package[:, j].astype(float).tolist()
    bases = [(j, issue) for j, issue in enumerate(issue_ids) if is_base[j]]
    for j, issue in bases:
        level = np.searchsorted(cuts, end.package[:, j], side="right")
        category = np.asarray(CATEGORIES, dtype=object)[level]
        cols[f"category.{issue}"] = category.tolist()
        cols[f"state.{issue}"] = [f"{s}:{c}" for s, c in zip(status.tolist(), category.tolist(), strict=True)]
        cols[f"level.{issue}"] = level.astype(int).tolist()
    values = _utilities(end.initial_position, end.salience, end.package)
    for i, actor in enumerate(actor_ids):
        cols[f"utility.{actor}"] = values[:, i].tolist()
    cols["events_fired"] = end.events_fired.astype(int).tolist()
    cap = end.month_status.shape[1]
    for month in sorted({m for m in DEFAULT_MONTHS if m <= cap} | set(months)):
        cols.update(_month_columns(end, status, month, bases, cuts))
    return cols


def _utilities(initial: np.ndarray, salience: np.ndarray, package: np.ndarray) -> np.ndarray:
    """``sim.core.utility.utilities`` per replication (its branch on all-positive saliences taken per replication,
    so every value is the one-replication value)."""
    totals = salience.sum(axis=-1)
    closeness = 100.0 - np.abs(package[:, None, :] - initial)
    fast = (totals > 0).all(axis=-1)
    out = np.empty(totals.shape)
    out[fast] = (salience[fast] * closeness[fast]).sum(axis=-1) / (100.0 * totals[fast])
    if not fast.all():
        out[~fast] = np.sum(issue_weights(salience[~fast]) * closeness[~fast], axis=-1) / 100.0
    return out


def _month_columns(end: BatchEnd, final: np.ndarray, month: int, bases: list[tuple[int, str]],
                   cuts: np.ndarray) -> dict[str, list[Any]]:
    """``replication.month_columns`` for every replication (``Timeline.status_at`` and ``base_state``)."""
    played = end.rounds
    within = month <= played
    recorded = end.month_status[:, min(month, end.month_status.shape[1]) - 1].astype(str)
    after = np.where(np.isin(final, SETTLED), final, "unobserved")
    status = np.where(within, np.where(recorded == "open", "unresolved", recorded), after)
    forecast = final == "forecast"
    status = np.where(forecast, "forecast", status)
    cols: dict[str, list[Any]] = {f"signed.m{month}": (status == "signed").tolist(),
                                  f"breakdown.m{month}": (status == "breakdown").tolist(),
                                  f"unresolved.m{month}": (status == "unresolved").tolist()}
    unobserved = status == "unobserved"
    row = np.where(forecast, played - 1, np.minimum(month, played) - 1)
    reps = np.arange(len(final))
    for j, issue in bases:
        presence = end.presence[reps, row, j].astype(float)
        suspended = end.suspended[reps, row, j] >= 0.5
        level = np.searchsorted(cuts, presence, side="right")
        category = np.where(unobserved, "", np.asarray(CATEGORIES, dtype=object)[level])
        legal = np.array([LEGAL.get(s, "") for s in status.tolist()], dtype=object)
        legal = np.where(legal != "", legal, np.where(suspended, "suspended", "in_force"))
        legal = np.where(unobserved, "", legal)
        states = status.tolist()
        cats = category.tolist()
        cols[f"state.{issue}.m{month}"] = [f"{s}:{c}" if c else s for s, c in zip(states, cats, strict=True)]
        cols[f"category.{issue}.m{month}"] = [c or None for c in cats]
        cols[f"level.{issue}.m{month}"] = [int(v) if c else np.nan for v, c in zip(level.tolist(), cats,
                                                                                    strict=True)]
        cols[f"presence.{issue}.m{month}"] = np.where(unobserved, np.nan, presence).tolist()
        cols[f"legal.{issue}.m{month}"] = legal.tolist()
    return cols


def rows_of(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The columns as one dict per replication (the rows ``summarize`` would give)."""
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]
