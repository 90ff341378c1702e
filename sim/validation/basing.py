"""The basing-rights benchmark: historical host-basing power negotiations with recorded outcomes.

Each case is a scenario file in ``scenarios/basing/<case>.yaml`` describing month 0 (the trigger); the recorded
states 12 and 36 months later are in ``scenarios/basing/outcomes.yaml``. The coding protocol (case selection,
sources, how parameters and outcomes are read) is in docs/validation.md. This module loads and cross-checks the
outcome file against the scenarios, returns the recorded states as a tidy table, and computes the two naive
baselines the models are scored against (status quo persists; base rate, leave-one-out). Scoring itself is in
:mod:`sim.validation.basing_score`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.core.categories import CATEGORIES, categorize
from sim.errors import ScenarioError, ScenarioErrors
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.yaml_source import Lines, read_yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FOLDER = REPO_ROOT / "scenarios" / "basing"
OUTCOMES_FILE = "outcomes.yaml"
CODED_ON = "2026-11-30"  # the coding date: both horizons of every case must lie before it

Talks = Literal["signed", "unresolved", "breakdown"]
Legal = Literal["old_in_force", "suspended", "signed", "expelled"]
TALKS: tuple[str, ...] = ("signed", "unresolved", "breakdown")
LEGAL: tuple[str, ...] = ("old_in_force", "suspended", "signed", "expelled")
STATES: tuple[str, ...] = tuple(f"{talks}:{category}" for talks in TALKS for category in CATEGORIES)
# legal statuses a talks status can go with (protocol: unresolved = no new agreement and no termination)
_LEGAL_FOR: dict[str, set[str]] = {"signed": {"signed", "suspended"}, "unresolved": {"old_in_force", "suspended"},
                                   "breakdown": set(LEGAL)}
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HorizonOutcome(_Strict):
    """The recorded state of a case's base issue at one horizon."""

    talks: Talks
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    legal: Legal
    presence: float = Field(ge=0, le=100, description="physical presence on the 0-100 access scale")
    sources: list[str] = Field(min_length=1)
    note: str = Field(min_length=10)

    @property
    def state(self) -> str:
        return f"{self.talks}:{self.category}"


class Trigger(_Strict):
    date: str = Field(pattern=_DATE.pattern)
    kind: Literal["government_change", "crisis", "lease_expiry"]
    sources: list[str] = Field(min_length=1)
    note: str = Field(min_length=10)


class CaseOutcome(_Strict):
    issue: str
    trigger: Trigger
    confidence: Literal["high", "medium", "low"]
    horizons: dict[int, HorizonOutcome]


class OutcomeFile(_Strict):
    schema_version: Literal[1] = Field(1, alias="schema")
    coder: str
    horizons: list[int] = Field(min_length=1)
    cases: dict[str, CaseOutcome] = Field(min_length=1)


@dataclass
class Benchmark:
    """The loaded benchmark: scenarios by case id, the outcome file, and the recorded states as a table."""

    folder: Path
    scenarios: dict[str, Scenario]
    outcomes: OutcomeFile
    table: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def cases(self) -> list[str]:
        return list(self.outcomes.cases)

    @property
    def horizons(self) -> list[int]:
        return list(self.outcomes.horizons)


def load_benchmark(folder: Path | str | None = None) -> Benchmark:
    """Load every case scenario and the outcome file of ``folder``; raise ScenarioError on any inconsistency."""
    folder = Path(folder) if folder is not None else DEFAULT_FOLDER
    path = folder / OUTCOMES_FILE
    data, lines = read_yaml(path)
    try:
        outcomes = OutcomeFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioErrors([_located(_message(err), err["loc"], lines, str(path)) for err in exc.errors()]) from None
    scenario_paths = {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.name != OUTCOMES_FILE}
    scenarios = {case: load_scenario(p) for case, p in scenario_paths.items()}
    problems = list(_cross_check(outcomes, scenarios, scenario_paths))
    if problems:
        raise ScenarioErrors([_located(msg, loc, lines, str(path)) for loc, msg in problems])
    bench = Benchmark(folder, scenarios, outcomes)
    bench.table = recorded_table(bench)
    return bench


