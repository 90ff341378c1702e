"""Names that become folder names (a scenario's or a sweep's ``name``) and the output folders made from them.

A name is one plain path component, nothing else, so an output never lands outside its base folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sim.errors import SimError

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
RULE = "use letters, digits, '_', '-', '.', starting with a letter or digit, at most 100 characters; no '/' or '..'"


def is_safe_name(name: str) -> bool:
    """True when ``name`` can be used as one folder name (no separators, no ``..``, not hidden, not empty)."""
    return bool(SAFE_NAME.match(name)) and ".." not in name


def named_folder(base: Path, name: str, what: str) -> Path:
    """``base/name`` for a scenario or sweep ``name``; refuses names that are not one safe path component."""
    if not is_safe_name(name):
        raise SimError(f"{what} name {name!r} cannot be a folder name ({RULE}); rename it or give --out")
    folder = base / name
    if not folder.resolve().is_relative_to(base.resolve()):  # e.g. base is a symlink trick
        raise SimError(f"{what} name {name!r} would write outside {base}; give --out")
    return folder


def ensure_folder(folder: Path, option: str = "--out") -> None:
    """Create ``folder`` (and parents) or say in one line why it cannot be an output folder."""
    if folder.exists() and not folder.is_dir():
        raise SimError(f"{option}: {folder} is an existing file; expected a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SimError(f"{option}: cannot create the folder {folder} ({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SimError(f"{option}: the folder {folder} is not writable")
