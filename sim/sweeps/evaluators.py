"""Evaluators: what one run of a sweep computes, given parameter values and a seed.

The sweep engine is generic over the evaluator, so the negotiation model and the Ishigami test function go
through exactly the same sampling, chunking, executors, store and analysis. An evaluator is a callable
``(params: dict[path, float], seed: int) -> dict[str, scalar]`` built once per worker process from a small,
picklable :class:`EvaluatorRef` (so Dask and process pools ship a few bytes, not a compiled scenario).
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.core.seeds import replication_generator

if TYPE_CHECKING:
    from .spec import SweepSpec

ARM_COLUMN = "arm"  # design column of a mechanism comparison: index into ``SweepSpec.mechanisms``

Scalar = float | int | bool | str | None
Evaluator = Callable[[Mapping[str, float], int], dict[str, Scalar]]

ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, dict[str, float]]:
    """Analytic first- and total-order Sobol indices of the Ishigami function (Ishigami & Homma 1990)."""
    v1 = 0.5 * (1 + b * math.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": {"x1": v1 / v, "x2": v2 / v, "x3": 0.0},
            "ST": {"x1": (v1 + v13) / v, "x2": v2 / v, "x3": v13 / v}}


@dataclass
class IshigamiEvaluator:
    """``y = sin x1 + a sin^2 x2 + b x3^4 sin x1`` (+ optional Gaussian noise of sd ``noise``).

    ``delay`` simulates a costlier model (seconds per run); ``die_once_marker`` kills the worker process the
    first time a run in a *child* process sees that the marker file is absent (fault injection for executor
    tests; the driver process is never killed).
    """

    a: float = ISHIGAMI_A
    b: float = ISHIGAMI_B
    noise: float = 0.0
    delay: float = 0.0
    die_once_marker: str | None = None

    names = ("x1", "x2", "x3")

    def __call__(self, params: Mapping[str, float], seed: int) -> dict[str, Scalar]:
        if (self.die_once_marker and mp.parent_process() is not None
                and not Path(self.die_once_marker).exists()):
            Path(self.die_once_marker).write_text(str(os.getpid()))
            os._exit(17)  # simulate a worker crash (OOM kill, node loss)
        if self.delay:
            time.sleep(self.delay)
        x1, x2, x3 = (float(params.get(n, 0.0)) for n in self.names)
        y = math.sin(x1) + self.a * math.sin(x2) ** 2 + self.b * x3**4 * math.sin(x1)
        eps = float(replication_generator(seed).normal(0.0, self.noise)) if self.noise else 0.0
        return {"y": y + eps, "y_exact": y, "positive": (y + eps) > 0}


@dataclass
class ModelEvaluator:
    """One replication of the negotiation model via ``sim.experiments.replication.run_replication``.

    With ``arms`` (a mechanism or scenario comparison) each run's parameters carry an ``arm`` index that picks
    its mechanism (arms with ``name``) or its scenario file (arms with ``scenario``), and its row gets a
    ``mechanism`` or ``scenario`` column with the arm's label.
    """

    scenario: str
    mechanism: dict[str, Any] | None = None
    arms: tuple[dict[str, Any], ...] = ()
    _compiled: Any = field(default=None, repr=False)
    _arm_compiled: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def compiled(self) -> Any:
        if self._compiled is None:
            from sim.scenario import compile_scenario, load_scenario

            self._compiled = compile_scenario(load_scenario(self.scenario))
        return self._compiled

    def _scenario_of(self, arm: dict[str, Any] | None) -> Any:
        """The compiled scenario a run uses: the arm's file in a scenario comparison, else the sweep's."""
        if arm is None or "scenario" not in arm:
            return self.compiled
        if arm["scenario"] not in self._arm_compiled:
            from sim.scenario import compile_scenario, load_scenario

            self._arm_compiled[arm["scenario"]] = compile_scenario(load_scenario(arm["scenario"]))
        return self._arm_compiled[arm["scenario"]]

    def _split(self, params: Mapping[str, float]) -> tuple[dict[str, float], dict[str, Any], str | None]:
        """A run's scenario overrides, its mechanism and (in a comparison) the arm's label."""
        values = dict(params)
        if not self.arms:
            return values, self.mechanism or {}, None
        arm = self.arms[int(values.pop(ARM_COLUMN))]
        return values, ({**arm, **(self.mechanism or {})} if "scenario" in arm else arm), arm["label"]

    @property
    def _factor(self) -> str:
        return "scenario" if self.arms and "scenario" in self.arms[0] else "mechanism"

    def __call__(self, params: Mapping[str, float], seed: int) -> dict[str, Scalar]:
        from sim.experiments.replication import run_replication

        values, mech, label = self._split(params)
        result = run_replication(self._scenario_of(mech), seed, overrides=values, mechanism=mech.get("name"),
                                 mechanism_params=mech.get("params") or None)
        return _labelled(dict(result.summary()), label, self._factor)

    def batch(self, params: list[Mapping[str, float]], seeds: list[int]) -> list[dict[str, Scalar]]:
        """The same rows as calling this evaluator once per run, computed together (``sim.experiments.batch``),
        one batch per mechanism arm."""
        from sim.experiments.batch import run_batch

        runs = [self._split(p) for p in params]
        rows: list[dict[str, Scalar]] = [{} for _ in runs]
        for label in dict.fromkeys(label for _, _, label in runs):
            idx = [i for i, run in enumerate(runs) if run[2] == label]
            mech = runs[idx[0]][1]
            out = run_batch(self._scenario_of(mech), [seeds[i] for i in idx], [runs[i][0] for i in idx],
                            mechanism=mech.get("name"), mechanism_params=mech.get("params") or None)
            for i, row in zip(idx, out, strict=True):
                rows[i] = _labelled(row, label, self._factor)
        return rows


def _labelled(row: dict[str, Scalar], label: str | None, factor: str = "mechanism") -> dict[str, Scalar]:
    if label is not None:
        row[factor] = label
    return row


@dataclass(frozen=True)
class EvaluatorRef:
    """A picklable recipe for an evaluator; ``build()`` caches one instance per process."""

    name: str
    options: tuple[tuple[str, Any], ...] = ()
    scenario: str | None = None
    mechanism_json: str | None = None
    expect_hash: str | None = None  # set by the driver: workers refuse a scenario file that differs
    arms_json: str | None = None

    @classmethod
    def from_spec(cls, spec: SweepSpec) -> EvaluatorRef:
        mech = json.dumps(spec.mechanism, sort_keys=True) if spec.mechanism else None
        arms = json.dumps(list(spec.arm_list), sort_keys=True) if spec.arm_list else None
        return cls(spec.evaluator, tuple(sorted(spec.evaluator_options.items())), spec.scenario, mech,
                   arms_json=arms)

    @property
    def key(self) -> str:
        return json.dumps([self.name, self.options, self.scenario, self.mechanism_json, self.expect_hash,
                           self.arms_json], default=str)

    def build(self) -> Evaluator:
        ev = _CACHE.get(self.key)
        if ev is None:
            ev = _make(self)
            if self.expect_hash and isinstance(ev, ModelEvaluator) and ev.compiled.hash != self.expect_hash:
                raise ValueError(f"scenario {self.scenario} on this worker differs from the driver's "
                                 f"(hash {ev.compiled.hash}, expected {self.expect_hash})")
            _CACHE[self.key] = ev
        return ev

    def pinned(self) -> EvaluatorRef:
        """This recipe with the scenario's current hash (read fresh from disk, never from a cache)."""
        return EvaluatorRef(self.name, self.options, self.scenario, self.mechanism_json,
                            self.scenario_hash(), self.arms_json)

    def scenario_hash(self) -> str:
        """The scenario's own hash for the model; a hash of the test function's options otherwise."""
        if self.name == "model":
            return str(_make(self).compiled.hash)  # type: ignore[attr-defined]
        return hashlib.sha256(self.key.encode()).hexdigest()[:16]


_CACHE: dict[str, Evaluator] = {}


def _make(ref: EvaluatorRef) -> Evaluator:
    opts = dict(ref.options)
    if ref.name == "ishigami":
        unknown = set(opts) - {"a", "b", "noise", "delay", "die_once_marker"}
        if unknown:
            raise ValueError(f"unknown ishigami option(s) {sorted(unknown)}")
        return IshigamiEvaluator(**opts)
    if ref.name == "model":
        if ref.scenario is None:
            raise ValueError("the model evaluator needs a scenario")
        mech = json.loads(ref.mechanism_json) if ref.mechanism_json else None
        arms = tuple(json.loads(ref.arms_json)) if ref.arms_json else ()
        return ModelEvaluator(ref.scenario, mech, arms)
    raise ValueError(f"unknown evaluator {ref.name!r}; expected model (with scenario:) or ishigami")
