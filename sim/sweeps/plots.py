"""Sweep plots (matplotlib): tornado, Sobol bars with intervals, Morris mu*/sigma, heatmap, one-parameter line,
discovery box, arm comparison.

Each function takes the tables of :mod:`sim.sweeps.analysis` / :mod:`sim.sweeps.discovery` and returns a
matplotlib ``Figure``; none of them computes an analysis itself. ``label`` turns a parameter path into a
readable label (``sim.plots.labels.parameter_label`` bound to the scenario); legends sit outside the data.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plots.style import plt, wrap

Label = Callable[[str], str]


def _plain(name: str) -> str:
    return name


def tornado(table: pd.DataFrame, title: str = "", label: Label = _plain) -> Figure:
    """OAT tornado: bars from the output at each parameter's low end to its high end, around the baseline."""
    t = table.sort_values("swing")
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(t) + 1.8))
    base = float(t["baseline"].iloc[0]) if len(t) else 0.0
    y = np.arange(len(t))
    ax.barh(y + 0.18, t["output_low"] - base, 0.36, left=base, color="#4878a8", label="parameter at its low end")
    ax.barh(y - 0.18, t["output_high"] - base, 0.36, left=base, color="#d08b3c", label="parameter at its high end")
    ax.axvline(base, color="black", lw=0.8)
    if len(t) and not (t[["output_low", "output_high"]].to_numpy(float) != base).any():
        ax.text(0.5, 0.5, "the output takes the same value at every level of every parameter:\nno bar to draw",
                transform=ax.transAxes, ha="center", va="center", fontsize=9, color="#b2182b",
                bbox={"fc": "white", "ec": "#b2182b"})
    ax.set_yticks(y, [wrap(label(p), 34) for p in t["parameter"]], fontsize=8)
    ax.set_xlabel(wrap(title or "output", 70))
    ax.set_title("One-at-a-time sensitivity (others at their baseline)", fontsize=10)
    fig.tight_layout(rect=(0, 0.45 / fig.get_figheight(), 1, 1))
    fig.legend(loc="lower center", ncol=2, fontsize=8, frameon=False)
    return fig


def sobol_bars(table: pd.DataFrame, title: str = "", label: Label = _plain, warning: str = "") -> Figure:
    """First-order (S1) and total-order (ST) Sobol indices with their 95% intervals. With ``warning`` (an
    output too flat for indices to mean anything) the axis is held to [-0.25, 1.25] and the warning printed."""
    t = table.sort_values("ST", ascending=False)
    x = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(max(6.5, 0.8 * len(t) + 2.5), 4.8))
    ax.bar(x - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], capsize=3, color="#4878a8", label="S1 (first order)")
    ax.bar(x + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], capsize=3, color="#d08b3c", label="ST (total order)")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(x, [wrap(label(p), 22) for p in t["parameter"]], rotation=40, ha="right", fontsize=7)
    ax.set_ylabel("share of output variance (95% interval)")
    ax.set_title(wrap(f"Sobol indices: {title}", 80), fontsize=10)
    bottom = 0.4
    if warning:  # held axis; bars that leave it get a marker at the edge; the warning under the plot, off the data
        low, high = -0.25, 1.25
        ax.set_ylim(low, high)
        for offset, column in ((-0.2, "S1"), (0.2, "ST")):
            for xi, value in zip(x + offset, t[column].to_numpy(float), strict=True):
                if value > high or value < low:
                    ax.plot(xi, high if value > high else low, "^" if value > high else "v", color="#b2182b",
                            ms=7, clip_on=False, zorder=5)
        text = wrap(warning + " A red triangle marks a bar that runs off the axis.", 120)
        bottom += 0.05 + 0.15 * (text.count("\n") + 1)
        fig.text(0.02, 0.01, text, fontsize=8, color="#b2182b", va="bottom")
    fig.tight_layout(rect=(0, bottom / fig.get_figheight(), 1, 1))
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, (bottom - 0.38) / fig.get_figheight()), ncol=2,
               fontsize=8, frameon=False)
    return fig


def morris_plot(table: pd.DataFrame, title: str = "", label: Label = _plain) -> Figure:
    """Morris screening: mu* (overall influence) against sigma (non-linearity / interactions)."""
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", color="#4878a8")
    for _, r in table.iterrows():
        ax.annotate(wrap(label(r["parameter"]), 26), (r["mu_star"], r["sigma"]), fontsize=7,
                    xytext=(4, 3), textcoords="offset points")
    top = float(max(table["mu_star"].max(), table["sigma"].max(), 1e-12)) * 1.15
    ax.plot([0, top], [0, top], ls=":", color="grey", lw=0.8)
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel("mu* (mean |elementary effect|)")
    ax.set_ylabel("sigma (spread of effects)")
    ax.set_title(wrap(f"Morris screening: {title}", 80), fontsize=10)
    fig.tight_layout()
    return fig


