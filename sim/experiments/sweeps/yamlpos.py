"""Safe YAML loading that remembers the line of every mapping key and sequence item.

Used to point sweep-file errors at ``file:line``. (The scenario loader has its own helpers; this module only
serves the sweep files and reads with ``yaml.SafeLoader`` semantics.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

Lines = dict[tuple[str | int, ...], int]


def _walk(node: yaml.Node, path: tuple[str | int, ...], lines: Lines) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value if isinstance(key, yaml.ScalarNode) else str(key.value)
            lines[path + (k,)] = key.start_mark.line + 1
            _walk(value, path + (k,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), lines)


def load_with_lines(path: Path) -> tuple[Any, Lines]:
    """Return ``(data, lines)`` where ``lines[("a", "b", 0)]`` is the 1-based line of ``a.b[0]``."""
    text = Path(path).read_text(encoding="utf-8")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: Lines = {}
    if node is not None:
        _walk(node, (), lines)
    return yaml.safe_load(text), lines


def line_of(lines: Lines, path: tuple[str | int, ...]) -> int | None:
    """The line of ``path`` or of its closest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
