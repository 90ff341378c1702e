"""The scenario reference: one field table per schema model, and the parameter-path patterns with bounds."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.cli.docs_gen.common import SCENARIOS, bounds_text, cell
from sim.scenario import schema as schema_module
from sim.scenario.distributions import Normal, Triangular, Uniform, Value
from sim.scenario.loader import load_scenario
from sim.scenario.parameters import parameter_table
from sim.scenario.schema import BOUNDS, Scenario

# Meaning of schema fields that carry no ``description`` in sim/scenario/schema.py (keyed "Model.field").
FIELD_NOTES: dict[str, str] = {
    "Scenario.schema": "schema version of the file format; only 1 exists",
    "Scenario.name": "short identifier (used for output folders); by convention the file name without .yaml",
    "Scenario.title": "human-readable title shown in tables and plots",
    "Scenario.description": "free text: what the scenario represents",
    "Scenario.as_of": "date of the knowledge the scenario represents (ISO date)",
    "Scenario.extends": "path of a parent scenario, relative to this file; mappings merge key by key, `null` "
                        "deletes a parent key, anything else replaces",
    "Scenario.sources": "the sources evidence may cite, by id (S000, ...)",
    "Scenario.issues": "the negotiated dimensions, by id",
    "Scenario.actors": "the stakeholders, by id (RUS, SYR, ...)",
    "Scenario.relations": "directed influence edges, keyed 'FROM->TO'",
    "Scenario.events": "shocks: scheduled, probabilistic, or kept in a library for a facilitator to inject",
    "Scenario.mechanism": "which negotiation protocol runs each round, and its parameters",
    "Scenario.dynamics": "parameters of the between-round dynamics",
    "Scenario.outcomes": "how final values on base issues map to outcome categories",
    "Scenario.evidence": "support for each parameter path (or a prefix of paths): a cited source or an assumption",
    "Source.outlet": "who published it (agency, outlet, author)",
    "Source.url": "web address, when there is one",
    "Source.title": "short paraphrased title (never a copied headline)",
    "Source.note": "anything a reader should know about the source (errors, dating)",
    "Issue.label": "one-line name of the issue",
    "Issue.description": "free text",
    "Actor.name": "display name",
    "Actor.description": "free text",
    "Effect.path": "parameter path to change (see the path list below and `sim validate --paths`)",
    "Effect.set": "new value",
    "Effect.add": "amount added to the current value (result clipped to the parameter's bounds)",
    "Effect.scale": "factor the current value is multiplied by (result clipped to the parameter's bounds)",
    "RoleVisibility.roles": "actor ids whose players see the event (classroom)",
    "Event.label": "one-line name shown in logs and the classroom",
    "Event.description": "what happens, in plain words",
    "Event.at_round": "round in which the event fires (1 = the first month); exclusive with `probability`",
    "Event.once": "fire at most once per run (false: may fire again every round)",
    "Event.effects": "parameter changes applied when the event fires, in order",
    "Event.visibility": "`public`, or `{roles: [...]}` to show it only to some players in the classroom",
    "Event.source": "id of the source the event is drawn from",
    "MechanismSpec.name": "a registered mechanism (`sim mechanisms` lists them)",
    "MechanismSpec.params": "the mechanism's own parameters (see docs/mechanisms.md); numeric ones are sweepable",
    "Evidence.source": "id of a source under `sources`",
    "Evidence.note": "paraphrase of what the source says and how it sets the value (never a long quotation)",
    "Evidence.assumption": "the reason for a value the sources do not give",
}

KEY_NAMES = {"relations": "<FROM->TO>", "evidence": "<parameter path>", "anchors": "<point>"}


def _is_value(annotation: Any) -> bool:
    if annotation == Value:
        return True
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return False
    return {Uniform, Normal, Triangular} <= set(_flat_args(annotation))


def _flat_args(annotation: Any) -> list[Any]:
    args = typing.get_args(annotation)
    return [a for arg in args for a in ([arg] if not typing.get_args(arg) else _flat_args(arg))]


def type_text(annotation: Any) -> str:
    """A readable type for a field annotation."""
    if _is_value(annotation):
        return "number or distribution"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [a for a in args if a is not type(None)]
        if any(_is_value(a) for a in parts) or {Uniform, Normal, Triangular} <= set(parts):
            text = "number or distribution"
        else:
            text = " or ".join(type_text(a) for a in parts)
        return text + (" or null" if len(parts) < len(args) else "")
    if origin is dict:
        key = "id" if args[0] is str else type_text(args[0])
        return f"mapping {key} -> {type_text(args[1])}"
    if origin in (list, tuple):
        if origin is tuple and args and args[-1] is not Ellipsis:
            return "[" + ", ".join(type_text(a) for a in args) + "]"
        return f"list of {type_text(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if typing.get_origin(annotation) is typing.Annotated:
        return type_text(args[0])
    return {str: "text", Path: "path", int: "integer", float: "number", bool: "true/false", typing.Any: "any"}.get(
        annotation, getattr(annotation, "__name__", str(annotation)))


def _default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    default = info.default_factory() if info.default_factory is not None else info.default  # type: ignore[call-arg]
    if default is PydanticUndefined:
        return "**required**"
    if default is None:
        return "none"
    if isinstance(default, BaseModel):
        default = default.model_dump()
        return "`" + ", ".join(f"{k}: {_plain(v)}" for k, v in default.items()) + "`"
    if default == "":
        return '`""`'
    if isinstance(default, tuple):
        default = list(default)
    if isinstance(default, str):
        return f"`{default}`"
    return f"`{default}`".replace("True", "true").replace("False", "false")


def _plain(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


def _mentions_value(annotation: Any) -> bool:
    return _is_value(annotation) or any(_mentions_value(a) for a in typing.get_args(annotation))


def _constraints(name: str, info: FieldInfo) -> str:
    if name in BOUNDS and _mentions_value(info.annotation):
        return bounds_text(*BOUNDS[name])
    parts = []
    for meta in info.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"), ("min_length", "items >=")):
            if getattr(meta, attr, None) is not None:
                parts.append(f"{sign} {getattr(meta, attr)}")
    return ", ".join(parts)


def _nested(annotation: Any, suffix: str = "") -> Iterator[tuple[type[BaseModel], str]]:
    """Schema models reachable from an annotation, with the YAML suffix that leads to them."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation.__module__ == schema_module.__name__:
            yield annotation, suffix
        return
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is dict:
        yield from _nested(args[1], suffix + ".{key}")
    elif origin in (list, tuple):
        yield from _nested(args[0], suffix + "[]")
    else:
        for arg in args:
            yield from _nested(arg, suffix)


