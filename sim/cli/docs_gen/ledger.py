"""The evidence ledger of the baseline, what each library scenario changes, and the library list."""

from __future__ import annotations

from typing import Any

from sim.cli.docs_gen.common import SCENARIOS, cell, num, value_text
from sim.scenario.loader import load_scenario
from sim.scenario.parameters import evidence_for, given_parameters
from sim.scenario.schema import Scenario


def _source_text(scenario: Scenario, key: str | None) -> tuple[str, str, str]:
    """(support, source, note) for one evidence key."""
    if key is None:
        return "**bare**", "", ""
    entry = scenario.evidence[key]
    via = "" if key is None else f" (via `{key}`)"
    if entry.source is not None:
        src = scenario.sources[entry.source]
        return "cited" + via, f"{entry.source}: {src.outlet}, {src.date}", entry.note or ""
    return "assumed" + via, "", entry.assumption or ""


def ledger_rows(scenario: Scenario, paths: list[str]) -> list[str]:
    params = given_parameters(scenario)
    rows = []
    for path in paths:
        key = evidence_for(path, scenario)
        support, source, note = _source_text(scenario, key)
        support = support.replace(f" (via `{path}`)", "")
        rows.append(f"| `{path}` | {value_text(params[path].value)} | {support} | {cell(source)} | {cell(note)} |")
    return rows


def evidence_block() -> str:
    base = load_scenario(SCENARIOS / "baseline.yaml")
    params = given_parameters(base)
    n_cited = sum(1 for p in params if (k := evidence_for(p, base)) and base.evidence[k].source)
    n_assumed = sum(1 for p in params if (k := evidence_for(p, base)) and base.evidence[k].assumption)
    lines = [f"Baseline `scenarios/baseline.yaml` (as of {base.as_of}): {len(params)} parameters, "
             f"{n_cited} cited, {n_assumed} assumed, {len(params) - n_cited - n_assumed} bare.", "",
             "### Sources", "", "| id | outlet | date | seed file | about |", "|---|---|---|---|---|"]
    for sid, src in base.sources.items():
        lines.append(f"| {sid} | {cell(src.outlet)} | {cell(src.date)} | `{src.file or ''}` "
                     f"| {cell(src.title or '')} |")
    groups: dict[str, list[str]] = {}
    for path in params:
        head = path.split(".")[0]
        group = f"Actor {path.split('.')[1]}" if head == "actors" else head.capitalize()
        groups.setdefault(group, []).append(path)
    for group, paths in groups.items():
        lines += ["", f"### {group}", "", "| parameter | value | support | source | note |", "|---|---|---|---|---|"]
        lines += ledger_rows(base, paths)
    lines += ["", "### Events", "", "| event | timing | effects | source |", "|---|---|---|---|"]
    lines += [_event_row(eid, event) for eid, event in base.events.items()]
    lines += ["", "## What the library scenarios change", ""]
    for path in sorted(SCENARIOS.glob("*.yaml")):
        if path.name == "baseline.yaml":
            continue
        scenario = load_scenario(path)
        new = given_parameters(scenario)
        changed = [p for p in new if p not in params or repr(params[p].value) != repr(new[p].value)]
        lines += [f"### {scenario.name}", "", f"`scenarios/{path.name}`: {cell(scenario.question)}", "",
                  "| parameter | value (baseline) | support | source | note |", "|---|---|---|---|---|"]
        for row, p in zip(ledger_rows(scenario, changed), changed, strict=True):
            old = value_text(params[p].value) if p in params else "new"
            cells = row.split(" | ")
            cells[1] = f"{cells[1]} ({old})"
            lines.append(" | ".join(cells))
        events = [_event_row(e, ev) for e, ev in scenario.events.items()
                  if e not in base.events or ev.model_dump() != base.events[e].model_dump()]
        if events:
            lines += ["", "Events switched on or changed:", "", "| event | timing | effects | source |",
                      "|---|---|---|---|", *events]
        lines.append("")
    return "\n".join(lines)


def _event_row(eid: str, event: Any) -> str:
    if event.library_only:
        timing = "library only (injected by a facilitator or switched on by a scenario)"
    elif event.at_round is not None:
        timing = f"round {event.at_round}"
    else:
        window = f", rounds {event.window[0]}-{event.window[1]}" if event.window else ""
        timing = f"{value_text(event.probability)} per round{window}"
    effects = "; ".join(f"`{e.path}` {e.op} {num(e.value)}" for e in event.effects)
    return f"| `{eid}` | {timing} | {cell(effects)} | {event.source or ''} |"



def library_block() -> str:
    lines = ["| scenario | title | question |", "|---|---|---|"]
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = load_scenario(path)
        lines.append(f"| `scenarios/{path.name}` | {cell(scenario.title)} | {cell(scenario.question)} |")
    return "\n".join(lines) + "\n"


