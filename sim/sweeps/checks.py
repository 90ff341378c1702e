"""Checks a sweep must pass before its first run: everything the old code found only after the whole sweep ran.

* ``name`` is one safe folder name (it becomes ``runs/sweeps/<name>``).
* ``options`` are known to the design and well typed.
* The design is not too large: its runs, points, disk size and time are estimated from the keys alone, before
  anything is sampled, and refused above :data:`MAX_RUNS` runs or :data:`MAX_POINTS` points.
* Every parameter range lies inside the legal bounds of its kind (the model would otherwise clip the values
  silently, so the stored design and the report would describe values that never ran).
* Every output and the ``discovery`` target name a column that a run of this sweep really produces, with a
  fitting type: one trial run at the centre of the design supplies the columns.
"""

from __future__ import annotations

import difflib
import math
from typing import TYPE_CHECKING, Any, Protocol

from sim.errors import ScenarioError, ScenarioErrors
from sim.names import RULE, is_safe_name

from .evaluators import ARM_COLUMN, EvaluatorRef, IshigamiEvaluator, ModelEvaluator, _make
from .outputs import Output, parse_output

if TYPE_CHECKING:
    from .spec import SweepSpec, SweptParameter

MAX_RUNS = 20_000_000
MAX_POINTS = 2_000_000
SECONDS_PER_RUN = {"model": 0.004, "ishigami": 0.00002}  # one core, batch path (measured, rounded up)
BYTES_PER_RUN = 120  # zstd Parquet, ~20 output columns

# option -> (type, check, what is expected)
OPTIONS: dict[str, dict[str, tuple[type, Any, str]]] = {
    "sobol": {"second_order": (bool, lambda v: True, "true or false"),
              "num_resamples": (int, lambda v: 1 <= v <= 100_000, "an integer in [1, 100000]"),
              "conf_level": (float, lambda v: 0 < v < 1, "a number in (0, 1)")},
    "morris": {"levels": (int, lambda v: 2 <= v <= 100 and v % 2 == 0, "an even integer in [2, 100]"),
               "num_resamples": (int, lambda v: 1 <= v <= 100_000, "an integer in [1, 100000]"),
               "conf_level": (float, lambda v: 0 < v < 1, "a number in (0, 1)")},
    "lhs": {"num_resamples": (int, lambda v: 1 <= v <= 100_000, "an integer in [1, 100000]"),
            "conf_level": (float, lambda v: 0 < v < 1, "a number in (0, 1)")},
    "oat": {},
    "grid": {},
}


class Collector(Protocol):
    def add(self, where: tuple[str | int, ...], message: str) -> None: ...


def check_name(c: Collector, raw: dict[str, Any]) -> None:
    if "name" in raw and not (isinstance(raw["name"], str) and is_safe_name(raw["name"])):
        c.add(("name",), f"{raw['name']!r} cannot be a folder name (runs/sweeps/<name>): {RULE}")


def check_options(c: Collector, design: str, options: dict[str, Any]) -> None:
    known = OPTIONS.get(design, {})
    for key, value in options.items():
        if key not in known:
            hint = f"; design {design} takes {', '.join(sorted(known))}" if known else f"; design {design} has none"
            c.add(("options", key), f"unknown option {key!r}{hint}")
            continue
        kind, ok, expected = known[key]
        good_type = isinstance(value, bool) if kind is bool else (
            isinstance(value, int | float) and not isinstance(value, bool) and (kind is float or value == int(value)))
        if not good_type or (kind is float and not math.isfinite(value)) or not ok(value):
            c.add(("options", key), f"expected {expected}, got {value!r}")


def n_points(design: str, samples: int, params: list[SweptParameter], options: dict[str, Any], arms: int) -> int:
    """How many design points the keys ask for (before sampling anything)."""
    d = len(params)
    sizes = [len(p.levels) if p.levels is not None else samples for p in params]
    if design == "sobol":
        points = samples * (2 * d + 2 if options.get("second_order") else d + 2)
    elif design == "morris":
        points = samples * (d + 1)
    elif design == "grid":
        points = math.prod(sizes)
    elif design == "oat":
        points = 1 + sum(sizes)
    else:
        points = samples
    return points * max(1, arms)


def check_size(c: Collector, design: str, samples: int, reps: int, params: list[SweptParameter],
               options: dict[str, Any], arms: int, evaluator: str) -> None:
    points = n_points(design, samples, params, options, arms)
    runs = points * reps
    if points <= MAX_POINTS and runs <= MAX_RUNS:
        return
    seconds = runs * SECONDS_PER_RUN.get(evaluator, SECONDS_PER_RUN["model"])
    where = ("samples",) if points > MAX_POINTS else ("replications",)
    c.add(where, f"too large to run: {points:,} points x {reps:,} replications = {runs:,} runs, about "
                 f"{runs * BYTES_PER_RUN / 2**30:,.1f} GiB on disk and {_duration(seconds)} on one core; the limit "
                 f"is {MAX_RUNS:,} runs and {MAX_POINTS:,} points (use fewer samples or replications)")


