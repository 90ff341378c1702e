"""The explorer's three figures (matplotlib, drawn on the server): outcome distribution per base with 95% intervals,
paired differences against the original, and the per-round view."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.core.categories import CATEGORIES, CATEGORY_LABELS
from sim.explore.results import Comparison
from sim.plots.style import CATEGORY_COLOURS

ARM_STYLE = {"original": {"color": "#9e9e9e", "label": "original"},
             "explored": {"color": "#1565c0", "label": "explored"}}


def distribution_figure(result: Comparison, titles: dict[str, str]) -> Figure:
    """One panel per base: probability of each outcome category, original beside explored, with 95% Wilson bars."""
    table = result.distribution
    bases = [b for b in dict.fromkeys(table["issue"]) if b != "(all)"]
    fig = Figure(figsize=(7.5, 2.3 * max(1, len(bases)) + 0.4), layout="constrained")
    axes = fig.subplots(len(bases), 1, squeeze=False)[:, 0]
    y = np.arange(len(CATEGORIES))
    for ax, base in zip(axes, bases, strict=True):
        for offset, arm in ((0.2, "original"), (-0.2, "explored")):
            rows = table[(table["arm"] == arm) & (table["issue"] == base)].set_index("outcome").loc[list(CATEGORIES)]
            p = rows["probability"].to_numpy()
            err = np.vstack([p - rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy() - p])
            ax.barh(y + offset, p, height=0.38, xerr=err, capsize=2, error_kw={"lw": 0.8},
                    **ARM_STYLE[arm])
        ax.set_yticks(y, [CATEGORY_LABELS[c] for c in CATEGORIES], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_title(titles.get(base, base), fontsize=9, loc="left")
        ax.grid(axis="x", alpha=0.3)
    axes[-1].set_xlabel(f"share of {result.n} runs (bars: 95% interval)")
    axes[0].legend(fontsize=8, loc="lower right")
    return fig


def difference_figure(result: Comparison, titles: dict[str, str]) -> Figure:
    """Explored minus original, per base and category (and agreement), paired over the same seeds."""
    table = result.difference[result.difference["outcome"] != "mean"].reset_index(drop=True)
    fig = Figure(figsize=(7.5, 0.28 * len(table) + 1.0), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(table))
    d = table["difference"].to_numpy()
    err = np.vstack([d - table["ci_low"].to_numpy(), table["ci_high"].to_numpy() - d])
    colours = [CATEGORY_COLOURS.get(o, "#555555") for o in table["outcome"]]
    ax.barh(y, d, xerr=err, color=colours, edgecolor="#333333", linewidth=0.4, capsize=2, error_kw={"lw": 0.8})
    labels = [f"{titles.get(i, i) if i != '(all)' else 'Talks'}: {lab}"
              for i, lab in zip(table["issue"], table["label"], strict=True)]
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", lw=0.8)
    reach = max(0.05, float(np.nanmax(np.abs(np.concatenate([table["ci_low"], table["ci_high"]])))) * 1.1)
    ax.set_xlim(-min(1.0, reach), min(1.0, reach))
    ax.set_xlabel("explored − original, share of runs\n(same seeds; bars: paired 95% interval)")
    ax.grid(axis="x", alpha=0.3)
    return fig


def rounds_figure(result: Comparison, titles: dict[str, str]) -> Figure:
    """Per round (month): share of runs agreed by then, and the mean offer on each base issue."""
    table = result.trajectory
    offers = [c for c in table.columns if c.startswith("offer.")]
    fig = Figure(figsize=(7.5, 2.6 if not offers else 4.6), layout="constrained")
    axes = fig.subplots(2 if offers else 1, 1, squeeze=False, sharex=True)[:, 0]
    for arm in ("original", "explored"):
        rows = table[table["arm"] == arm]
        axes[0].step(rows["round"], rows["agreed_by"], where="post", **ARM_STYLE[arm])
        for column, dash in zip(offers, ("-", "--", ":", "-."), strict=False):
            style = {**ARM_STYLE[arm], "label": f"{titles.get(column[6:], column[6:])} ({arm})"}
            axes[-1].plot(rows["round"], rows[column], linestyle=dash, lw=1.2, **style)
    axes[0].set_ylabel("agreed by then")
    axes[0].set_ylim(0, 1)
    axes[0].legend(fontsize=8, loc="upper left")
    if offers:
        axes[-1].set_ylabel("mean offer (0-100)")
        axes[-1].set_ylim(0, 100)
        axes[-1].legend(fontsize=7, loc="lower right", ncols=2)
    axes[-1].set_xlabel("round (month)")
    axes[-1].xaxis.get_major_locator().set_params(integer=True)
    for ax in axes:
        ax.grid(alpha=0.3)
    return fig
