"""Output folders for CLI commands: safe names, writable places, and no stale files from an earlier run.

* A scenario's or sweep's ``name`` becomes a folder under ``out/`` or ``runs/sweeps/`` only when it is one plain
  path component (letters, digits, ``_``, ``-``, ``.``; no ``..``, no separators); anything else is refused, and
  the resolved folder is checked to lie inside its base, so nothing is written outside the chosen output folder.
* ``--out`` must be a folder that exists or can be created (not a file, not under a file, not read-only).
* ``sim run`` into a folder that already holds a ``sim run`` result replaces that result: every file an earlier
  run wrote (tables, manifest, ``plots/*.png``) is removed first, so no stale plot survives a ``--no-plots`` rerun.
  A non-empty folder holding anything else is refused unless ``--force`` is given (then only the files ``sim run``
  writes are replaced; other files are left alone).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import SimError
from sim.names import ensure_folder

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

RUN_FILES = ("manifest.json", "replications.parquet", "rounds.parquet", "trajectories.parquet",
             "outcome_table.csv", "issue_means.csv")
PLOTS = "plots"


def is_run_folder(folder: Path) -> bool:
    """True when ``folder`` holds the manifest of an earlier ``sim run``."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "seed_scheme" in manifest and "generations" not in manifest


def prepare_run_folder(folder: Path, force: bool = False) -> list[Path]:
    """Make ``folder`` ready for a new ``sim run`` result; return the stale files removed."""
    ensure_folder(folder)
    entries = list(folder.iterdir())
    if entries and not is_run_folder(folder) and not force:
        raise SimError(f"--out: {folder} is not empty and does not hold an earlier `sim run` result; "
                       "choose another folder, or add --force to write the run's files into it")
    stale = [folder / name for name in RUN_FILES if (folder / name).is_file()]
    if (folder / PLOTS).is_dir():
        stale += sorted((folder / PLOTS).glob("*.png"))
    for path in stale:
        try:
            path.unlink()
        except OSError as exc:
            raise SimError(f"--out: cannot remove the earlier result {path} ({exc.strerror or exc})") from None
    return stale


MEMORY_LIMIT = 4 << 30  # bytes of results a `sim run` may hold in memory before writing them


def check_size(n: int, scenario: Scenario, workers: int = 1) -> None:
    """Refuse a ``sim run`` whose summary rows would not fit in memory, with the estimated size and time.

    The figures come from measuring the baseline (5 actors x 5 issues x 24 rounds) on one busy core: about 7 KB
    and 30 ms per replication; per-round tables cover only the first replications, so they do not grow with n.
    """
    cells = max(1, len(scenario.actors) * len(scenario.issues))
    per_rep = 4000 + 100 * cells
    seconds = n * 0.03 * cells * scenario.rounds / 600 / workers
    if n * per_rep > MEMORY_LIMIT:
        raise SimError(f"-n {n}: the results would take about {n * per_rep / 2**30:,.0f} GiB of memory (limit "
                       f"{MEMORY_LIMIT / 2**30:.0f} GiB) and about {_duration(seconds)} to compute; use fewer "
                       "replications, or a sweep (`sim sweep`), which streams its results to disk")


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.0f} {unit}"
    return f"{seconds:.0f} seconds"
