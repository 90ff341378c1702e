"""Figures quoted in the docs must come from code: no Sobol index of the model is written into a page by hand
(they went stale when the baseline or a mechanism changed); the Ishigami test function's analytic indices are
allowed because tests/test_sweep_ishigami.py checks them."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
INDEX_VALUE = re.compile(r"\b(S1|ST)\b[^\n]{0,30}?\d\.\d")
TEST_FUNCTION = re.compile(r"\bx[123]\b|Ishigami", re.I)


def test_no_hand_written_sobol_index_values_of_the_model():
    offenders = []
    for page in sorted(DOCS.rglob("*.md")):
        for number, line in enumerate(page.read_text().splitlines(), 1):
            if INDEX_VALUE.search(line) and not TEST_FUNCTION.search(line):
                offenders.append(f"{page.relative_to(DOCS)}:{number}: {line.strip()}")
    assert offenders == [], "Sobol index values quoted in the docs (quote the report instead):\n" + \
        "\n".join(offenders)


def test_the_guard_catches_a_quoted_value():
    assert INDEX_VALUE.search("dominates the final Tartus value (S1 of about 0.76, ST of about 0.88)")
    assert not INDEX_VALUE.search("S1 (blue) is the share of output variance")
