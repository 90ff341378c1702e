"""The explorer's three figures (matplotlib, drawn on the server): the state of each base at the end with 95%
intervals, paired differences against the original, and the month-by-month view."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.explore.results import Comparison
from sim.plots.style import CATEGORY_COLOURS

STATUS_COLOURS = {"signed": "#2e7d32", "unresolved": "#f9a825", "breakdown": "#c62828", "forecast": "#455a64"}
STATUS_WORDS = {"signed": "signed by then", "unresolved": "still open", "breakdown": "broken down by then"}
ARM_STYLE = {"original": {"color": "#9e9e9e", "label": "original"},
             "explored": {"color": "#1565c0", "label": "explored"}}


def distribution_figure(result: Comparison, titles: dict[str, str]) -> Figure:
    """One panel per base: the share of runs in each state (talks status and presence category) at the end, original
    beside explored, with 95% Wilson bars; states no run of either arm reached are left out."""
    table = result.distribution
    bases = [b for b in dict.fromkeys(table["issue"]) if b != "(all)"]
    seen = table[table["probability"] > 0]
    panels = [(base, list(dict.fromkeys(seen.loc[seen["issue"] == base, "outcome"]))) for base in bases]
    heights = [max(1, len(outcomes)) for _, outcomes in panels]
    fig = Figure(figsize=(7.5, 0.42 * sum(heights) + 0.9 * len(panels) + 0.3), layout="constrained")
    axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for ax, (base, outcomes) in zip(axes, panels, strict=True):
        y = np.arange(len(outcomes))
        for offset, arm in ((0.2, "original"), (-0.2, "explored")):
            rows = table[(table["arm"] == arm) & (table["issue"] == base)].set_index("outcome").reindex(outcomes)
            p = rows["probability"].fillna(0).to_numpy()
            err = np.vstack([p - rows["ci_low"].fillna(0).to_numpy(), rows["ci_high"].fillna(0).to_numpy() - p])
            ax.barh(y + offset, p, height=0.38, xerr=np.clip(err, 0, None), capsize=2, error_kw={"lw": 0.8},
                    **ARM_STYLE[arm])
        labels = table.drop_duplicates("outcome").set_index("outcome")["label"]
        ax.set_yticks(y, [labels.get(o, o) for o in outcomes], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title(titles.get(base, base), fontsize=9, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[-1].set_xlabel(f"share of {result.n} runs at the end (bars: 95% interval)")
    axes[0].legend(fontsize=8, loc="lower right")
    return fig


def difference_figure(result: Comparison, titles: dict[str, str]) -> Figure:
    """Explored minus original, per base state and talks status, paired over the same seeds (states that neither
    arm reached are left out)."""
    table = result.difference
    table = table[(table["outcome"] != "mean") & _reached(result, table)].reset_index(drop=True)
    fig = Figure(figsize=(7.5, 0.28 * len(table) + 1.1), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(table))
    d = table["difference"].to_numpy()
    err = np.vstack([d - table["ci_low"].to_numpy(), table["ci_high"].to_numpy() - d])
    colours = [CATEGORY_COLOURS.get(o.split(":")[-1], "#555555") if i != "(all)" else STATUS_COLOURS.get(o, "#555555")
               for i, o in zip(table["issue"], table["outcome"], strict=True)]
    ax.barh(y, d, xerr=np.clip(err, 0, None), color=colours, edgecolor="#333333", linewidth=0.4, capsize=2,
            error_kw={"lw": 0.8})
    labels = [f"{titles.get(i, i) if i != '(all)' else 'Talks'}: {lab}"
              for i, lab in zip(table["issue"], table["label"], strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", lw=0.8)
    reach = max(0.05, float(np.nanmax(np.abs(np.concatenate([table["ci_low"], table["ci_high"]])))) * 1.1) \
        if len(table) else 0.05
    ax.set_xlim(-min(1.0, reach), min(1.0, reach))
    ax.set_xlabel("explored − original, share of runs\n(same seeds; bars: paired 95% interval)")
    ax.grid(axis="x", alpha=0.3)
    return fig


def months_figure(result: Comparison, titles: dict[str, str]) -> Figure:
    """Month by month: the share of runs signed, broken down and still open, and the mean presence at each base."""
    table = result.months
    presence = [c for c in table.columns if c.startswith("presence.")]
    fig = Figure(figsize=(9.0, 4.8), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    for arm, dash in (("original", "--"), ("explored", "-")):
        rows = table[table["arm"] == arm]
        for status in ("signed", "unresolved", "breakdown"):
            top.plot(rows["month"], rows[status], linestyle=dash, color=STATUS_COLOURS[status], lw=1.4,
                     label=f"{STATUS_WORDS[status]} ({arm})")
        for column, colour in zip(presence, ("#1565c0", "#6a1b9a", "#00838f"), strict=False):
            name = column.removeprefix("presence.")
            bottom.plot(rows["month"], rows[column], linestyle=dash, color=colour, lw=1.4,
                        label=f"{titles.get(name, name)} ({arm})")
    top.set_ylabel("share of runs")
    top.set_ylim(-0.02, 1.02)  # a share at 0 or 1 stays visible
    top.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the plot: never over data
    bottom.set_ylabel("mean presence (0-100)")
    bottom.set_ylim(0, 100)
    bottom.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    bottom.set_xlabel("month")
    bottom.xaxis.get_major_locator().set_params(integer=True)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    return fig


def _reached(result: Comparison, table) -> np.ndarray:  # a DataFrame slice
    """Rows whose state some run of either arm reached."""
    seen = result.distribution[result.distribution["probability"] > 0]
    keys = set(zip(seen["issue"], seen["outcome"], strict=True))
    return np.array([(i, o) in keys for i, o in zip(table["issue"], table["outcome"], strict=True)], dtype=bool)