def schema_models() -> list[tuple[type[BaseModel], str]]:
    """Every model of the scenario schema with where it is written in a file, top level first."""
    found: dict[type[BaseModel], str] = {Scenario: "(top level)"}
    queue: list[tuple[type[BaseModel], str]] = [(Scenario, "")]
    while queue:
        model, where = queue.pop(0)
        for name, info in model.model_fields.items():
            key = info.alias or name
            for sub, suffix in _nested(info.annotation):
                path = (f"{where}.{key}" if where else key) + suffix.replace("{key}", KEY_NAMES.get(key, "<id>"))
                if sub not in found:
                    found[sub] = path
                    queue.append((sub, path))
    return list(found.items())


def field_rows(model: type[BaseModel]) -> Iterator[tuple[str, str, str, str, str]]:
    """(key, type, default, bounds, meaning) per field of ``model``."""
    for name, info in model.model_fields.items():
        key = info.alias or name
        meaning = info.description or FIELD_NOTES.get(f"{model.__name__}.{key}", "")
        yield key, type_text(info.annotation), _default_text(info), _constraints(name, info), meaning


def schema_block() -> str:
    lines = []
    for model, where in schema_models():
        place = "The top level of a scenario file." if model is Scenario else f"Written at `{where}`."
        lines += [f"### {model.__name__}", "", f"{place} {cell((model.__doc__ or '').strip())}".strip(), "",
                  "| key | type | default | bounds | meaning |", "|---|---|---|---|---|"]
        lines += [f"| `{k}` | {t} | {d} | {b} | {cell(m)} |" for k, t, d, b, m in field_rows(model)]
        lines.append("")
    return "\n".join(lines)



def _path_pattern(path: str, scenario: Scenario) -> str:
    parts = path.split(".")
    if parts[0] == "issues":
        parts[1] = "<issue>"
    elif parts[0] == "actors":
        parts[1] = "<actor>"
        if len(parts) == 4:
            parts[3] = "<issue>"
    elif parts[0] == "relations":
        parts[1] = "<FROM->TO>"
    elif parts[0] == "events":
        parts[1] = "<event>"
    elif parts[0] == "mechanism":
        parts[2] = "<name>"
    return ".".join(parts)


def paths_block() -> str:
    baseline = load_scenario(SCENARIOS / "baseline.yaml")
    seen: dict[str, str] = {}
    for path, param in parameter_table(baseline).items():
        seen.setdefault(_path_pattern(path, baseline), bounds_text(*param.bounds))
    seen.setdefault("mechanism.params.<name>", "the mechanism's own bounds (numeric options only)")
    lines = ["| parameter path | bounds |", "|---|---|"]
    lines += [f"| `{pattern}` | {bounds} |" for pattern, bounds in seen.items()]
    return "\n".join(lines) + "\n"


