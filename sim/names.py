"""Names that become folder names (a scenario's or a sweep's ``name``): one plain path component, nothing else."""

from __future__ import annotations

import re

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
RULE = "use letters, digits, '_', '-', '.', starting with a letter or digit, at most 100 characters; no '/' or '..'"


def is_safe_name(name: str) -> bool:
    """True when ``name`` can be used as one folder name (no separators, no ``..``, not hidden, not empty)."""
    return bool(SAFE_NAME.match(name)) and ".." not in name
