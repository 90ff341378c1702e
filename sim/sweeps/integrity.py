"""Keeping a sweep directory sound: one writer at a time, damaged files found and set aside, not crashed on.

* :func:`folder_lock` takes an exclusive ``flock`` on ``DIR/.lock`` for as long as a sweep writes; a second
  ``sim sweep`` on the same folder is refused at once with the holder's process id (the lock dies with its
  process, so a killed sweep never leaves a stale lock behind).
* :func:`read_manifest` reads ``manifest.json`` and says precisely what is wrong when it is not a sweep manifest:
  missing, truncated or otherwise unreadable JSON (:class:`DamagedManifest`), or a ``sim run`` result.
* :func:`sound_parts` opens the footer of every part file; a truncated or corrupt part is reported with a
  :class:`~sim.errors.SimWarning` and, when ``repair`` is set, moved to ``DIR/damaged/`` so its runs run again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from sim.errors import SimError, SimWarning

LOCK_NAME = ".lock"


class SweepLocked(SimError):
    """Another process is writing to this sweep directory."""


class DamagedManifest(SimError):
    """``manifest.json`` exists but cannot be read as a sweep manifest."""


@contextlib.contextmanager
def folder_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``root`` (created if needed) or raise :class:`SweepLocked`."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            raise SweepLocked(f"another `sim sweep` (process {holder}) is writing to {root}; wait for it to finish "
                              "or give another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def read_manifest(root: Path) -> dict[str, Any]:
    """The sweep manifest in ``root``; :class:`DamagedManifest` or :class:`SimError` say what is wrong."""
    path = root / "manifest.json"
    if not root.is_dir():
        what = "does not exist" if not root.exists() else "is a file, not a folder"
        raise SimError(f"{root} {what}; expected a sweep directory")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SimError(f"{root} is not a sweep directory (no manifest.json)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DamagedManifest(f"{path} cannot be read ({exc})") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DamagedManifest(f"{path} is damaged: {exc.msg} at line {exc.lineno}, column {exc.colno} "
                              f"({len(text)} bytes; truncated?)") from None
    if isinstance(manifest, dict) and "seed_scheme" in manifest and "generations" not in manifest:
        raise SimError(f"{root} holds a `sim run` result, not a sweep; give `sim sweep` another --out, or "
                       "`sim report` a sweep directory")
    gens = manifest.get("generations") if isinstance(manifest, dict) else None
    if not (isinstance(gens, list) and gens and all(isinstance(g, dict) and "sweep_hash" in g for g in gens)):
        raise DamagedManifest(f"{path} is damaged: no list of generations with sweep hashes")
    return manifest


def sound_parts(parts: Path, pattern: str, repair: bool) -> list[Path]:
    """Part files matching ``pattern`` whose Parquet footer reads; damaged ones are reported (and moved)."""
    good = []
    for path in sorted(parts.glob(pattern)):
        try:
            meta = pq.read_metadata(path)
            if meta.num_rows == 0 or "run_id" not in meta.schema.names:
                raise ValueError("no runs in it")
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... for a cut or corrupt file
            reason = str(exc).splitlines()[0][:120]
            if repair:
                aside = parts.parent / "damaged" / path.name
                aside.parent.mkdir(exist_ok=True)
                os.replace(path, aside)
                warnings.warn(f"part file {path.name} is damaged ({reason}); moved it to {aside.parent}, its runs "
                              "will run again", SimWarning, stacklevel=2)
            else:
                warnings.warn(f"part file {path} is damaged ({reason}); its runs are left out", SimWarning,
                              stacklevel=2)
            continue
        good.append(path)
    return good