def heatmap(table: pd.DataFrame, title: str = "", label: Label = _plain,
            value_range: tuple[float, float] | None = None, note: str = "") -> Figure:
    """An output's mean over a two-parameter plane (``heatmap_table``: rows = y levels, columns = x levels).

    ``value_range`` fixes the colour scale (the output's natural range, e.g. 0-1 for a share), so seed noise
    is not stretched over the whole scale; ``note`` is printed under the plot (e.g. that noise dominates)."""
    fig, ax = plt.subplots(figsize=(7.5, 5.8))
    vmin, vmax = value_range if value_range else (None, None)
    im = ax.imshow(table.to_numpy(float), aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax)
    ax.set_xticks(range(table.shape[1]), [f"{v:.3g}" for v in table.columns], fontsize=7)
    ax.set_yticks(range(table.shape[0]), [f"{v:.3g}" for v in table.index], fontsize=7)
    ax.set_xlabel(wrap(label(str(table.columns.name)), 60))
    ax.set_ylabel(wrap(label(str(table.index.name)), 40))
    values = table.to_numpy(float)
    if values.size <= 100:  # print each cell's value: the colour alone hides how close cells are
        for (i, j), v in np.ndenumerate(values):
            if v == v:
                shade = im.norm(v)
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=7,
                        color="white" if shade < 0.55 else "black")
    fig.colorbar(im, ax=ax, label=wrap(title or table.attrs.get("output", ""), 40))
    ax.set_title(wrap(title or table.attrs.get("output", ""), 70), fontsize=10)
    if np.isnan(values).any():  # a design that does not fill the grid (Sobol, LHS): say what a blank cell is
        note = (note + " " if note else "") + "Blank cells: no design point fell in that bin."
    if note:
        text = wrap(note, 110)
        fig.text(0.02, 0.01, text, fontsize=8, color="#b2182b", va="bottom")
        fig.tight_layout(rect=(0, (0.1 + 0.15 * (text.count("\n") + 1)) / fig.get_figheight(), 1, 1))
    else:
        fig.tight_layout()
    return fig


def line_with_band(points: pd.DataFrame, parameter: str, mean: str, low: str, high: str, title: str = "",
                   label: Label = _plain, value_range: tuple[float, float] | None = None) -> Figure:
    """A one-parameter sweep: the output's mean at each level with its 95% interval as a band."""
    p = points.sort_values(parameter)
    fig, ax = plt.subplots(figsize=(7, 4.4))
    ax.fill_between(p[parameter], p[low], p[high], color="#4878a8", alpha=0.25, label="95% interval")
    ax.plot(p[parameter], p[mean], "o-", color="#4878a8", label="mean over replications")
    if value_range:  # a little room at both ends: a mean of exactly 0 or 1 must not hide on the frame
        pad = 0.02 * (value_range[1] - value_range[0])
        ax.set_ylim(value_range[0] - pad, value_range[1] + pad)
    ax.set_xlabel(wrap(label(parameter), 70))
    ax.set_ylabel(wrap(title, 40))
    ax.set_title(wrap(title, 80), fontsize=10)
    fig.tight_layout(rect=(0, 0.4 / fig.get_figheight(), 1, 1))
    fig.legend(loc="lower center", ncol=2, fontsize=8, frameon=False)
    return fig


def discovery_plot(X: pd.DataFrame, p: np.ndarray, box: pd.Series, title: str = "",
                   label: Label = _plain) -> Figure:
    """Points on the two parameters that bound the best box, coloured by target probability, box drawn."""
    bounded = [c[:-4] for c in box.index if c.endswith(".low") and pd.notna(box[c])]
    cols = (bounded + [c for c in X.columns if c not in bounded])[:2]
    fig, ax = plt.subplots(figsize=(7, 5.4))
    sc = ax.scatter(X[cols[0]], X[cols[1]], c=p, cmap="magma_r", s=10, vmin=0, vmax=1)
    lims = []
    for c in cols:
        lo, hi = box.get(f"{c}.low", -np.inf), box.get(f"{c}.high", np.inf)
        lo = X[c].min() if pd.isna(lo) or not np.isfinite(lo) else lo
        hi = X[c].max() if pd.isna(hi) or not np.isfinite(hi) else hi
        lims.append((lo, hi))
    (x0, x1), (y0, y1) = lims
    ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="#1f77b4", lw=2))
    ax.set_xlabel(wrap(label(cols[0]), 60))
    ax.set_ylabel(wrap(label(cols[1]), 40))
    fig.colorbar(sc, ax=ax, label="share of runs with the target at the point")
    ax.set_title(wrap(title or "scenario discovery", 70), fontsize=10)
    fig.tight_layout()
    return fig


def mechanism_bars(table: pd.DataFrame, title: str = "", factor: str = "mechanism", label: Label = _plain,
                   span: Callable[[str], tuple[float, float] | None] | None = None) -> Figure:
    """A mechanism (or scenario) comparison: each output under each arm with its 95% interval, one panel per
    output; ``factor`` names the table's label column; ``label`` turns an output into its panel title."""
    outputs = list(dict.fromkeys(table["output"]))
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.4 * len(outputs) + 1.2, 3.8), squeeze=False)
    for ax, output in zip(axes[0], outputs, strict=True):
        t = table[table["output"] == output]
        y = np.arange(len(t))[::-1]
        err = np.vstack([t["value"] - t["low"], t["high"] - t["value"]])
        ax.barh(y, t["value"], xerr=np.nan_to_num(err), capsize=3, color="#4878a8")
        ax.set_yticks(y, list(t[factor]), fontsize=8)
        ax.set_title(wrap(label(output), 30), fontsize=8)
        limits = span(output) if span else None
        if limits:
            ax.set_xlim(*limits)
    fig.suptitle(title or "Mechanisms compared (95% intervals)")
    fig.tight_layout()
    return fig
