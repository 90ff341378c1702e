"""The shared outcome classifier and outcome tables."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.intervals import wilson_interval
from sim.experiments.tables import STATUSES, outcome_table
from sim.outcomes import CATEGORIES, categorize, category_level

THRESHOLDS = (12.5, 37.5, 62.5, 87.5)


def test_anchor_points_fall_in_their_categories():
    assert [categorize(v, THRESHOLDS) for v in (0, 25, 50, 75, 100)] == list(CATEGORIES)
    assert categorize(12.5, THRESHOLDS) == "access_only"  # a value on a cut goes up


@given(st.floats(0, 100), st.floats(0, 100))
def test_category_is_monotone_in_the_value(a, b):
    lo, hi = sorted((a, b))
    assert category_level(lo, THRESHOLDS) <= category_level(hi, THRESHOLDS)


STATES = st.one_of(st.builds(lambda s, c: f"{s}:{c}", st.sampled_from(STATUSES), st.sampled_from(CATEGORIES)),
                   st.just("unobserved"))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(STATUSES), STATES, STATES), min_size=1, max_size=200))
def test_outcome_probabilities_sum_to_one_per_base(rows):
    """Every base issue's states (status x category, and runs ending before the month) and the talks' statuses
    each form a distribution; every interval holds its estimate."""
    frame = pd.DataFrame(rows, columns=["status", "state.tartus", "state.hmeimim"])
    table = outcome_table(frame)
    for issue in ("tartus", "hmeimim", "(all)"):
        part = table[table.issue == issue]
        assert abs(part.probability.sum() - 1.0) < 1e-12
        assert (part.ci_low <= part.probability + 1e-12).all() and (part.probability <= part.ci_high + 1e-12).all()
    signed = table[(table.issue == "(all)") & (table.outcome == "signed")].probability.iloc[0]
    assert signed == sum(row[0] == "signed" for row in rows) / len(rows)


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_interval_contains_the_estimate(k, n):
    k = min(k, n)
    lo, hi = wilson_interval(k, n)
    assert 0 <= lo <= k / n <= hi <= 1
