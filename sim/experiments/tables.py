"""Outcome tables from a frame of replication rows (one row per replication, as ReplicationResult.summary())."""

from __future__ import annotations

import pandas as pd

from sim.core.categories import CATEGORIES, CATEGORY_LABELS
from sim.core.intervals import mean_interval, wilson_interval


def outcome_table(replications: pd.DataFrame) -> pd.DataFrame:
    """Probability of every category on every base issue, and of agreement, with 95% Wilson intervals.

    Within each base issue the probabilities sum to 1.
    """
    n = len(replications)
    rows = []
    for column in [c for c in replications.columns if c.startswith("category.")]:
        issue = column.removeprefix("category.")
        counts = replications[column].value_counts()
        for category in CATEGORIES:
            count = int(counts.get(category, 0))
            low, high = wilson_interval(count, n)
            rows.append({"issue": issue, "outcome": category, "label": CATEGORY_LABELS[category], "count": count,
                         "probability": count / n if n else 0.0, "ci_low": low, "ci_high": high})
    if "agreed" in replications:
        count = int(replications["agreed"].sum())
        low, high = wilson_interval(count, n)
        rows.append({"issue": "(all)", "outcome": "agreement", "label": "agreement reached", "count": count,
                     "probability": count / n if n else 0.0, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["issue", "outcome", "label", "count", "probability", "ci_low", "ci_high"])


def issue_means(replications: pd.DataFrame) -> pd.DataFrame:
    """Mean final value of every issue with a 95% interval, and mean agreement round."""
    rows = []
    for column in [c for c in replications.columns if c.startswith("outcome.")] + ["agreement_round"]:
        if column in replications:
            mean, low, high = mean_interval(replications[column].to_numpy(dtype=float))
            rows.append({"quantity": column, "mean": mean, "ci_low": low, "ci_high": high})
    return pd.DataFrame(rows, columns=["quantity", "mean", "ci_low", "ci_high"])
