"""Shared figure helpers: a non-interactive backend and consistent category colours."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CATEGORY_COLOURS = {
    "withdrawal": "#b2182b",
    "access_only": "#ef8a62",
    "reduced_presence": "#fddbc7",
    "new_terms": "#67a9cf",
    "terms_2017": "#2166ac",
}


def save(fig: plt.Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return path
