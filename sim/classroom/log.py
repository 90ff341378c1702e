"""The append-only JSONL session log: one JSON object per line, flushed and synced after every record."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from sim.classroom.errors import ReplayError


def to_jsonable(value: Any) -> Any:
    """Plain-JSON form of ``value`` (numpy arrays and scalars become lists and numbers)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


class SessionLog:
    """Writer of one session's log; records are never rewritten."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(to_jsonable(record), sort_keys=True, allow_nan=False)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """All records of a log. A torn last line (crash while writing) is ignored; other bad lines are errors."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if number == len(lines):
                break
            raise ReplayError(f"{path}:{number}: not a JSON record ({exc.msg})") from None
    if not records or records[0].get("kind") != "header":
        raise ReplayError(f"{path}: the first record must be the session header")
    return records
