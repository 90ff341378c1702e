"""The explored settings as a scenario file that ``extends:`` the original and holds only what changed.

Every changed parameter gets an ``assumption:`` evidence entry saying it was set in the explorer (and its old
value). A child's evidence entry is merged into the parent's entry for the same path, so where the parent cited a
source for that exact path the child also writes ``source: null`` and ``note: null`` (a ``null`` deletes an
inherited key), leaving the assumption as the entry's only support.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.distributions import Value
from sim.scenario.schema import Scenario


def child_document(original: Scenario, extends: str, values: dict[str, Value], mechanism: str | None = None,
                   options: dict[str, Any] | None = None, name: str | None = None,
                   today: str | None = None) -> dict[str, Any]:
    """The YAML mapping of the explored scenario. ``values`` maps changed paths to their new values;
    ``mechanism`` is a different mechanism name (None: the original's); ``options`` are mechanism settings
    that differ from what the original would use."""
    today = today or dt.date.today().isoformat()
    options = dict(options or {})
    changes = [f"{path} = {show_value(value)}" for path, value in values.items()]
    if mechanism is not None:
        changes.append(f"mechanism = {mechanism}")
    changes += [f"mechanism option {key} = {value}" for key, value in options.items()]
    doc: dict[str, Any] = {
        "schema": 1, "extends": extends, "name": name or f"{original.name}_explored",
        "title": f"{original.title} (explored)",
        "description": f"Written by `sim explore` on {today} from {original.name}. Changed: "
                       + ("; ".join(changes) if changes else "nothing") + ".",
    }
    evidence: dict[str, Any] = {}
    if mechanism is not None:
        params: dict[str, Any] = {key: None for key in original.mechanism.params}  # the old mechanism's settings
        params.update(options)
        doc["mechanism"] = {"name": mechanism, "params": params}
        for key in original.evidence:  # evidence about the old mechanism's numbers no longer has a parameter
            if key == "mechanism" or key.startswith("mechanism."):
                evidence[key] = None
    elif options:
        doc["mechanism"] = {"params": options}
    for path, value in values.items():
        _put(doc, path.split("."), _plain(value))
        old = _old_value(original, path)
        entry: dict[str, Any] = {"assumption": f"set in the explorer (sim explore) on {today}: {show_value(value)} "
                                               f"instead of the original's {old}"}
        parent = original.evidence.get(path)
        if parent is not None:
            entry = {**{key: None for key in ("source", "note") if getattr(parent, key) is not None}, **entry}
        evidence[path] = entry
    if evidence:
        doc["evidence"] = evidence
    return doc


def child_yaml(doc: dict[str, Any]) -> str:
    """The document as YAML text with a short header."""
    header = ("# Written by `sim explore`: only the settings changed in the explorer; everything else comes from\n"
              "# the scenario named in `extends:`. Check it with `sim validate` and run it with `sim run`.\n")
    return header + yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)


def write_child(doc: dict[str, Any], original_path: Path, out: Path) -> Path:
    """Write ``doc`` to ``out`` with ``extends:`` pointing (relatively) to ``original_path``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(Path(original_path).resolve(), out.parent.resolve())
    out.write_text(child_yaml({**doc, "extends": Path(relative).as_posix()}))
    return out


def _put(doc: dict[str, Any], parts: list[str], value: Any) -> None:
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


class _Flow(dict):
    """A distribution, written on one line as in the hand-written scenarios: ``{uniform: [85, 100]}``."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data,
                                                                             flow_style=True))


def _plain(value: Value) -> Any:
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return float(value)
    return _Flow({key: list(v) for key, v in value.model_dump().items()})


def show_value(value: Value | None) -> str:
    if value is None:
        return "derived by the model"
    if isinstance(value, int | float):
        return f"{float(value):g}"
    (family, params), = value.model_dump().items()
    return f"{family}[{', '.join(f'{p:g}' for p in params)}]"


def _old_value(original: Scenario, path: str) -> str:
    from sim.scenario.parameters import parameter_table

    param = parameter_table(original).get(path)
    return show_value(param.value if param is not None else None)
