"""What the explorer shows, computed from two runs with the same seeds: the explored scenario and the original.

Replication ``r`` of both runs starts from ``SeedSequence(seed, spawn_key=(r,))``, so rows pair by replication
index. A paired difference ``d_r = x_r(explored) - x_r(original)`` has the interval ``mean(d) ± 1.96 sd(d)/sqrt(n)``
(normal approximation; its half-width shrinks with the correlation the common seeds create).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import RunResult
from sim.core.intervals import mean_interval


@dataclass
class Comparison:
    """The explored run, the original run and the tables the page draws."""

    explored: RunResult
    original: RunResult
    distribution: pd.DataFrame  # arm, issue, outcome, label, probability, ci_low, ci_high
    difference: pd.DataFrame  # issue, outcome, label, difference, ci_low, ci_high, n
    months: pd.DataFrame  # arm, month, signed, breakdown, unresolved (shares), presence.<base> (mean, 0-100)

    @property
    def n(self) -> int:
        return len(self.explored.replications)


def compare(explored: RunResult, original: RunResult) -> Comparison:
    """Tables of the outcome distribution per base (both arms), paired differences and the month-by-month view."""
    a, b = explored.replications, original.replications
    if len(a) != len(b) or not (a["replication"].to_numpy() == b["replication"].to_numpy()).all():
        raise ValueError("the two runs must have the same replications (same n and seed) to be paired")
    distribution = pd.concat([explored.table.assign(arm="explored"), original.table.assign(arm="original")],
                             ignore_index=True)
    return Comparison(explored, original, distribution, paired_differences(explored, original),
                      pd.concat([month_view(explored, "explored"), month_view(original, "original")],
                                ignore_index=True))


def paired_differences(explored: RunResult, original: RunResult) -> pd.DataFrame:
    """Explored minus original, paired by replication: the share of runs in every state of every base
    (``signed:new_terms``, ``unresolved:reduced_presence``, ...) and in every talks status, and the mean final value
    of every issue, each with a paired 95% interval."""
    a, b = explored.replications, original.replications
    labels = pd.concat([explored.table, original.table]).drop_duplicates(["issue", "outcome"])
    rows = []
    for issue, outcome, label in labels[["issue", "outcome", "label"]].itertuples(index=False):
        column = "status" if issue == "(all)" else f"state.{issue}"
        if column not in a or column not in b:
            continue
        d = (a[column] == outcome).to_numpy(float) - (b[column] == outcome).to_numpy(float)
        rows.append(_row(issue, outcome, label, d, share=True))
    for column in [c for c in a.columns if c.startswith("outcome.")]:
        d = a[column].to_numpy(float) - b[column].to_numpy(float)
        rows.append(_row(column.removeprefix("outcome."), "mean", "mean final value (points)", d))
    return pd.DataFrame(rows, columns=["issue", "outcome", "label", "difference", "ci_low", "ci_high", "n"])


def month_view(result: RunResult, arm: str) -> pd.DataFrame:
    """Per month k: the share of runs signed by k, broken down by k and still open at k, and the mean physical
    presence at each base (0-100), from the month columns of :func:`sim.run` (``months=``)."""
    reps = result.replications
    months = sorted({int(c.rsplit(".m", 1)[1]) for c in reps.columns if c.startswith("signed.m")})
    rows = []
    for k in months:
        row: dict[str, object] = {"arm": arm, "month": k}
        for status in ("signed", "breakdown", "unresolved"):
            row[status] = float(reps[f"{status}.m{k}"].mean())
        for column in [c for c in reps.columns if c.startswith("presence.") and c.endswith(f".m{k}")]:
            row[column.removesuffix(f".m{k}")] = float(reps[column].mean())
        rows.append(row)
    return pd.DataFrame(rows)


def _row(issue: str, outcome: str, label: str, d: np.ndarray, share: bool = False) -> dict[str, object]:
    """A difference of shares lies in [-1, 1]: the normal interval is clipped there."""
    mean, low, high = mean_interval(d)
    if share:
        low, high = max(-1.0, low), min(1.0, high)
    return {"issue": issue, "outcome": outcome, "label": label, "difference": mean, "ci_low": low,
            "ci_high": high, "n": int(d.size)}
