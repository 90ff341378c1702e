"""Bad scenario files: each goes through ``sim validate`` and most also through ``sim run -n 20``."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import yaml

from tests.bad_inputs.harness import Case
from tests.conftest import minimal_scenario

Data = dict[str, Any]


def base() -> Data:
    data = minimal_scenario(n_actors=3, n_issues=2)
    data["events"] = {"shock": {"label": "a shock", "probability": 0.05, "window": [2, 5],
                                "effects": [{"path": "actors.A0.capability", "scale": 1.2}]},
                      "fixed": {"label": "a fixed event", "at_round": 3,
                                "effects": [{"path": "actors.A1.salience.i0", "add": 0.1}]}}
    data["relations"] = {"A2->A0": {"influence": 0.2, "alignment": 0.1}}
    return data


def dump(data: Data) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def _set(path: str, value: Any) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        *head, last = path.split(".")
        node = data
        for part in head:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return mutate


def _delete(path: str) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        *head, last = path.split(".")
        node = data
        for part in head:
            node = node[part]
        del node[last]
    return mutate


NAN, INF = float("nan"), float("inf")

# (id, mutation, field the message must name, extra text)
MUTATIONS: list[tuple[str, Callable[[Data], None], str, tuple[str, ...]]] = [
    ("salience_text", _set("actors.A0.salience.i0", "high"), "actors.A0.salience.i0", ()),
    ("position_above_scale", _set("actors.A0.positions.i0", 150), "actors.A0.positions.i0", ()),
    ("position_negative", _set("actors.A1.positions.i1", -5), "actors.A1.positions.i1", ()),
    ("capability_true", _set("actors.A0.capability", True), "actors.A0.capability", ()),
    ("capability_nan", _set("actors.A0.capability", NAN), "actors.A0.capability", ()),
    ("capability_inf", _set("actors.A0.capability", INF), "actors.A0.capability", ()),
    ("risk_bool", _set("actors.A0.risk", False), "actors.A0.risk", ()),
    ("risk_out_of_range", _set("actors.A0.risk", 2), "actors.A0.risk", ()),
    ("salience_nan", _set("actors.A2.salience.i1", NAN), "actors.A2.salience.i1", ()),
    ("normal_infinite_sd", _set("actors.A0.positions.i0", {"normal": [50, INF]}), "actors.A0.positions.i0", ()),
    ("normal_nan_mean", _set("actors.A0.positions.i0", {"normal": [NAN, 5]}), "actors.A0.positions.i0", ()),
    ("normal_zero_sd", _set("actors.A0.positions.i0", {"normal": [50, 0]}), "actors.A0.positions.i0", ()),
    ("uniform_nan", _set("actors.A0.salience.i0", {"uniform": [NAN, 0.5]}), "actors.A0.salience.i0", ()),
    ("uniform_inf", _set("issues.i0.status_quo", {"uniform": [0, INF]}), "issues.i0.status_quo", ()),
    ("uniform_reversed", _set("issues.i0.status_quo", {"uniform": [60, 40]}), "issues.i0.status_quo", ()),
    ("triangular_outside", _set("issues.i1.disagreement", {"triangular": [-10, 5, 20]}),
     "issues.i1.disagreement", ()),
    ("distribution_unknown", _set("actors.A0.capability", {"lognormal": [0, 1]}), "actors.A0.capability", ()),
    ("effect_set_nan", _set("events.shock.effects.0", {"path": "actors.A0.capability", "set": NAN}),
     "events.shock.effects.0", ()),
    ("effect_scale_inf", _set("events.shock.effects.0", {"path": "actors.A0.capability", "scale": INF}),
     "events.shock.effects.0", ()),
    ("effect_add_minus_inf", _set("events.fixed.effects.0", {"path": "actors.A1.salience.i0", "add": -INF}),
     "events.fixed.effects.0", ()),
    ("effect_two_ops", _set("events.fixed.effects.0", {"path": "actors.A1.salience.i0", "add": 1, "set": 0.5}),
     "events.fixed.effects.0", ()),
    ("effect_no_op", _set("events.fixed.effects.0", {"path": "actors.A1.salience.i0"}),
     "events.fixed.effects.0", ()),
    ("effect_unknown_path", _set("events.fixed.effects.0.path", "actors.ZZ.capability"),
     "events.fixed.effects.0.path", ()),
    ("effect_set_bool", _set("events.fixed.effects.0", {"path": "actors.A1.salience.i0", "set": True}),
     "events.fixed.effects.0", ()),
    ("window_beyond_horizon", _set("events.shock.window", [400, 500]), "events.shock.window", ("rounds",)),
    ("window_reversed", _set("events.shock.window", [5, 2]), "events.shock.window", ("[first, last]",)),
    ("window_zero", _set("events.shock.window", [0, 3]), "events.shock.window", ()),
    ("at_round_beyond_horizon", _set("events.fixed.at_round", 99), "events.fixed.at_round", ("rounds",)),
    ("at_round_zero", _set("events.fixed.at_round", 0), "events.fixed.at_round", ()),
    ("event_both_timings", _set("events.fixed.probability", 0.5), "events.fixed", ()),
    ("event_probability_above_one", _set("events.shock.probability", 1.5), "events.shock.probability", ()),
    ("event_probability_nan", _set("events.shock.probability", NAN), "events.shock.probability", ()),
    ("thresholds_nan", _set("outcomes", {"thresholds": [NAN, 30, 60, 90]}), "outcomes.thresholds", ()),
    ("thresholds_unordered", _set("outcomes", {"thresholds": [50, 30, 60, 90]}), "outcomes.thresholds", ()),
    ("thresholds_inf", _set("outcomes", {"thresholds": [10, 30, 60, INF]}), "outcomes.thresholds", ()),
    ("rounds_zero", _set("rounds", 0), "rounds", ()),
    ("rounds_huge", _set("rounds", 10**9), "rounds", ()),
    ("rounds_text", _set("rounds", "many"), "rounds", ()),
    ("rounds_bool", _set("rounds", True), "rounds", ()),
    ("unknown_top_key", _set("colour", "red"), "colour", ()),
    ("unknown_actor_key", _set("actors.A0.mood", "sad"), "actors.A0.mood", ()),
    ("markup_in_key", _set("actors.A0.[/bold]", 1), "[/bold]", ()),
    ("markup_in_issue_ref", _set("actors.A0.salience.[red]x[/red]", 0.5), "[red]x[/red]", ()),
    ("missing_name", _delete("name"), "name", ()),
    ("missing_status_quo", _delete("issues.i0.status_quo"), "issues.i0.status_quo", ()),
    ("missing_salience_issue", _delete("actors.A1.salience.i1"), "actors.A1.salience", ()),
    ("relation_unknown_actor", _set("relations", {"A2->ZZ": {"influence": 0.2}}), "relations.A2->ZZ", ()),
    ("relation_self", _set("relations", {"A2->A2": {"influence": 0.2}}), "relations.A2->A2", ()),
    ("relation_bad_key", _set("relations", {"A2": {"influence": 0.2}}), "relations.A2", ()),
    ("relation_influence_nan", _set("relations.A2->A0.influence", NAN), "relations.A2->A0.influence", ()),
    ("no_veto_player", lambda d: [a.update(role="influencer") for a in d["actors"].values()], "actors", ()),
    ("one_actor", lambda d: [d["actors"].pop(k) for k in ("A1", "A2")], "actors", ()),
    ("bad_actor_id", lambda d: d["actors"].update({"9lives": copy.deepcopy(d["actors"]["A2"])}), "actors", ()),
    ("schema_two", _set("schema", 2), "schema", ()),
    ("mechanism_unknown", _set("mechanism", {"name": "coin_toss"}), "mechanism", ()),
    ("mechanism_bad_param", _set("mechanism", {"name": "bargaining", "params": {"nonsense": 3}}), "mechanism", ()),
    ("evidence_unknown_path", _set("evidence", {"actors.ZZ.capability": {"assumption": "x"}}),
     "evidence.actors.ZZ.capability", ()),
    ("evidence_unknown_source", _set("evidence", {"actors.A0.capability": {"source": "S9", "note": "n"}}),
     "evidence.actors.A0.capability", ()),
    ("anchor_off_scale", _set("issues.i0.anchors", {150: "beyond"}), "issues.i0.anchors", ()),
    ("name_parent_dirs", _set("name", "../../escaped"), "name", ()),
    ("name_absolute", _set("name", "/tmp/escaped"), "name", ()),
    ("name_empty", _set("name", ""), "name", ()),
    ("extends_number", _set("extends", 3), "extends", ()),
]

NO_LINE = {"missing_name"}  # a missing field has no line to point at; the message names the file and the field
RUN_TOO = {"capability_true", "capability_nan", "normal_infinite_sd", "effect_set_nan", "effect_scale_inf",
           "window_beyond_horizon", "at_round_beyond_horizon", "thresholds_nan", "markup_in_key", "rounds_huge",
           "name_parent_dirs", "name_absolute", "salience_text", "uniform_inf", "effect_add_minus_inf",
           "normal_nan_mean", "effect_set_bool", "relation_influence_nan"}


def _text_case(cid: str, text: str | bytes, field: str | None = None, line: bool = True,
               contains: tuple[str, ...] = ()) -> Case:
    return Case(f"validate-{cid}", ["validate", "{d}/s.yaml"], {"s.yaml": text}, field=field, line=line,
                contains=contains)


def mutation_cases() -> list[Case]:
    cases = []
    for cid, mutate, fld, contains in MUTATIONS:
        data = base()
        mutate(data)
        files = {"s.yaml": dump(data)}
        line = cid not in NO_LINE
        cases.append(Case(f"validate-{cid}", ["validate", "{d}/s.yaml"], files, field=fld, contains=contains,
                          line=line))
        if cid in RUN_TOO:
            cases.append(Case(f"run-{cid}", ["run", "{d}/s.yaml", "-n", "20", "--no-plots", "--out", "{d}/out"],
                              files, field=fld, contains=contains, line=line))
    return cases


def _bomb() -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    return "\n".join(lines) + "\n"


def _child(extends: str) -> str:
    return f"extends: {extends}\nname: child\n"


def file_cases() -> list[Case]:
    good = dump(base())
    cases = [
        Case("validate-alias_bomb", ["validate", "{d}/bomb.yaml"], {"bomb.yaml": _bomb()}, field=None,
             contains=("alias",), subprocess=True),
        Case("validate-extends_dev_zero", ["validate", "{d}/s.yaml"], {"s.yaml": _child("/dev/zero")},
             field="extends", contains=("regular",), subprocess=True),
        Case("validate-dev_zero_itself", ["validate", "/dev/zero"], line=False, contains=("regular",),
             subprocess=True),
        Case("validate-huge_file", ["validate", "{d}/s.yaml"], {"s.yaml": good + ("# padding\n" * 700_000)},
             line=False, contains=("bytes",), subprocess=True),
        Case("validate-deep_nesting", ["validate", "{d}/s.yaml"], {"s.yaml": "a: " + "[" * 5000 + "]" * 5000},
             contains=("deep",), subprocess=True),
        Case("run-alias_bomb_in_scenario", ["run", "{d}/s.yaml", "-n", "20", "--no-plots", "--out", "{d}/o"],
             {"s.yaml": good + "bomb:\n  " + _bomb().replace("\n", "\n  ").rstrip() + "\n"}, contains=("alias",),
             subprocess=True),
        Case("validate-extends_directory", ["validate", "{d}/s.yaml"], {"s.yaml": _child("sub"), "sub/x": ""},
             field="extends", contains=("regular",)),
        Case("validate-extends_url", ["validate", "{d}/s.yaml"],
             {"s.yaml": _child("https://example.com/base.yaml")}, field="extends"),
        Case("validate-extends_missing", ["validate", "{d}/s.yaml"], {"s.yaml": _child("nope.yaml")},
             field="extends"),
        Case("validate-extends_self", ["validate", "{d}/s.yaml"], {"s.yaml": _child("s.yaml")}, field="extends"),
        Case("validate-extends_aliases_bounded", ["validate", "{d}/s.yaml"],
             {"s.yaml": _child("p.yaml"), "p.yaml": _bomb()}, contains=("alias",), subprocess=True),
        _text_case("empty_file", "", line=False),
        _text_case("top_level_list", "- a\n- b\n"),
        _text_case("tab_indent", "name: x\n\tissues: 1\n"),
        _text_case("duplicate_key", good + "name: again\n", field="name"),
        _text_case("python_tag", "name: !!python/object/apply:os.system ['true']\n"),
        _text_case("binary", b"\x00\xff\xfe\x00garbage", line=False),
        _text_case("bad_utf8", good.encode() + b"# \xff\xfe\n", line=False),
        _text_case("unclosed_bracket", "name: [a, b\n"),
        _text_case("many_documents", good + "---\n" + good),
        Case("validate-missing_file", ["validate", "{d}/nope.yaml"], line=False),
        Case("validate-directory", ["validate", "{d}"], line=False),
        Case("run-directory", ["run", "{d}", "-n", "20"], line=False),
    ]
    return cases


def scenario_cases() -> list[Case]:
    return mutation_cases() + file_cases()
