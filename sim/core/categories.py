"""Outcome categories of a base-access issue, shared by the classifier, the sweeps and every face.

A base-access value (0-100) falls into one of five categories, cut at the scenario's thresholds (default midway
between the scale anchors 0 / 25 / 50 / 75 / 100).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CATEGORIES: tuple[str, ...] = ("withdrawal", "access_only", "reduced_presence", "new_terms", "terms_2017")
CATEGORY_LABELS: dict[str, str] = {
    "withdrawal": "full withdrawal",
    "access_only": "case-by-case access only",
    "reduced_presence": "reduced presence, renegotiated",
    "new_terms": "retained on modified terms",
    "terms_2017": "retained on the 2017 terms",
}


def category_level(value: float, thresholds: Sequence[float]) -> int:
    """Index into CATEGORIES of a base issue's value (a value on a threshold goes to the upper category)."""
    return int(np.searchsorted(np.asarray(thresholds), value, side="right"))


def categorize(value: float, thresholds: Sequence[float]) -> str:
    return CATEGORIES[category_level(value, thresholds)]