def _cross_check(outcomes: OutcomeFile, scenarios: dict[str, Scenario],
                 paths: dict[str, Path]) -> Iterable[tuple[tuple, str]]:
    for case in sorted(set(paths) - set(outcomes.cases)):
        yield ("cases",), f"no recorded outcome for the scenario {paths[case]}"
    for case, entry in outcomes.cases.items():
        if case not in scenarios:
            yield ("cases", case), f"no scenario file {case}.yaml beside the outcome file"
            continue
        scenario = scenarios[case]
        if scenario.name != case:
            yield ("cases", case), f"the scenario file {case}.yaml is named '{scenario.name}'; expected '{case}'"
        if entry.issue not in scenario.base_issues:
            yield ("cases", case, "issue"), f"'{entry.issue}' is not a base issue of {case}.yaml; " \
                                            f"expected one of {scenario.base_issues}"
        cited = [(("cases", case, "trigger", "sources"), entry.trigger.sources)]
        if set(entry.horizons) != set(outcomes.horizons):
            yield ("cases", case, "horizons"), f"expected horizons {outcomes.horizons}, got {sorted(entry.horizons)}"
        last = _add_months(entry.trigger.date, max(outcomes.horizons))
        if last > CODED_ON[:7]:
            yield ("cases", case, "trigger", "date"), f"month {max(outcomes.horizons)} ({last}) is not yet past"
        thresholds = scenario.outcomes.thresholds
        for h, outcome in entry.horizons.items():
            loc = ("cases", case, "horizons", h)
            cited.append(((*loc, "sources"), outcome.sources))
            if outcome.legal not in _LEGAL_FOR[outcome.talks]:
                yield (*loc, "legal"), f"legal status '{outcome.legal}' contradicts talks '{outcome.talks}'; " \
                                       f"expected one of {sorted(_LEGAL_FOR[outcome.talks])}"
            if outcome.talks != "signed" and categorize(outcome.presence, thresholds) != outcome.category:
                yield (*loc, "category"), f"presence {outcome.presence:g} falls in " \
                                          f"'{categorize(outcome.presence, thresholds)}', not '{outcome.category}'"
        for where, ids in cited:
            for source in ids:
                if source not in scenario.sources:
                    yield where, f"unknown source '{source}'; expected one of {sorted(scenario.sources)} ({case}.yaml)"


def _add_months(date: str, months: int) -> str:
    match = _DATE.match(date)
    if match is None:  # pragma: no cover - the schema already checked the pattern
        raise ValueError(date)
    index = int(match.group(1)) * 12 + int(match.group(2)) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def recorded_table(bench: Benchmark) -> pd.DataFrame:
    """One row per case and horizon: trigger, talks, category, state label, legal status, presence, confidence."""
    rows = []
    for case, entry in bench.outcomes.cases.items():
        status_quo = status_quo_presence(bench.scenarios[case], entry.issue)
        for h in sorted(entry.horizons):
            o = entry.horizons[h]
            rows.append({"case": case, "issue": entry.issue, "horizon": h, "trigger_date": entry.trigger.date,
                         "trigger_kind": entry.trigger.kind, "horizon_month": _add_months(entry.trigger.date, h),
                         "talks": o.talks, "category": o.category, "state": o.state, "legal": o.legal,
                         "presence": float(o.presence), "status_quo": status_quo,
                         "confidence": entry.confidence, "sources": ", ".join(o.sources), "note": o.note})
    return pd.DataFrame(rows)


def case_summary(bench: Benchmark) -> pd.DataFrame:
    """One row per case for the docs' case table: trigger, actors, the state at each horizon, confidence and the
    outlets of the case's sources."""
    rows = []
    for case, entry in bench.outcomes.cases.items():
        scenario = bench.scenarios[case]
        veto = [a.name for a in scenario.actors.values() if a.role == "veto"]
        others = [a.name for a in scenario.actors.values() if a.role != "veto"]
        row = {"case": case, "trigger": f"{entry.trigger.date} {entry.trigger.kind.replace('_', ' ')}",
               "veto": " / ".join(veto), "third parties": ", ".join(others) or "-",
               "confidence": entry.confidence, "n_sources": len(scenario.sources),
               "outlets": "; ".join(dict.fromkeys(s.outlet for s in scenario.sources.values()))}
        for h in bench.horizons:
            o = entry.horizons[h]
            row[f"month {h}"] = f"{o.state} ({o.legal}, presence {o.presence:g})"
        rows.append(row)
    return pd.DataFrame(rows)


