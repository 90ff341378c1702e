"""Run manifests: what is needed to reproduce a result (scenario hash, versions, seed)."""

from __future__ import annotations

import datetime as dt
import platform
from importlib import metadata
from typing import Any

PACKAGE = "syria-bases-sim"


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


def make_manifest(**fields: Any) -> dict[str, Any]:
    return {"created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "versions": environment(), **fields}
