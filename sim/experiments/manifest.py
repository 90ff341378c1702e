"""Run manifests: what is needed to reproduce a result (scenario hash and resolved content, versions, seed, the
command line and, when run from a git checkout, the commit)."""

from __future__ import annotations

import datetime as dt
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGE = "syria-bases-sim"
SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the checkout (or site-packages) holding the sim package


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def environment(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Versions of Python, this package and the libraries results depend on (plus ``extra`` distributions)."""
    versions = {"python": platform.python_version(), PACKAGE: package_version()}
    for name in ("mesa", "numpy", "pandas", "networkx", *extra):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def git_state(root: Path = SOURCE_ROOT) -> dict[str, Any] | None:
    """``{"commit", "dirty"}`` of the git checkout the code runs from, or None outside a checkout.

    ``dirty`` is true when tracked files differ from the commit (untracked files are ignored)."""
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())}


def command_line() -> str:
    """The command that started this process, as a shell would quote it (``sim run ...`` from the CLI)."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program == "__main__.py":  # `python -m sim`: three words, not quoted as one
        return "python -m sim " + shlex.join(sys.argv[1:])
    return shlex.join([program, *sys.argv[1:]]) if sys.argv else program


def make_manifest(**fields: Any) -> dict[str, Any]:
    return {"created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "versions": environment(),
            "git": git_state(), "command": command_line(), **fields}


def resolved_scenario(scenario: Any) -> dict[str, Any]:
    """The scenario after ``extends:`` is merged, as plain JSON-able data (what the run actually used)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_unset=True)
