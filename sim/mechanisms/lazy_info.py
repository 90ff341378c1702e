"""A read-only per-issue table built when first read: ``RoundResult.info`` entries that most runs never look at.

bdm's per-round medians and counts and ktab's per-round outcome distributions cost a sizeable share of a round
(issue 15), yet the model only reads ``info["breakdown_by"]``. A :class:`LazyTable` holds what the table needs
(copies taken at the round) and builds it on first access; reading it gives the same values as building it then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any


class LazyTable(Mapping[str, Any]):
    """Issue id -> entry, from ``build()`` (a dict over the same ids), called once on first access."""

    def __init__(self, ids: Sequence[str], build: Callable[[], dict[str, Any]]) -> None:
        self._ids, self._build = list(ids), build
        self._table: dict[str, Any] | None = None

    def _get(self) -> dict[str, Any]:
        if self._table is None:
            self._table, self._build = self._build(), None  # (drops the inputs once built)
        return self._table

    def __getitem__(self, issue_id: str) -> Any:
        return self._get()[issue_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return repr(self._get())
