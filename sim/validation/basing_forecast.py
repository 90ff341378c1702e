"""Forecasts of the basing-rights benchmark by the project's mechanisms: run every case under every mechanism
(and, for ``coercive``, both information settings) and read the state of the scored base issue at each horizon.

Each case runs ``replications`` times through the public :func:`sim.run` with ``months`` = the benchmark's
horizons, so the states come from the project's own month-by-month record (``state.<base>.mK`` and
``presence.<base>.mK``, see :mod:`sim.outcomes.timeline`). One seed drives everything: case ``i`` gets the
``i``-th child of ``SeedSequence(seed)``, and every mechanism runs the case with that same child (common random
numbers: the sampled scenario values are the same for every mechanism, so their differences are paired).

**Stated mapping** (docs/validation.md, "Basing benchmark: scores"): a forecast mechanism's label
``forecast:<category>`` - its prediction of the decision - is scored as ``signed:<category>`` (the project's
timeline gives it the legal status ``signed``); every other label is scored as the run reports it. An iterative
forecast mechanism (bdm, ktab, ktab_smp, exchange) is ``unresolved`` at month k when its iteration has not
ended by round k: the project's output, scored as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import sim
from sim.errors import SimError
from sim.mechanisms.registry import MECHANISMS
from sim.validation.basing import STATES, Benchmark, forecast_frame, forecast_row

DEFAULT_REPLICATIONS = 200
INFORMATION = ("complete", "private")


@dataclass(frozen=True)
class Setting:
    """One forecast: a mechanism with fixed parameters (on top of the scenario's own)."""

    name: str
    mechanism: str
    params: dict[str, Any] = field(default_factory=dict)


def settings(names: Sequence[str] | None = None) -> list[Setting]:
    """The settings to score: every registered mechanism, ``coercive`` once per information setting
    (``coercive:complete``, ``coercive:private``). ``names`` picks mechanisms (``coercive`` = both settings) or
    single settings; an unknown name raises SimError."""
    every: list[Setting] = []
    for mech in MECHANISMS:
        if mech == "coercive":
            every += [Setting(f"coercive:{info}", mech, {"information": info}) for info in INFORMATION]
        else:
            every.append(Setting(mech, mech))
    if not names:
        return every
    chosen: list[Setting] = []
    for name in names:
        picked = [s for s in every if name in (s.name, s.mechanism)]
        if not picked:
            known = sorted({s.mechanism for s in every} | {s.name for s in every})
            raise SimError(f"unknown mechanism '{name}'; expected one of: {', '.join(known)}")
        chosen += [s for s in picked if s not in chosen]
    return chosen


def scored_state(label: str) -> str:
    """The benchmark state a run's label is scored as: ``forecast:<c>`` -> ``signed:<c>``, others unchanged."""
    talks, _, category = label.partition(":")
    state = f"signed:{category}" if talks == "forecast" else label
    if state not in STATES:
        raise SimError(f"run state '{label}' is not a benchmark state (months beyond the scenario's rounds?)")
    return state


def case_seeds(cases: Sequence[str], seed: int) -> dict[str, int]:
    """One integer seed per case, from the children of ``SeedSequence(seed)`` in benchmark order."""
    children = np.random.SeedSequence(seed).spawn(len(cases))
    return {case: int(child.generate_state(1, dtype=np.uint32)[0]) for case, child in zip(cases, children,
                                                                                         strict=True)}


@dataclass
class BasingForecasts:
    """Forecast tables per setting (``forecast_frame`` layout), the per-replication states, and what was skipped."""

    forecasts: dict[str, pd.DataFrame]
    replications: pd.DataFrame
    skipped: list[tuple[str, str, str]]  # (case, setting, reason)


def run_case(bench: Benchmark, case: str, setting: Setting, replications: int, seed: int,
             workers: int = 1) -> pd.DataFrame:
    """Run one case under one setting; a long table: replication, horizon, raw label, scored state, presence,
    and the run's final label and value (for reading the iterative forecasters' end point)."""
    issue = bench.outcomes.cases[case].issue
    result = sim.run(bench.scenarios[case], n=replications, seed=seed, mechanism=setting.mechanism,
                     mechanism_params=setting.params or None, months=tuple(bench.horizons), trajectories=False,
                     workers=workers)
    reps = result.replications
    parts = []
    for h in bench.horizons:
        labels = reps[f"state.{issue}.m{h}"].astype(str)
        parts.append(pd.DataFrame({
            "case": case, "setting": setting.name, "replication": reps["replication"].to_numpy(), "horizon": h,
            "label": labels.to_numpy(), "state": [scored_state(x) for x in labels],
            "presence": reps[f"presence.{issue}.m{h}"].to_numpy(float),
            "final_label": reps[f"state.{issue}"].astype(str).to_numpy(),
            "final_value": reps[f"outcome.{issue}"].to_numpy(float)}))
    return pd.concat(parts, ignore_index=True)


def forecast_benchmark(bench: Benchmark, chosen: Sequence[Setting], *, replications: int = DEFAULT_REPLICATIONS,
                       seed: int = 0, cases: Sequence[str] | None = None, workers: int = 1,
                       progress: Callable[[str, str], None] | None = None,
                       on_skip: Callable[[str, str, str], None] | None = None) -> BasingForecasts:
    """Every chosen setting on every case (``cases``: a subset, benchmark order kept). A setting that cannot run a
    case (a SimError, e.g. an actor-count limit) is skipped for that case and reported through ``on_skip``;
    ``progress(case, setting)`` is called after each pair. ``workers`` (local processes per run) changes the
    speed, never the rows."""
    if replications < 1:
        raise SimError(f"replications must be at least 1, got {replications}")
    order = bench.cases
    if cases:
        unknown = [c for c in cases if c not in order]
        if unknown:
            raise SimError(f"unknown case {unknown[0]!r}; expected one of: {', '.join(order)}")
        order = [c for c in order if c in set(cases)]
    seeds = case_seeds(bench.cases, seed)  # from the full list, so a subset reruns a case identically
    frames, skipped = [], []
    for case in order:
        for setting in chosen:
            try:
                frames.append(run_case(bench, case, setting, replications, seeds[case], workers))
            except SimError as exc:
                skipped.append((case, setting.name, str(exc)))
                if on_skip is not None:
                    on_skip(case, setting.name, str(exc))
            if progress is not None:
                progress(case, setting.name)
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["case", "setting", "replication", "horizon", "label", "state", "presence", "final_label",
                 "final_value"])
    forecasts = forecasts_from_replications(long, [s.name for s in chosen])
    return BasingForecasts(forecasts, long, skipped)


