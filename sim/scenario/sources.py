"""Seed files named by ``sources.<id>.file``: they must exist where the scenario's seed folder is.

The seed folder is looked for beside the file that declares the source and up its parent folders, as
``seeds/`` or ``shared/seeds/`` (the repository keeps the seed articles in ``../shared/seeds``). When no seed
folder is found at all (a scenario copied away from the repository), the names cannot be checked and are left
alone; when one is found, a name missing from it is an error at the line that names it.
"""

from __future__ import annotations

from pathlib import Path

from sim.scenario.schema import Scenario

SEARCH_DEPTH = 4


def seed_folder(start: Path) -> Path | None:
    """The nearest ``seeds/`` or ``shared/seeds/`` folder at or above ``start``."""
    folder = start.resolve()
    for _ in range(SEARCH_DEPTH + 1):
        for candidate in (folder / "seeds", folder / "shared" / "seeds"):
            if candidate.is_dir():
                return candidate
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


def missing_seed_files(scenario: Scenario) -> list[tuple[str, str]]:
    """(field, message) for every source whose ``file`` is not in the seed folder."""
    problems = []
    for source_id, source in scenario.sources.items():
        if not source.file:
            continue
        field = f"sources.{source_id}.file"
        where = scenario.line_of(field)
        base = Path(where[0]).parent if where else Path(scenario.path or ".").parent
        if (base / source.file).is_file():
            continue
        folder = seed_folder(base)
        if folder is not None and not (folder / source.file).is_file():
            problems.append((field, f"cites seed file '{source.file}', which is not in {folder}"))
    return problems