def status_quo_presence(scenario: Scenario, issue: str) -> float:
    """Month-0 presence: the issue's status quo (the mean of its range when it is a distribution)."""
    value = scenario.issues[issue].status_quo
    return float(value) if isinstance(value, int | float) else float(value.mean())


# --- naive baselines -------------------------------------------------------------------------------------------

def forecast_frame(rows: list[dict]) -> pd.DataFrame:
    """A forecast table: case, horizon, one probability column per state (STATES order), presence."""
    frame = pd.DataFrame(rows)
    return frame[["case", "horizon", *STATES, "presence"]]


def forecast_row(case: str, horizon: int, states: Iterable[str], presences: Iterable[float]) -> dict:
    """One forecast row from a model's replications: the share of runs in each state label at the horizon and
    their mean presence (labels as in STATES, e.g. ``breakdown:withdrawal``)."""
    labels, values = list(states), np.asarray(list(presences), dtype=float)
    unknown = sorted(set(labels) - set(STATES))
    if not labels or unknown or len(values) != len(labels):
        raise ValueError(f"expected one known state label and one presence per replication; unknown {unknown}, "
                         f"{len(labels)} labels, {len(values)} presences")
    counts = pd.Series(labels).value_counts(normalize=True)
    return {"case": case, "horizon": horizon, **{s: float(counts.get(s, 0.0)) for s in STATES},
            "presence": float(values.mean())}


def status_quo_baseline(bench: Benchmark) -> pd.DataFrame:
    """All probability on ``unresolved:<category of the month-0 status quo>``; presence = the status quo."""
    rows = []
    for case, entry in bench.outcomes.cases.items():
        scenario = bench.scenarios[case]
        sq = status_quo_presence(scenario, entry.issue)
        state = f"unresolved:{categorize(sq, scenario.outcomes.thresholds)}"
        for h in bench.horizons:
            rows.append({"case": case, "horizon": h, **{s: float(s == state) for s in STATES}, "presence": sq})
    return forecast_frame(rows)


def base_rate_baseline(bench: Benchmark) -> pd.DataFrame:
    """For case i at horizon h: the frequency of each recorded state and the mean recorded presence over the
    other cases at h (leave-one-out, so no case's own outcome enters its forecast)."""
    table = bench.table
    rows = []
    for h in bench.horizons:
        at_h = table[table["horizon"] == h]
        for case in at_h["case"]:
            others = at_h[at_h["case"] != case]
            freq = others["state"].value_counts(normalize=True)
            rows.append({"case": case, "horizon": h, **{s: float(freq.get(s, 0.0)) for s in STATES},
                         "presence": float(others["presence"].mean())})
    return forecast_frame(rows)


def baselines(bench: Benchmark) -> dict[str, pd.DataFrame]:
    return {"status quo persists": status_quo_baseline(bench), "base rate (leave-one-out)": base_rate_baseline(bench)}


# --- error location (the outcome file is not a scenario, but its errors read the same way) ----------------------

def _message(err: dict) -> str:
    if err["type"] == "extra_forbidden":
        return f"unknown key '{err['loc'][-1]}'"
    if err["type"] == "missing":
        return "required field is missing"
    return f"{err['msg']} (got {err.get('input')!r})"


def _located(message: str, loc: tuple, lines: Lines, default_file: str) -> ScenarioError:
    parts = tuple("schema" if p == "schema_version" else str(p) for p in loc)
    for cut in range(len(parts), 0, -1):
        if parts[:cut] in lines:
            file, line = lines[parts[:cut]]
            return ScenarioError(message, file=file, line=line, field=".".join(parts))
    return ScenarioError(message, file=default_file, field=".".join(parts) or None)


def state_matrix(frame: pd.DataFrame) -> np.ndarray:
    """The (rows, 15) probability block of a forecast table, in STATES order."""
    return frame[list(STATES)].to_numpy(float)
