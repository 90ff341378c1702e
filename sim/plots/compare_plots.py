"""The figure of ``sim compare``: paired differences against the reference scenario, with 95% intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.categories import CATEGORY_LABELS
from sim.plots.style import plt, wrap
from sim.scenario.schema import Scenario


def difference_plot(differences: pd.DataFrame, reference: Scenario, pairs: int) -> plt.Figure:
    """One panel per base issue (and one for agreement): the change in the share of runs in each outcome
    category, in percentage points, one marker per compared scenario, with its paired 95% interval."""
    rows = differences[(differences["kind"] == "probability")
                       & (differences["outcome"].str.fullmatch(r"category\.[^.]+")
                          | differences["outcome"].isin(["agreed", "status"]))]
    panels = list(dict.fromkeys(rows["outcome"]))
    scenarios = list(dict.fromkeys(rows["scenario"]))
    reached = rows[(rows["reference_value"] > 0) | (rows["scenario_value"] > 0)]
    heights = [max(1, reached[reached["outcome"] == p]["value"].nunique()) for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 1.3 + 0.42 * sum(heights) + 0.5 * len(panels)),
                             gridspec_kw={"height_ratios": heights}, sharex=True, squeeze=False)
    offsets = np.linspace(-0.2, 0.2, len(scenarios)) if len(scenarios) > 1 else np.zeros(1)
    colours = plt.get_cmap("tab10").colors
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        part = rows[rows["outcome"] == panel]
        reached = part[(part["reference_value"] > 0) | (part["scenario_value"] > 0)]
        values = list(dict.fromkeys(reached["value"])) or list(dict.fromkeys(part["value"]))
        for k, name in enumerate(scenarios):
            mine = part[part["scenario"] == name].set_index("value").reindex(values)
            y = np.arange(len(values)) + offsets[k]
            diff = 100 * mine["difference"].to_numpy(float)
            err = np.vstack([diff - 100 * mine["ci_low"].to_numpy(float), 100 * mine["ci_high"].to_numpy(float) - diff])
            ax.errorbar(diff, y, xerr=err, fmt="o", ms=4, capsize=3, color=colours[k % len(colours)],
                        label=name if ax is axes[0, 0] else None)
        ax.axvline(0, color="#555555", lw=0.8)
        ax.set_yticks(range(len(values)), [_value_label(panel, v) for v in values], fontsize=8)
        ax.set_ylim(len(values) - 0.5, -0.5)
        ax.set_title(_panel_title(panel, reference), fontsize=9, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[-1, 0].set_xlabel(f"difference from '{reference.name}' in percentage points "
                           f"(paired 95% interval, {pairs} common-seed runs)\n"
                           "outcomes no run reached in either scenario are left out")
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(4, len(scenarios)), frameon=False,
               fontsize=8, title="compared scenario", title_fontsize=8)
    fig.tight_layout()
    return fig


def _panel_title(outcome: str, reference: Scenario) -> str:
    if outcome == "agreed":
        return "Agreement reached"
    if outcome == "status":
        return "Talks at the end of the run"
    issue = outcome.removeprefix("category.")
    return wrap(reference.issues[issue].label, 90) if issue in reference.issues else issue


def _value_label(outcome: str, value: str) -> str:
    if outcome == "agreed":
        return "agreement" if value == "true" else value
    return wrap(CATEGORY_LABELS.get(value, value), 30)
