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
from sim.core.categories import CATEGORIES, CATEGORY_LABELS
from sim.core.intervals import mean_interval


@dataclass
class Comparison:
    """The explored run, the original run and the tables the page draws."""

    explored: RunResult
    original: RunResult
    distribution: pd.DataFrame  # arm, issue, outcome, label, probability, ci_low, ci_high
    difference: pd.DataFrame  # issue, outcome, label, difference, ci_low, ci_high, n
    trajectory: pd.DataFrame  # arm, round, agreed_by (share of runs agreed by then), offer.<base issue>...

    @property
    def n(self) -> int:
        return len(self.explored.replications)


def compare(explored: RunResult, original: RunResult) -> Comparison:
    """Tables of the outcome distribution per base (both arms), paired differences and the per-round view."""
    a, b = explored.replications, original.replications
    if len(a) != len(b) or not (a["replication"].to_numpy() == b["replication"].to_numpy()).all():
        raise ValueError("the two runs must have the same replications (same n and seed) to be paired")
    distribution = pd.concat([explored.table.assign(arm="explored"), original.table.assign(arm="original")],
                             ignore_index=True)
    return Comparison(explored, original, distribution, paired_differences(a, b),
                      pd.concat([trajectory(explored, "explored"), trajectory(original, "original")],
                                ignore_index=True))


def paired_differences(explored: pd.DataFrame, original: pd.DataFrame) -> pd.DataFrame:
    """Per base issue and category: explored minus original probability, with a paired 95% interval; also the
    agreement rate and the mean final value of every issue."""
    rows = []
    for column in [c for c in explored.columns if c.startswith("category.")]:
        issue = column.removeprefix("category.")
        for category in CATEGORIES:
            d = (explored[column] == category).to_numpy(float) - (original[column] == category).to_numpy(float)
            rows.append(_row(issue, category, CATEGORY_LABELS[category], d, share=True))
    if "agreed" in explored:
        d = explored["agreed"].to_numpy(float) - original["agreed"].to_numpy(float)
        rows.append(_row("(all)", "agreement", "agreement reached", d, share=True))
    for column in [c for c in explored.columns if c.startswith("outcome.")]:
        d = explored[column].to_numpy(float) - original[column].to_numpy(float)
        rows.append(_row(column.removeprefix("outcome."), "mean", "mean final value (points)", d))
    return pd.DataFrame(rows, columns=["issue", "outcome", "label", "difference", "ci_low", "ci_high", "n"])


def trajectory(result: RunResult, arm: str) -> pd.DataFrame:
    """Per round: the share of runs agreed by then and the mean offer on each base issue (over runs still
    talking that round); from the run's per-round table."""
    reps = result.replications
    horizon = int(result.scenario.rounds)
    agreed_at = reps["agreement_round"].to_numpy(float)
    frame = pd.DataFrame({"arm": arm, "round": np.arange(1, horizon + 1)})
    frame["agreed_by"] = [float(np.mean(agreed_at <= k)) for k in frame["round"]]
    base = [c.removeprefix("category.") for c in reps.columns if c.startswith("category.")]
    table = result.rounds
    for issue in base:
        column = f"offer.{issue}"
        if column in table:
            means = table.groupby("round")[column].mean()
            frame[column] = frame["round"].map(means).astype(float)
    return frame


def _row(issue: str, outcome: str, label: str, d: np.ndarray, share: bool = False) -> dict[str, object]:
    """A difference of shares lies in [-1, 1]: the normal interval is clipped there."""
    mean, low, high = mean_interval(d)
    if share:
        low, high = max(-1.0, low), min(1.0, high)
    return {"issue": issue, "outcome": outcome, "label": label, "difference": mean, "ci_low": low,
            "ci_high": high, "n": int(d.size)}

