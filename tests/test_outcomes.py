"""The shared outcome classifier and outcome tables."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.intervals import wilson_interval
from sim.experiments.tables import outcome_table
from sim.outcomes import CATEGORIES, categorize, category_level

THRESHOLDS = (12.5, 37.5, 62.5, 87.5)


def test_anchor_points_fall_in_their_categories():
    assert [categorize(v, THRESHOLDS) for v in (0, 25, 50, 75, 100)] == list(CATEGORIES)
    assert categorize(12.5, THRESHOLDS) == "access_only"  # a value on a cut goes up


@given(st.floats(0, 100), st.floats(0, 100))
def test_category_is_monotone_in_the_value(a, b):
    lo, hi = sorted((a, b))
    assert category_level(lo, THRESHOLDS) <= category_level(hi, THRESHOLDS)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(CATEGORIES), st.booleans()),
                min_size=1, max_size=200))
def test_outcome_probabilities_sum_to_one_per_base(rows):
    frame = pd.DataFrame(rows, columns=["category.tartus", "category.hmeimim", "agreed"])
    table = outcome_table(frame)
    for issue in ("tartus", "hmeimim"):
        part = table[table.issue == issue]
        assert abs(part.probability.sum() - 1.0) < 1e-12
        assert (part.ci_low <= part.probability + 1e-12).all() and (part.probability <= part.ci_high + 1e-12).all()


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_interval_contains_the_estimate(k, n):
    k = min(k, n)
    lo, hi = wilson_interval(k, n)
    assert 0 <= lo <= k / n <= hi <= 1
