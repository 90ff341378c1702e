"""A file cache of the DEU mechanism forecasts (the slow part of the benchmark: minutes, mostly ``ktab_smp``).

The cache key is a SHA-256 digest of everything the forecasts depend on: the issues themselves (ids, actors,
positions, saliences, capabilities, reference points, outcomes), the mechanisms and their parameters, the round
count, the seed, and the source of every module under ``sim/`` that can change a forecast (all of it except the
faces and the validation modules that only read the forecasts). Change any of these and the key changes, so a
stale table is never read; delete the folder to force a rerun.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.validation.deu import DEUIssue

SIM_ROOT = Path(__file__).resolve().parents[1]
# modules that only consume forecasts (or are faces): editing them does not invalidate the cache
_DOWNSTREAM_DIRS = ("cli", "classroom", "explore")
_DOWNSTREAM_FILES = ("report.py", "calibrate.py", "ensemble.py", "score.py", "cache.py", "ktab_reference.py",
                     "basing.py", "basing_score.py")


def source_digest(root: Path = SIM_ROOT) -> str:
    """Digest of the source files that can change a mechanism forecast."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] in _DOWNSTREAM_DIRS or (rel.parts[0] == "validation" and rel.name in _DOWNSTREAM_FILES):
            continue
        h.update(str(rel).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(issues: list[DEUIssue], mechanisms: dict[str, dict[str, Any]], n_rounds: int, seed: int) -> str:
    """SHA-256 (hex) of the issues, the mechanisms with their parameters, rounds, seed and the source digest."""
    h = hashlib.sha256()
    for issue in issues:
        h.update(json.dumps([issue.issue_id, issue.proposal_id, list(issue.actors), issue.reference,
                             issue.outcome]).encode())
        for arr in (issue.position, issue.salience, issue.capability):
            h.update(np.ascontiguousarray(arr, dtype=float).tobytes())
    h.update(json.dumps(mechanisms, sort_keys=True, default=str).encode())
    h.update(json.dumps([n_rounds, seed]).encode())
    h.update(source_digest().encode())
    return h.hexdigest()


def cache_file(folder: Path, key: str) -> Path:
    return folder / f"deu-forecasts-{key[:20]}.csv"


def load(path: Path) -> pd.DataFrame | None:
    """The cached long table, or None when the file does not exist."""
    if not path.is_file():
        return None
    table = pd.read_csv(path, dtype={"issue": str, "proposal": str, "method": str, "error": str,
                                     "outcome": float, "reference": float, "prediction": float})
    table["error"] = table["error"].fillna("")
    return table


def save(table: pd.DataFrame, path: Path) -> None:
    """Write the long table with every float at full precision (a reload is bit-for-bit identical)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    table.to_csv(tmp, index=False, float_format="%.17g")
    tmp.replace(path)
