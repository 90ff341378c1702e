"""Thin ``mesa.Model`` wrappers so Mesa's own ``batch_run`` can run the same work as a sweep (issue 15).

``mesa.batch_run`` addresses a run by keyword arguments and, after the model stops, reads the data collector's row
at index ``model.steps - 1``. So the wrappers collect once per step and never at construction (collecting in
``__init__`` shifts every row one step early: the row read is the one before the run finished, all ``None``),
and their final row is the sweep evaluator's row for the same design point and seed
(``tests/test_bench_mesa_wrapper.py`` checks this against ``run_sweep``).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from sim.core.seeds import sweep_run_seed
from sim.experiments.replication import summarize
from sim.model.mesa_compat import release_mesa_models
from sim.model.model import NegotiationModel
from sim.sweeps import load_sweep, sample_design
from sim.sweeps.evaluators import EvaluatorRef

_CACHE: dict[str, Any] = {}  # per worker process: sweep file -> (design, names, seed, scenario or evaluator)


def sweep_setup(sweep: str) -> tuple[np.ndarray, list[str], int, Any]:
    """The sweep's design points, parameter names, seed and its compiled scenario (the test function's evaluator
    for an ``evaluator: ishigami`` sweep), built once per process."""
    if sweep not in _CACHE:
        spec = load_sweep(sweep)
        if spec.scenario:
            from sim.scenario import compile_scenario, load_scenario

            release_mesa_models()  # the engine's evaluator does the same, so only the runners differ
            model: Any = compile_scenario(load_scenario(spec.scenario))
        else:
            model = EvaluatorRef.from_spec(spec).build()
        _CACHE[sweep] = (sample_design(spec), spec.names, spec.seed, model)
    return _CACHE[sweep]


class SweepModel(NegotiationModel):
    """Run ``(point, rep)`` of the sweep in file ``sweep``: the design point's values, the engine's seed."""

    def __init__(self, sweep: str = "", point: int = 0, rep: int = 0) -> None:
        design, names, seed, compiled = sweep_setup(sweep)
        overrides = dict(zip(names, map(float, design[point]), strict=True))
        super().__init__(compiled, sweep_run_seed(seed, point, rep), overrides=overrides)
        self.row: dict[str, Any] | None = None
        self.datacollector = mesa.DataCollector(model_reporters={"row": lambda m: m.row})

    def step(self) -> None:
        super().step()
        if self.finished:
            self.running = False
            events = sum(len(r.events) for r in self.history)
            self.row = summarize(self.outcome(), self.compiled.actor_ids, self.compiled.issue_ids, events)
        self.datacollector.collect(self)


class IshigamiSweepModel(mesa.Model):
    """The Ishigami test function as a one-step Mesa model (per-run cost ~0: the runner's overhead only)."""

    def __init__(self, sweep: str = "", point: int = 0, rep: int = 0) -> None:
        design, names, seed, self.evaluate = sweep_setup(sweep)
        self.seed_ = sweep_run_seed(seed, point, rep)
        super().__init__(rng=self.seed_)
        self.params = dict(zip(names, map(float, design[point]), strict=True))
        self.row: dict[str, Any] | None = None
        self.datacollector = mesa.DataCollector(model_reporters={"row": lambda m: m.row})

    def step(self) -> None:
        self.row = self.evaluate(self.params, self.seed_)
        self.running = False
        self.datacollector.collect(self)


def batch_run_rows(sweep: str, workers: int = 1, points: int | None = None) -> list[dict[str, Any]]:
    """The runs of ``sweep`` (of its first ``points`` design points) through ``mesa.batch_run``: one dict per run
    with ``point``, ``rep`` and the row."""
    spec = load_sweep(sweep)
    cls = SweepModel if spec.scenario else IshigamiSweepModel
    n_points = min(len(sample_design(spec)), points or len(sample_design(spec)))
    rows = mesa.batch_run(cls, {"sweep": str(sweep), "point": range(n_points), "rep": range(spec.replications)},
                          number_processes=workers, iterations=1, max_steps=10_000, display_progress=False)
    return [{"point": r["point"], "rep": r["rep"], **(r["row"] or {})} for r in rows]
