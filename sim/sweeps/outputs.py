"""Outputs of interest: small expressions over the per-run summary columns.

Grammar (one expression per string)::

    mean(COLUMN)                 -> average of a numeric or boolean column over replications (NaN = missing:
                                    ``mean(agreement_round)`` is the mean round among runs that agreed)
    P(COLUMN)                    -> share of runs where a boolean column is true
    P(COLUMN OP VALUE)           -> share of runs where the comparison holds; OP in >= > <= < == !=
                                    VALUE is a number or, for ``category.*`` columns, a category name
                                    compared by the ordered base-outcome scale

Each expression becomes a per-run SQL value (0/1 for ``P``), averaged per design point by DuckDB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sim.core.categories import CATEGORIES

_EXPR = re.compile(
    r"^\s*(?P<fn>mean|P)\s*\(\s*(?P<col>[A-Za-z_][\w.\->]*)\s*"
    r"(?:(?P<op>>=|<=|==|!=|>|<)\s*(?P<val>[^)]+?)\s*)?\)\s*$"
)


def category_order() -> tuple[str, ...]:
    """The ordered base-outcome scale (worst to best for the base holder) of the shared classifier."""
    return CATEGORIES


@dataclass(frozen=True)
class Output:
    """One parsed output of interest."""

    text: str
    fn: str  # "mean" | "P"
    column: str
    op: str | None = None
    value: float | str | None = None

    @property
    def name(self) -> str:
        return self.text.replace(" ", "")

    def sql(self, categories: tuple[str, ...] | None = None) -> str:
        """A DuckDB expression giving this output's per-run value (DOUBLE)."""
        col = '"' + self.column.replace('"', '""') + '"'
        if self.fn == "mean" and self.op is None:  # NaN (e.g. no agreement round) counts as missing
            return f"CASE WHEN isnan(CAST({col} AS DOUBLE)) THEN NULL ELSE CAST({col} AS DOUBLE) END"
        if self.op is None:
            return f"CAST(CAST({col} AS BOOLEAN) AS DOUBLE)"
        op = "=" if self.op == "==" else self.op
        if isinstance(self.value, str):
            cats = categories or category_order()
            rank = "CASE " + " ".join(f"WHEN {col} = '{c}' THEN {i}" for i, c in enumerate(cats)) + " END"
            return f"CAST(({rank}) {op} {cats.index(self.value)} AS DOUBLE)"
        return f"CAST(({col} {op} {self.value!r}) AS DOUBLE)"


def parse_output(text: str) -> Output:
    """Parse one expression; raise ``ValueError`` with a readable message when malformed."""
    m = _EXPR.match(str(text))
    if not m:
        raise ValueError(
            f"cannot read output '{text}': expected mean(COLUMN), P(COLUMN) or P(COLUMN OP VALUE), "
            "e.g. 'P(category.tartus >= reduced_presence)'"
        )
    fn, col, op, val = m["fn"], m["col"], m["op"], m["val"]
    if fn == "mean" and op:
        raise ValueError(f"output '{text}': mean() takes a column only; use P(...) for a comparison")
    value: float | str | None = None
    if val is not None:
        try:
            value = float(val)
        except ValueError:
            value = val.strip().strip("'\"")
            cats = category_order()
            if value not in cats:
                raise ValueError(
                    f"output '{text}': '{value}' is neither a number nor a category ({', '.join(cats)})"
                ) from None
    return Output(text=str(text).strip(), fn=fn, column=col, op=op, value=value)