def forecasts_from_replications(long: pd.DataFrame, names: Sequence[str] | None = None,
                                reading: str = "as_run") -> dict[str, pd.DataFrame]:
    """Forecast tables per setting from the per-replication table (``BasingForecasts.replications`` or the
    command's replications.csv). ``reading="as_run"``: the state each run reports at each month (the scored
    reading). ``reading="end_forecast"``: only for settings whose every run ends in ``forecast:<c>``, that end
    forecast (and its value) at every month - the reading docs/mechanisms.md describes for forecast mechanisms;
    the alternative reading the docs report beside the scored one."""
    if reading not in ("as_run", "end_forecast"):
        raise SimError(f"unknown reading '{reading}'; expected as_run or end_forecast")
    names = list(dict.fromkeys(long["setting"])) if names is None else list(names)
    forecasts = {}
    for name in names:
        mine = long[long["setting"] == name]
        if reading == "end_forecast":
            if mine.empty or not mine["final_label"].astype(str).str.startswith("forecast:").all():
                continue
            mine = mine.assign(state=[scored_state(x) for x in mine["final_label"]], presence=mine["final_value"])
        rows = [forecast_row(case, int(h), part["state"], part["presence"])
                for (case, h), part in mine.groupby(["case", "horizon"], sort=False)]
        if rows:
            forecasts[name] = forecast_frame(rows)
    return forecasts