def _duration(seconds: float) -> str:
    for unit, size in (("years", 365 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.0f} {unit}"
    return f"{seconds:.0f} seconds"


def check_against_evaluator(spec: SweepSpec, c: Collector, errors: list[ScenarioError]) -> None:
    """Paths, bounds, output columns and the discovery target, checked on the evaluator itself."""
    try:
        ev = _make(EvaluatorRef.from_spec(spec))  # fresh: the scenario file may have changed since last time
        known = _known(ev)
    except ScenarioError:
        raise
    except Exception as exc:  # evaluator unknown or scenario unreadable
        c.add(("evaluator" if spec.evaluator != "model" else "scenario",), str(exc))
        raise errors[0] from exc
    if known is not None:
        for p in spec.parameters:
            if p.path not in known:
                close = difflib.get_close_matches(p.path, sorted(known), n=3, cutoff=0.6)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                c.add(("parameters", p.path), f"not a sweepable numeric path of this scenario{hint}")
    if isinstance(ev, ModelEvaluator) and not errors:
        _check_bounds(spec, ev, c)
    if errors:
        _raise(errors)
    row = _trial(spec, ev, c)
    if row is not None:
        for i, out in enumerate(spec.outputs):
            problem = _output_problem(out, row)
            if problem:
                c.add(("outputs", i), problem)
        _check_discovery(spec, row, c)
    if errors:
        _raise(errors)


def _raise(errors: list[ScenarioError]) -> None:
    raise errors[0] if len(errors) == 1 else ScenarioErrors(list(errors))


def _known(ev: Any) -> set[str] | None:
    if isinstance(ev, IshigamiEvaluator):
        return set(ev.names)
    if isinstance(ev, ModelEvaluator):
        return set(ev.compiled.parameter_paths())
    return None


def _check_bounds(spec: SweepSpec, ev: ModelEvaluator, c: Collector) -> None:
    from sim.scenario.schema import BOUNDS

    kinds = ev.compiled.kinds
    for p in spec.parameters:
        kind = kinds.get(p.path)
        if kind is None:
            continue
        lo, hi = BOUNDS[kind]
        low, high = p.bounds
        if low < lo or high > hi:
            c.add(("parameters", p.path), f"range [{low:g}, {high:g}] reaches outside [{lo:g}, {hi:g}], the legal "
                                          f"bounds of a {kind} parameter (the model would clip it, so the design "
                                          "would record values that never ran)")
        elif p.baseline is not None and not lo <= p.baseline <= hi:
            c.add(("parameters", p.path, "baseline"), f"baseline {p.baseline:g} lies outside [{lo:g}, {hi:g}]")


def _trial(spec: SweepSpec, ev: Any, c: Collector) -> dict[str, Any] | None:
    """One run at the centre of the design, for its columns (None when the evaluator has no fixed columns)."""
    params = {p.path: p.centre for p in spec.parameters}
    if spec.arm_list:  # mechanism or scenario arms: the trial runs the first
        params[ARM_COLUMN] = 0.0
    try:  # by the batch path where the evaluator has one (the same row; a Mesa model would load Mesa, 1-2 s)
        return dict(ev.batch([params], [0])[0] if hasattr(ev, "batch") else ev(params, 0))
    except Exception as exc:  # the model refusing a value is the user's input, not our bug
        c.add(("parameters",), f"a trial run at the centre of the design failed: {str(exc).splitlines()[0]}")
        return None


def _output_problem(out: Output, row: dict[str, Any]) -> str | None:
    if out.column not in row:
        close = difflib.get_close_matches(out.column, sorted(row), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else f"columns: {', '.join(sorted(row))}"
        return f"'{out.text}': a run has no column '{out.column}'; {hint}"
    value = row[out.column]
    text = isinstance(value, str)
    if out.fn == "mean" and text:
        return f"'{out.text}': '{out.column}' holds categories, not numbers; use P({out.column} >= CATEGORY)"
    if out.op is None and out.fn == "P" and text:
        return f"'{out.text}': '{out.column}' holds categories; compare it, e.g. P({out.column} >= CATEGORY)"
    if out.op is not None and isinstance(out.value, str) and not text:
        return f"'{out.text}': '{out.column}' holds numbers; compare it with a number"
    if out.op is not None and not isinstance(out.value, str) and text:
        return f"'{out.text}': '{out.column}' holds categories; compare it with a category name"
    return None


def _check_discovery(spec: SweepSpec, row: dict[str, Any], c: Collector) -> None:
    if spec.discovery is None:
        return
    if not isinstance(spec.discovery, str):
        c.add(("discovery",), f"expected a condition such as 'category.tartus <= access_only', got "
                              f"{spec.discovery!r}")
        return
    try:
        out = parse_output(f"P({spec.discovery})")
    except ValueError:
        c.add(("discovery",), f"cannot read the condition {spec.discovery!r}; expected COLUMN, or COLUMN OP VALUE "
                              "such as 'category.tartus <= access_only'")
        return
    problem = _output_problem(out, row)
    if problem:
        c.add(("discovery",), problem.replace(f"'{out.text}'", f"'{spec.discovery}'"))
