"""Sweep files: what to vary, how to sample it, how often to replicate, what to measure.

A sweep can live in three places (see docs/sweeps.md):

* its own file naming the scenario: ``scenario: ../baseline.yaml`` plus the keys below;
* a file mapping ``name -> sweep`` (each sweep with its own ``scenario:``);
* a scenario file's ``sweeps:`` section (``name -> sweep``; the scenario is that file).

Keys of one sweep: ``design`` (oat | grid | lhs | sobol | morris), ``samples``, ``replications``, ``seed``,
``parameters`` (scenario path -> ``[lo, hi]`` | ``{range: [lo, hi], baseline: v}`` | ``{levels: [...]}``),
``outputs`` (expressions, see :mod:`.outputs`), ``mechanism`` (override) or ``mechanisms`` (a list: the
mechanism becomes a factor, every design point runs under each one with the same seeds) or ``scenarios`` (a list
of scenario files as the factor, see :mod:`.scenario_arms`), ``options`` (design
options), ``chunk_size``, ``discovery`` and, instead of ``scenario``, ``evaluator`` (e.g. ``ishigami`` for the
test function).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError, ScenarioErrors
from sim.mechanisms.registry import create

from .checks import check_against_evaluator, check_name, check_options, check_size
from .outputs import Output, parse_output
from .scenario_arms import arm_label_ok, scenario_arms
from .yamlpos import Lines, line_of, load_with_lines

DESIGNS = ("oat", "grid", "lhs", "sobol", "morris")
_KEYS = {"scenario", "evaluator", "design", "samples", "replications", "seed", "parameters", "outputs",
         "mechanism", "mechanisms", "scenarios", "options", "chunk_size", "discovery", "description", "name"}


class SweepSpecError(ScenarioError):
    """A sweep declaration is malformed (names file, line and field)."""


@dataclass(frozen=True)
class SweptParameter:
    """One swept parameter, addressed by its scenario path."""

    path: str
    low: float | None = None
    high: float | None = None
    levels: tuple[float, ...] | None = None
    baseline: float | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        if self.levels is not None:
            return (min(self.levels), max(self.levels))
        assert self.low is not None and self.high is not None
        return (self.low, self.high)

    @property
    def centre(self) -> float:
        if self.baseline is not None:
            return self.baseline
        lo, hi = self.bounds
        return (lo + hi) / 2


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep declaration."""

    name: str
    design: str
    samples: int
    replications: int
    seed: int
    parameters: tuple[SweptParameter, ...]
    outputs: tuple[Output, ...]
    evaluator: str = "model"
    evaluator_options: dict[str, Any] = field(default_factory=dict)
    scenario: str | None = None
    mechanism: dict[str, Any] | None = None
    mechanisms: tuple[dict[str, Any], ...] = ()  # arms {label, name, params}: the mechanism as a factor
    scenarios: tuple[dict[str, Any], ...] = ()  # arms {label, scenario, hash}: the scenario file as a factor
    options: dict[str, Any] = field(default_factory=dict)
    chunk_size: int | None = None
    discovery: str | None = None
    source: str = "<memory>"

    @property
    def names(self) -> list[str]:
        return [p.path for p in self.parameters]

    @property
    def arm_list(self) -> tuple[dict[str, Any], ...]:
        """The factor's arms: the ``mechanisms:`` or the ``scenarios:`` list (empty without a factor)."""
        return self.mechanisms or self.scenarios

    @property
    def arm_factor(self) -> str:
        """The column naming each run's arm: ``mechanism`` or ``scenario``."""
        return "scenario" if self.scenarios else "mechanism"

    @property
    def arms(self) -> int:
        """How many arms each design point runs under (1 without ``mechanisms:`` or ``scenarios:``)."""
        return max(1, len(self.arm_list))

    @property
    def arm_labels(self) -> list[str]:
        return [m["label"] for m in self.arm_list]

    def problem(self) -> dict[str, Any]:
        """The SALib problem dictionary."""
        return {"num_vars": len(self.parameters), "names": self.names,
                "bounds": [list(p.bounds) for p in self.parameters]}

    def identity(self) -> dict[str, Any]:
        """Everything that decides which runs exist and what each run computes (not outputs or chunking)."""
        ident = {"design": self.design, "samples": self.samples, "replications": self.replications,
                 "seed": self.seed, "parameters": [asdict(p) for p in self.parameters],
                 "evaluator": self.evaluator, "evaluator_options": self.evaluator_options,
                 "mechanism": self.mechanism, "options": self.options}
        if self.mechanisms:  # only when used, so the hashes of single-mechanism sweeps stay as they were
            ident["mechanisms"] = [dict(m) for m in self.mechanisms]
        if self.scenarios:
            ident["scenarios"] = [dict(a) for a in self.scenarios]
        return ident

    @property
    def hash(self) -> str:
        blob = json.dumps(self.identity(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


class _Collector:
    def __init__(self, file: str, lines: Lines, prefix: tuple[str | int, ...]) -> None:
        self.file, self.lines, self.prefix, self.errors = file, lines, prefix, []

    def add(self, where: tuple[str | int, ...], message: str) -> None:
        full = self.prefix + where
        fld = ".".join(str(w) for w in where) or "<sweep>"
        self.errors.append(SweepSpecError(message, file=self.file, line=line_of(self.lines, full), field=fld))


def _num(c: _Collector, where: tuple[str | int, ...], v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        c.add(where, f"expected a finite number, got {v!r}")
        return None
    return float(v)


def _parameter(c: _Collector, path: str, raw: Any) -> SweptParameter | None:
    where: tuple[str | int, ...] = ("parameters", path)
    if isinstance(raw, list):
        raw = {"range": raw}
    if not isinstance(raw, dict):
        c.add(where, "expected [low, high], {range: [low, high], baseline: v} or {levels: [...]}")
        return None
    unknown = set(raw) - {"range", "levels", "baseline"}
    if unknown:
        c.add(where, f"unknown key(s) {sorted(unknown)}; expected range, levels, baseline")
    baseline = _num(c, where + ("baseline",), raw["baseline"]) if "baseline" in raw else None
    if "levels" in raw:
        lv = raw["levels"]
        if not isinstance(lv, list) or len(lv) < 2:
            c.add(where + ("levels",), "expected a list of at least two numbers")
            return None
        vals = [_num(c, where + ("levels", i), v) for i, v in enumerate(lv)]
        if any(v is None for v in vals):
            return None
        return SweptParameter(path, levels=tuple(v for v in vals if v is not None), baseline=baseline)
    rng = raw.get("range")
    if not isinstance(rng, list) or len(rng) != 2:
        c.add(where + ("range",), "expected [low, high]")
        return None
    lo, hi = _num(c, where + ("range", 0), rng[0]), _num(c, where + ("range", 1), rng[1])
    if lo is None or hi is None:
        return None
    if not lo < hi:
        c.add(where + ("range",), f"low must be below high, got [{lo}, {hi}]")
        return None
    if baseline is not None and not lo <= baseline <= hi:
        c.add(where + ("baseline",), f"baseline {baseline} lies outside [{lo}, {hi}]")
    return SweptParameter(path, low=lo, high=hi, baseline=baseline)


def _int(c: _Collector, raw: dict, key: str, default: int | None, minimum: int) -> int | None:
    v = raw.get(key, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
        c.add((key,), f"expected an integer >= {minimum}, got {v!r}")
        return None
    return v


def parse_sweep(raw: Any, *, name: str = "sweep", file: str = "<memory>", lines: Lines | None = None,
                prefix: tuple[str | int, ...] = (), base_dir: Path | None = None,
                default_scenario: str | None = None) -> SweepSpec:
    """Validate one sweep mapping; raise :class:`SweepSpecError` (or several) naming file/line/field."""
    c = _Collector(file, lines or {}, prefix)
    if not isinstance(raw, dict):
        c.add((), "a sweep must be a mapping with design, parameters, outputs, ...")
        raise c.errors[0]
    for k in sorted(set(raw) - _KEYS):
        c.add((k,), f"unknown key; expected one of {sorted(_KEYS)}")
    check_name(c, raw)
    design = raw.get("design", "sobol")
    if design not in DESIGNS:
        c.add(("design",), f"unknown design {design!r}; expected one of {', '.join(DESIGNS)}")
    samples = _int(c, raw, "samples", {"oat": 2, "grid": 5}.get(str(design), 64), 1)
    if design == "sobol" and samples and samples & (samples - 1):
        lo = 1 << (samples.bit_length() - 1)
        c.add(("samples",), f"Sobol sampling needs a power of 2, got {samples} (try {lo} or {lo * 2})")
    if design in ("morris", "lhs", "oat", "grid") and samples is not None and samples < 2:
        c.add(("samples",), f"design {design} needs samples >= 2")
    reps = _int(c, raw, "replications", 1, 1)
    seed = _int(c, raw, "seed", 0, 0)
    chunk = _int(c, raw, "chunk_size", None, 1)

    params: list[SweptParameter] = []
    praw = raw.get("parameters")
    if not isinstance(praw, dict) or not praw:
        c.add(("parameters",), "expected a mapping 'scenario.path: [low, high]' with at least one parameter")
    else:
        for path, v in praw.items():
            p = _parameter(c, str(path), v)
            if p is not None:
                params.append(p)
                if p.levels is not None and design in ("sobol", "lhs", "morris"):
                    c.add(("parameters", str(path)), f"design {design} needs a range [low, high], not levels")

    outputs: list[Output] = []
    oraw = raw.get("outputs")
    if not isinstance(oraw, list) or not oraw:
        c.add(("outputs",), "expected a list of output expressions, e.g. ['P(agreed)', 'mean(outcome.tartus)']")
    else:
        for i, text in enumerate(oraw):
            try:
                outputs.append(parse_output(text))
            except ValueError as exc:
                c.add(("outputs", i), str(exc))

    evaluator, ev_opts, scenario = "model", {}, None
    scen_arms = scenario_arms(c, raw.get("scenarios"), "model" if raw.get("evaluator") is None else "other",
                              base_dir) if "scenarios" in raw else ()
    if scen_arms and default_scenario is None:
        default_scenario = scen_arms[0]["scenario"]
    ev = raw.get("evaluator")
    if ev is not None:
        if isinstance(ev, str):
            evaluator = ev
        elif isinstance(ev, dict) and len(ev) == 1:
            evaluator, ev_opts = next(iter(ev.items()))
            ev_opts = dict(ev_opts or {})
        else:
            c.add(("evaluator",), "expected a name (e.g. ishigami) or {name: {options}}")
    if evaluator == "model":
        scen = raw.get("scenario", default_scenario)
        if not isinstance(scen, str):
            c.add(("scenario",), "expected the path of the scenario file this sweep varies")
        else:
            scenario = str((base_dir / scen).resolve()) if base_dir and not Path(scen).is_absolute() else scen
            if not Path(scenario).exists():
                c.add(("scenario",), f"scenario file not found: {scenario}")
    mech = _mechanism(c, ("mechanism",), raw["mechanism"]) if raw.get("mechanism") is not None else None
    arms = _arms(c, raw.get("mechanisms"), evaluator) if "mechanisms" in raw else ()
    if mech is not None and arms:
        c.add(("mechanisms",), "give either mechanism (one override) or mechanisms (a list to compare), not both")
    if arms and scen_arms:
        c.add(("scenarios",), "compare either mechanisms or scenarios in one sweep, not both")
    options = raw.get("options") or {}
    if not isinstance(options, dict):
        c.add(("options",), "expected a mapping of design options")
        options = {}
    elif design in DESIGNS:
        check_options(c, design, options)
    if design in DESIGNS and samples is not None and reps is not None and params:
        check_size(c, design, samples, reps, params, options, len(arms), evaluator)
    if c.errors:
        raise c.errors[0] if len(c.errors) == 1 else ScenarioErrors(c.errors)
    assert samples is not None and reps is not None and seed is not None
    spec = SweepSpec(name=str(raw.get("name", name)), design=design, samples=samples, replications=reps,
                     seed=seed, parameters=tuple(params), outputs=tuple(outputs), evaluator=evaluator,
                     evaluator_options=ev_opts, scenario=scenario, mechanism=mech, mechanisms=arms, scenarios=scen_arms,
                     options=options,
                     chunk_size=chunk, discovery=raw.get("discovery"), source=file)
    check_against_evaluator(spec, c, c.errors)
    return spec


def _mechanism(c: _Collector, where: tuple[str | int, ...], raw: Any,
               labelled: bool = False) -> dict[str, Any] | None:
    """``name`` or ``{name, params}`` (plus ``label`` when ``labelled``), checked by the registry."""
    if isinstance(raw, str):
        raw = {"name": raw}
    if not (isinstance(raw, dict) and isinstance(raw.get("name"), str)):
        c.add(where, "expected a mechanism name or {name: ..., params: {...}}")
        return None
    allowed = {"name", "params", "label"} if labelled else {"name", "params"}
    if set(raw) - allowed:
        c.add(where, f"unknown key(s) {sorted(set(raw) - allowed)}; expected {', '.join(sorted(allowed))}")
    mech = {"name": raw["name"], "params": dict(raw.get("params") or {})}
    try:
        create(mech["name"], mech["params"])
    except Exception as exc:  # MechanismError or pydantic's ValidationError
        c.add(where, str(exc).splitlines()[0])
    return mech


def _arms(c: _Collector, raw: Any, evaluator: str) -> tuple[dict[str, Any], ...]:
    """The ``mechanisms:`` list: at least two arms with distinct labels (default label: the name)."""
    if evaluator != "model":
        c.add(("mechanisms",), "mechanisms can only be compared with the model evaluator (a scenario)")
        return ()
    if not isinstance(raw, list) or len(raw) < 2:
        c.add(("mechanisms",), "expected a list of at least two mechanisms, e.g. [bargaining, bdm, ktab]")
        return ()
    arms = []
    for i, item in enumerate(raw):
        mech = _mechanism(c, ("mechanisms", i), item, labelled=True)
        if mech is None:
            continue
        label = item.get("label", mech["name"]) if isinstance(item, dict) else mech["name"]
        if not arm_label_ok(c, ("mechanisms", i), label, arms, "give the variants distinct labels ({name: ..., "
                                                                "params: {...}, label: ...})"):
            continue
        arms.append({"label": label, **mech})
    return tuple(arms)


def load_sweep(path: str | Path, name: str | None = None) -> SweepSpec:
    """Read a sweep from its own file, a ``name -> sweep`` file, or a scenario's ``sweeps:`` section."""
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise SweepSpecError("file not found", file=file)
    try:
        data, lines = load_with_lines(path)
    except ScenarioError as exc:
        raise SweepSpecError(exc.detail, file=file, line=exc.line, field=exc.field) from None
    if not isinstance(data, dict):
        raise SweepSpecError("expected a mapping at the top level", file=file, line=1)
    base = path.parent
    if "parameters" in data:  # a single sweep in its own file
        return parse_sweep(data, name=name or path.stem, file=file, lines=lines, base_dir=base)
    if "sweeps" in data or "actors" in data:  # a scenario with a sweeps: section
        table, prefix, default_scen = data.get("sweeps") or {}, ("sweeps",), str(path.resolve())
    else:
        table, prefix, default_scen = data, (), None
    if not isinstance(table, dict) or not table:
        raise SweepSpecError("no sweeps declared", file=file, line=line_of(lines, prefix), field="sweeps")
    if name is None:
        if len(table) > 1:
            raise SweepSpecError(f"several sweeps declared ({', '.join(table)}); choose one by name",
                                 file=file, line=line_of(lines, prefix), field="sweeps")
        name = next(iter(table))
    if name not in table:
        raise SweepSpecError(f"no sweep named {name!r}; declared: {', '.join(map(str, table))}",
                             file=file, line=line_of(lines, prefix), field="sweeps")
    return parse_sweep(table[name], name=name, file=file, lines=lines, prefix=prefix + (name,),
                       base_dir=base, default_scenario=default_scen)


def spec_from_manifest(manifest: dict[str, Any]) -> SweepSpec:
    """Rebuild the (analysis-relevant part of the) spec stored in a sweep directory's manifest."""
    ident = manifest["sweep"]
    return SweepSpec(name=manifest.get("name", "sweep"), design=ident["design"], samples=ident["samples"],
                     replications=ident["replications"], seed=ident["seed"],
                     parameters=tuple(SweptParameter(**{**p, "levels": tuple(p["levels"]) if p.get("levels")
                                                        else None}) for p in ident["parameters"]),
                     outputs=tuple(parse_output(t) for t in manifest.get("outputs", [])),
                     evaluator=ident["evaluator"], evaluator_options=ident.get("evaluator_options", {}),
                     scenario=manifest.get("scenario"), mechanism=ident.get("mechanism"),
                     mechanisms=tuple(ident.get("mechanisms") or ()),
                     scenarios=tuple(ident.get("scenarios") or ()),
                     options=ident.get("options", {}), discovery=manifest.get("discovery"),
                     source=manifest.get("source", "<manifest>"))
