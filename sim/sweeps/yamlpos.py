"""Line numbers for sweep files: the scenario loader's safe YAML reader, keyed the way the sweep parser asks.

``sim.scenario.yaml_source.read_yaml`` does the reading (safe loader, duplicate keys rejected); this module only
adapts its ``(file, line)`` map to the ``line_of(lines, ("a", "b", 0))`` lookups of ``spec.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.scenario.yaml_source import read_yaml

Lines = dict[tuple[str, ...], int]


def load_with_lines(path: Path) -> tuple[Any, Lines]:
    """Return ``(data, lines)`` where ``lines[("a", "b", "0")]`` is the 1-based line of ``a.b[0]``."""
    data, located = read_yaml(Path(path))
    return data, {key: line for key, (_, line) in located.items()}


def line_of(lines: Lines, path: tuple[str | int, ...]) -> int | None:
    """The line of ``path`` or of its closest ancestor that has one."""
    key = tuple(str(part) for part in path)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return lines.get(())
