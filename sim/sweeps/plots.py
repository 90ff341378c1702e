"""Sweep plots (matplotlib): tornado, Sobol bars with intervals, Morris mu*/sigma, heatmap, discovery box.

Each function takes the tables of :mod:`sim.sweeps.analysis` / :mod:`sim.sweeps.discovery` and returns
a matplotlib ``Figure`` (call ``fig.savefig(path)``); none of them computes anything itself.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # noqa: E402 - headless by default; notebooks may switch back
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def _short(name: str, n: int = 38) -> str:
    return name if len(name) <= n else "..." + name[-(n - 3):]


def tornado(table: pd.DataFrame, title: str = "") -> Figure:
    """OAT tornado: bars from the output at each parameter's low end to its high end, around the baseline."""
    t = table.sort_values("swing")
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(t) + 1.4))
    base = float(t["baseline"].iloc[0]) if len(t) else 0.0
    y = np.arange(len(t))
    ax.barh(y, t["output_low"] - base, left=base, color="#4878a8", label="parameter at low end")
    ax.barh(y, t["output_high"] - base, left=base, color="#d08b3c", label="parameter at high end")
    ax.axvline(base, color="black", lw=0.8)
    ax.set_yticks(y, [_short(p) for p in t["parameter"]])
    ax.set_xlabel(title or "output")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"One-at-a-time sensitivity: {title}")
    fig.tight_layout()
    return fig


def sobol_bars(table: pd.DataFrame, title: str = "") -> Figure:
    """First-order (S1) and total-order (ST) Sobol indices with their confidence intervals."""
    t = table.sort_values("ST", ascending=False)
    x = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(max(6, 0.7 * len(t) + 2), 4.2))
    ax.bar(x - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], capsize=3, color="#4878a8", label="S1 (first order)")
    ax.bar(x + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], capsize=3, color="#d08b3c", label="ST (total order)")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(x, [_short(p, 28) for p in t["parameter"]], rotation=35, ha="right", fontsize=8)
    ax.set_ylabel("share of output variance")
    ax.set_title(f"Sobol indices: {title}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def morris_plot(table: pd.DataFrame, title: str = "") -> Figure:
    """Morris screening: mu* (overall influence) against sigma (non-linearity / interactions)."""
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", color="#4878a8")
    for _, r in table.iterrows():
        ax.annotate(_short(r["parameter"], 28), (r["mu_star"], r["sigma"]), fontsize=7,
                    xytext=(4, 3), textcoords="offset points")
    top = float(max(table["mu_star"].max(), table["sigma"].max(), 1e-12)) * 1.1
    ax.plot([0, top], [0, top], ls=":", color="grey", lw=0.8)
    ax.set_xlabel("mu* (mean |elementary effect|)")
    ax.set_ylabel("sigma (spread of effects)")
    ax.set_title(f"Morris screening: {title}")
    fig.tight_layout()
    return fig


def heatmap(table: pd.DataFrame, title: str = "") -> Figure:
    """An output's mean over a two-parameter plane (``heatmap_table``: rows = y levels, columns = x levels)."""
    fig, ax = plt.subplots(figsize=(6.5, 5))
    im = ax.imshow(table.to_numpy(float), aspect="auto", cmap="viridis")
    ax.set_xticks(range(table.shape[1]), [f"{v:.3g}" for v in table.columns], rotation=45, fontsize=7)
    ax.set_yticks(range(table.shape[0]), [f"{v:.3g}" for v in table.index], fontsize=7)
    ax.set_xlabel(_short(str(table.columns.name)))
    ax.set_ylabel(_short(str(table.index.name)))
    fig.colorbar(im, ax=ax, label=table.attrs.get("output", title))
    ax.set_title(title or table.attrs.get("output", ""))
    fig.tight_layout()
    return fig


def discovery_plot(X: pd.DataFrame, p: np.ndarray, box: pd.Series, title: str = "") -> Figure:
    """Points on the two parameters that bound the best box, coloured by target probability, box drawn."""
    bounded = [c[:-4] for c in box.index if c.endswith(".low") and pd.notna(box[c])]
    cols = (bounded + [c for c in X.columns if c not in bounded])[:2]
    fig, ax = plt.subplots(figsize=(6.5, 5))
    sc = ax.scatter(X[cols[0]], X[cols[1]], c=p, cmap="magma_r", s=10, vmin=0, vmax=1)
    lims = []
    for c in cols:
        lo, hi = box.get(f"{c}.low", -np.inf), box.get(f"{c}.high", np.inf)
        lo = X[c].min() if pd.isna(lo) or not np.isfinite(lo) else lo
        hi = X[c].max() if pd.isna(hi) or not np.isfinite(hi) else hi
        lims.append((lo, hi))
    (x0, x1), (y0, y1) = lims
    ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="#1f77b4", lw=2))
    ax.set_xlabel(_short(cols[0]))
    ax.set_ylabel(_short(cols[1]))
    fig.colorbar(sc, ax=ax, label="P(target) at point")
    ax.set_title(title or "scenario discovery")
    fig.tight_layout()
    return fig


def mechanism_bars(table: pd.DataFrame, title: str = "") -> Figure:
    """A mechanism comparison: each output under each mechanism with its 95% interval, one panel per output."""
    outputs = list(dict.fromkeys(table["output"]))
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.2 * len(outputs) + 1, 3.6), squeeze=False)
    for ax, output in zip(axes[0], outputs, strict=True):
        t = table[table["output"] == output]
        y = np.arange(len(t))[::-1]
        err = np.vstack([t["value"] - t["low"], t["high"] - t["value"]])
        ax.barh(y, t["value"], xerr=np.nan_to_num(err), capsize=3, color="#4878a8")
        ax.set_yticks(y, list(t["mechanism"]))
        ax.set_title(_short(output, 44), fontsize=8)
    fig.suptitle(title or "Mechanisms compared (95% intervals)")
    fig.tight_layout()
    return fig
