"""Shared figure helpers: a non-interactive backend, consistent category colours, and saving in the formats a
paper needs (PNG for screens, PDF and SVG as vector graphics)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from sim.plots.formats import FIGURE_FORMATS

CATEGORY_COLOURS = {
    "withdrawal": "#b2182b",
    "access_only": "#ef8a62",
    "reduced_presence": "#fddbc7",
    "new_terms": "#67a9cf",
    "terms_2017": "#2166ac",
}
matplotlib.rcParams.update({"svg.fonttype": "none", "pdf.fonttype": 42})  # editable text in vector files


def save(fig: plt.Figure, path: str | Path, formats: Sequence[str] = ("png",), tight: bool = True) -> Path:
    """Write ``fig`` as ``path`` with each suffix in ``formats`` (the first is returned) and close it. ``tight``
    trims (or widens) the saved area to what is drawn, at the cost of drawing the figure once more to measure it:
    a figure whose layout already fits its canvas is saved as it is."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats or ("png",):
        if fmt not in FIGURE_FORMATS:
            raise ValueError(f"unknown figure format {fmt!r}; expected one of {', '.join(FIGURE_FORMATS)}")
        target = path.with_suffix(f".{fmt}")
        fig.savefig(target, dpi=150 if fmt == "png" else None, bbox_inches="tight" if tight else None)
        written.append(target)
    plt.close(fig)
    return written[0]


def integer_ticks(axis: matplotlib.axis.Axis) -> None:
    """Whole-number ticks only (months, rounds)."""
    axis.set_major_locator(MaxNLocator(integer=True))


def wrap(text: str, width: int = 28) -> str:
    """Break a long label over lines so it is never cut off."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text
