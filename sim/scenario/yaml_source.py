"""Safe YAML reading that remembers where every key was written (file and line) and rejects duplicate keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sim.errors import ScenarioError

Lines = dict[tuple[str, ...], tuple[str, int]]


def read_yaml(path: Path) -> tuple[Any, Lines]:
    """Parse ``path`` with the safe loader; return the data and a map from key path to (file, line)."""
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", file=label) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read the file ({exc.__class__.__name__}: {exc})", file=label) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ScenarioError(f"invalid YAML: {problem}", file=label, line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid YAML: {exc}", file=label) from None
    except RecursionError:
        raise ScenarioError("invalid YAML: nesting too deep", file=label) from None
    lines: Lines = {}
    if node is not None:
        _walk(node, (), lines, label)
    return data, lines


def _walk(node: yaml.Node, path: tuple[str, ...], lines: Lines, label: str, depth: int = 0) -> None:
    if depth > 50:
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
