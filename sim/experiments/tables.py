"""Outcome tables from a frame of replication rows (one row per replication, as ReplicationResult.summary())."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.core.categories import CATEGORIES, CATEGORY_LABELS
from sim.core.intervals import mean_interval, wilson_interval

STATUSES = ("signed", "unresolved", "breakdown", "forecast")
STATUS_LABELS = {"signed": "new agreement signed", "unresolved": "talks still open",
                 "breakdown": "talks broke down", "forecast": "forecast of the decision"}


def _share_row(issue: str, outcome: str, label: str, count: int, n: int, **extra: Any) -> dict[str, Any]:
    low, high = wilson_interval(count, n)
    return {"issue": issue, "outcome": outcome, "label": label, "count": count,
            "probability": count / n if n else 0.0, "ci_low": low, "ci_high": high, **extra}


def outcome_table(replications: pd.DataFrame, month: int | None = None) -> pd.DataFrame:
    """Probability of every state of every base issue (status x category), and of each talks status, with 95%
    Wilson intervals, at the end of the run or (``month``) at that month. Within each base issue the
    probabilities sum to 1; unresolved and broken-down runs are rows of their own, never folded into a deal."""
    n = len(replications)
    suffix = f".m{month}" if month is not None else ""
    rows = []
    states = [c for c in replications.columns if c.startswith("state.") and c.endswith(suffix)
              and c.count(".") == (2 if month is not None else 1)]
    for column in states:
        issue = column.removeprefix("state.").removesuffix(suffix)
        counts = replications[column].value_counts()
        for status in STATUSES:
            for category in CATEGORIES:
                count = int(counts.get(f"{status}:{category}", 0))
                if count or status != "forecast":
                    rows.append(_share_row(issue, f"{status}:{category}",
                                           f"{STATUS_LABELS[status]}: {CATEGORY_LABELS[category]}", count, n))
        if counts.get("unobserved", 0):
            rows.append(_share_row(issue, "unobserved", "beyond the months simulated",
                                   int(counts["unobserved"]), n))
    status_col = f"status{suffix}" if month is None else None
    for status in STATUSES:
        column = status_col if status_col else f"{status}.m{month}"
        if status_col and status_col in replications:
            count = int((replications[status_col] == status).sum())
        elif column in replications:
            count = int(replications[column].sum())
        else:
            continue
        if count or status != "forecast":
            rows.append(_share_row("(all)", status, STATUS_LABELS[status], count, n))
    return pd.DataFrame(rows, columns=["issue", "outcome", "label", "count", "probability", "ci_low", "ci_high"])


def month_table(replications: pd.DataFrame, months: list[int]) -> pd.DataFrame:
    """P(signed by k), P(breakdown by k), P(still open at k) and each base issue's state distribution at each
    month k, with 95% intervals (a long table with a ``month`` column)."""
    parts = []
    for k in months:
        table = outcome_table(replications, month=k)
        table.insert(0, "month", k)
        parts.append(table)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def issue_means(replications: pd.DataFrame) -> pd.DataFrame:
    """Mean final value of every issue with a 95% interval, and mean agreement round."""
    rows = []
    for column in [c for c in replications.columns if c.startswith("outcome.")] + ["agreement_round"]:
        if column in replications:
            mean, low, high = mean_interval(replications[column].to_numpy(dtype=float))
            rows.append({"quantity": column, "mean": mean, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["quantity", "mean", "ci_low", "ci_high"])
