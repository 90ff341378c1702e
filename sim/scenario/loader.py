"""Load a scenario file: safe YAML, ``extends:`` resolution, schema validation and cross-reference checks.

All problems come out as :class:`~sim.errors.ScenarioError` naming file, line and field; nothing is half-loaded.
"""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.errors import ScenarioError, ScenarioErrors
from sim.scenario.checks import check_raw, check_scenario
from sim.scenario.provenance import Provenance
from sim.scenario.schema import Scenario
from sim.scenario.yaml_source import Lines, read_yaml

MAX_EXTENDS_DEPTH = 10


def load_scenario(path: str | Path) -> Scenario:
    """Read, resolve and validate a scenario file. Raises ScenarioError on any problem."""
    path = Path(path)
    data, lines, parent = _resolve(path, chain=())
    scenario = _validate(data, lines, str(path))
    scenario._path = str(path)
    scenario._lines = lines
    scenario._hash = content_hash(data)
    if parent is not None:
        scenario._provenance = Provenance.of(scenario, parent, data, str(path))
    problems = check_scenario(scenario) + check_raw(data, scenario)
    if problems:
        raise ScenarioErrors([_located(msg, field, lines, str(path)) for field, msg in problems])
    return scenario


def content_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _resolve(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], Lines, dict[str, Any] | None]:
    """The merged data of ``path`` and its ``extends:`` chain, where each key was written, and the merged data
    of its parent (None for a file that extends nothing)."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError(f"'extends' forms a cycle: {cycle}", file=str(chain[-1]) if chain else str(path),
                            line=_extends_line(chain[-1]) if chain else None, field="extends")
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(f"'extends' nests deeper than {MAX_EXTENDS_DEPTH} files", file=str(path))
    data, lines = read_yaml(path)
    if data is None:
        raise ScenarioError("the file is empty; expected a mapping of scenario fields", file=str(path))
    if not isinstance(data, dict):
        raise ScenarioError(f"expected a mapping of scenario fields at the top, got {type(data).__name__}",
                            file=str(path), line=1)
    if "actors" not in data and "parameters" in data and ("outputs" in data or "design" in data):
        raise ScenarioError("this is a sweep file (parameters and outputs, no actors); run it with `sim sweep`",
                            file=str(path), line=1)
    parent_name = data.get("extends")
    if parent_name is None:
        return data, lines, None
    if not isinstance(parent_name, str):
        raise ScenarioError("expected the path of another scenario file", file=str(path),
                            line=lines.get(("extends",), ("", None))[1], field="extends")
    parent_path = _parent_file(path, parent_name, lines.get(("extends",), ("", None))[1])
    parent_data, parent_lines, _ = _resolve(parent_path, (*chain, resolved))
    merged = merge(parent_data, data)
    merged_lines = {**parent_lines, **lines}
    own = data.get("evidence") if isinstance(data.get("evidence"), dict) else {}
    for key in own:  # a replaced evidence entry keeps no line of the parent's fields
        for stale in [k for k in merged_lines if k[:2] == ("evidence", str(key)) and len(k) > 2]:
            if stale not in lines:
                del merged_lines[stale]
    return merged, merged_lines, parent_data


def _extends_line(path: Path) -> int | None:
    """The line of ``extends:`` in ``path`` (an already-read file), for messages about the chain."""
    try:
        return next((n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if text.startswith("extends:")), None)
    except OSError:
        return None


def _parent_file(path: Path, parent_name: str, line: int | None) -> Path:
    """The file ``extends:`` names, relative to ``path``: a local regular file (no URL, device or directory)."""
    def refuse(message: str) -> ScenarioError:
        return ScenarioError(message, file=str(path), line=line, field="extends")

    if "://" in parent_name:
        raise refuse(f"expected a local file path, got the URL {parent_name!r}")
    parent_path = path.parent / parent_name
    try:
        info = parent_path.stat()
    except FileNotFoundError:
        raise refuse(f"extends a file that does not exist: {parent_path}") from None
    except OSError as exc:
        raise refuse(f"cannot read {parent_path} ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise refuse(f"expected a regular YAML file, but {parent_path} is {kind}")
    return parent_path


WHOLE_ENTRIES = ("evidence",)  # top-level mappings whose entries a child replaces whole instead of merging


def merge(parent: dict[str, Any], child: dict[str, Any], whole_entries: tuple[str, ...] = WHOLE_ENTRIES
          ) -> dict[str, Any]:
    """Deep-merge ``child`` over ``parent``: mappings merge key by key, a ``null`` deletes a parent key,
    anything else (numbers, lists, distributions) replaces. Entries of the mappings named in ``whole_entries``
    (the evidence ledger) replace the parent's entry as a whole, so a child can turn a cited value into an
    assumption."""
    out = dict(parent)
    for key, value in child.items():
        if value is None and key in parent:
            del out[key]
        elif key in whole_entries and isinstance(value, dict) and isinstance(parent.get(key), dict):
            out[key] = dict(parent[key])
            for entry, entry_value in value.items():
                if entry_value is None:
                    out[key].pop(entry, None)
                else:
                    out[key][entry] = entry_value
        elif isinstance(value, dict) and isinstance(parent.get(key), dict) and not _is_leaf_mapping(value):
            out[key] = merge(parent[key], value, whole_entries=())
        else:
            out[key] = value
    return out


def _is_leaf_mapping(value: dict[str, Any]) -> bool:
    """Distributions and effects replace as a whole rather than merging."""
    return len(value) == 1 and next(iter(value)) in ("uniform", "normal", "triangular")


def _validate(data: dict[str, Any], lines: Lines, label: str) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioErrors(_translate(exc, data, lines, label)) from None


def _translate(exc: ValidationError, data: Any, lines: Lines, label: str) -> list[ScenarioError]:
    grouped: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for err in exc.errors():
        loc = _data_path(err["loc"], data, err["type"])
        grouped.setdefault(loc, []).append(err)
    errors = []
    for loc, errs in grouped.items():
        errors.append(_located(_message(errs, data, loc), ".".join(loc), lines, label))
    return errors


def _data_path(loc: tuple[Any, ...], data: Any, err_type: str) -> tuple[str, ...]:
    """Keep the part of a pydantic location that walks the actual data (drops union type tags)."""
    path: list[str] = []
    node = data
    for index, part in enumerate(loc):
        key = "schema" if part == "schema_version" else part
        if isinstance(node, dict) and (key in node or str(key) in node):
            node = node[key] if key in node else node[str(key)]
            path.append(str(key))
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            path.append(str(key))
        elif index == len(loc) - 1 and err_type == "missing":
            path.append(str(key))
        else:
            break
    return tuple(path)


def _message(errs: list[dict[str, Any]], data: Any, loc: tuple[str, ...]) -> str:
    err = errs[0]
    if err["type"] == "extra_forbidden":
        return f"unknown key '{loc[-1]}'"
    if err["type"] == "missing":
        return "required field is missing"
    value = _get(data, loc)
    if len(errs) > 1 or any(t in str(e["loc"]) for e in errs for t in ("Uniform", "Normal", "Triangular")):
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("uniform", "normal", "triangular"):
            inner = "; ".join(e["msg"] for e in errs if next(iter(value)) in str(e["loc"]).lower())
            return f"bad {next(iter(value))} distribution: {inner or errs[0]['msg']}"
        return ("expected a number or a distribution ({uniform: [lo, hi]}, {normal: [mean, sd]}, "
                f"{{triangular: [lo, mode, hi]}}), got {value!r}")
    msg = err["msg"].removeprefix("Value error, ")
    return f"{msg} (got {value!r})" if value is not None and not isinstance(value, dict | list) else msg


def _get(data: Any, loc: tuple[str, ...]) -> Any:
    node = data
    for part in loc:
        if isinstance(node, dict):
            node = node.get(part, node.get(int(part)) if part.lstrip("-").isdigit() else None)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _located(message: str, field: str, lines: Lines, default_file: str) -> ScenarioError:
    parts = tuple(field.split(".")) if field else ()
    for cut in range(len(parts), 0, -1):
        if parts[:cut] in lines:
            file, line = lines[parts[:cut]]
            return ScenarioError(message, file=file, line=line, field=field or None)
    return ScenarioError(message, file=default_file, line=None, field=field or None)
