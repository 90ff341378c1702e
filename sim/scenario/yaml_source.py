"""Safe, bounded YAML reading that remembers where every key was written (file and line) and rejects duplicates.

Scenario and sweep files are small, so every read is capped before it can cost much: only regular files (no
devices, pipes or directories), at most :data:`MAX_BYTES`, nesting at most :data:`MAX_DEPTH` levels, and at most
:data:`MAX_VALUES` values once aliases are expanded (a 300-byte "billion laughs" file would otherwise expand to
hundreds of millions of values). The expanded size is counted on the composed node graph, where an alias is a
shared node, so the check itself never expands anything. Each refusal is one :class:`~sim.errors.ScenarioError`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from sim.errors import ScenarioError

Lines = dict[tuple[str, ...], tuple[str, int]]

MAX_BYTES = 1 << 20  # 1 MiB; the largest shipped scenario is about 12 KB
MAX_DEPTH = 32  # mapping/sequence levels; scenarios use about 6
MAX_VALUES = 100_000  # scalars, mappings and sequences after alias expansion

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path, what: str = "file") -> str:
    """The UTF-8 text of a regular file of at most :data:`MAX_BYTES`; anything else is a ScenarioError."""
    label = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(f"{what} not found", file=label) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read the {what} ({exc.strerror or exc})", file=label) from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise ScenarioError(f"expected a regular YAML file, got {kind}", file=label)
    if info.st_size > MAX_BYTES:
        raise ScenarioError(f"the file has {info.st_size:,} bytes; scenario and sweep files are limited to "
                            f"{MAX_BYTES:,} bytes", file=label)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read the {what} ({exc.strerror or exc})", file=label) from None
    if len(raw) > MAX_BYTES:  # grew since stat
        raise ScenarioError(f"the file has more than {MAX_BYTES:,} bytes (the limit)", file=label)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ScenarioError(f"not UTF-8 text (byte {exc.start})", file=label, line=line) from None


def read_yaml(path: Path) -> tuple[Any, Lines]:
    """Parse ``path`` with the safe loader within the caps; return the data and a map key path -> (file, line)."""
    label = str(path)
    text = read_text(path)
    try:
        _check_depth(text, label)
        node = yaml.compose(text, Loader=_Loader)
        if node is not None:
            _check_size(node, label)
        data = _construct(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError(f"invalid YAML: {problem}", file=label, line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid YAML: {str(exc).splitlines()[0]}", file=label) from None
    except RecursionError:
        raise ScenarioError(f"invalid YAML: nesting deeper than {MAX_DEPTH} levels", file=label) from None
    lines: Lines = {}
    if node is not None:
        _walk(node, (), lines, label)
    return data, lines


def _check_depth(text: str, label: str) -> None:
    """Stream the parser's events (no tree is built) and stop at the first level deeper than MAX_DEPTH."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ScenarioError(f"nesting deeper than {MAX_DEPTH} levels", file=label,
                                    line=event.start_mark.line + 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_size(root: yaml.Node, label: str) -> None:
    """Count values as if every alias were expanded, memoised per shared node, so the count costs one pass."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _children(node)
        if children_done or not children:
            total = 1 + sum(sizes[id(c)] for c in children)
            if total > MAX_VALUES:
                raise ScenarioError(f"aliases expand to more than {MAX_VALUES:,} values (an alias bomb?); "
                                    "write the values out or use fewer aliases", file=label,
                                    line=node.start_mark.line + 1)
            sizes[key] = total
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _construct(node: yaml.Node | None) -> Any:
    if node is None:
        return None
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _walk(node: yaml.Node, path: tuple[str, ...], lines: Lines, label: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key == "<<":
                continue
            if key in seen:
                raise ScenarioError(f"duplicate key '{key}'", file=label, line=key_node.start_mark.line + 1,
                                    field=".".join((*path, key)))
            seen.add(key)
            lines[(*path, key)] = (label, key_node.start_mark.line + 1)
            _walk(value_node, (*path, key), lines, label, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, str(index))] = (label, item.start_mark.line + 1)
            _walk(item, (*path, str(index)), lines, label, depth + 1)
