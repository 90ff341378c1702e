"""Chunks of runs: the unit of work shipped to an executor, and the function that runs one on a worker.

Seeds never depend on scheduling: run ``(point, rep)`` gets :func:`sim.core.seeds.sweep_run_seed`, i.e.
``SeedSequence(sweep_seed, spawn_key=(base, rep)).generate_state(1, uint64)[0] >> 1`` (a non-negative
63-bit int, stored in the ``seed`` column so any single row can be re-run on its own), where ``base`` is the
design point, i.e. ``point`` itself unless the sweep compares mechanisms: then point ``arm * P + base`` runs
design point ``base`` under mechanism ``arm`` with the same seeds as every other arm (common random numbers,
so differences between mechanisms are not seed noise).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from sim.core.seeds import sweep_run_seed

from .evaluators import EvaluatorRef

ID_COLUMNS = ("run_id", "point", "rep", "seed", "generation")


@dataclass(frozen=True)
class ChunkTask:
    """Runs ``run_ids`` (``run_id = point * replications + rep``) with their parameter rows."""

    generation: int
    replications: int
    sweep_seed: int
    names: tuple[str, ...]
    run_ids: np.ndarray
    X: np.ndarray  # (len(run_ids), D) parameter values of each run's point
    points_per_arm: int | None = None  # design points per mechanism arm (None: no arms)

    @classmethod
    def build(cls, run_ids: np.ndarray, design: np.ndarray, names: tuple[str, ...], replications: int,
              sweep_seed: int, generation: int, points_per_arm: int | None = None) -> ChunkTask:
        run_ids = np.asarray(run_ids, dtype=np.int64)
        return cls(generation, replications, sweep_seed, names, run_ids, design[run_ids // replications],
                   points_per_arm)

    @property
    def first(self) -> int:
        return int(self.run_ids[0])

    def __len__(self) -> int:
        return len(self.run_ids)


def _column(values: list) -> pa.Array:
    kinds = {type(v) for v in values if v is not None}
    if kinds and kinds <= {bool, np.bool_}:
        return pa.array([None if v is None else bool(v) for v in values], pa.bool_())
    if kinds and all(issubclass(k, int | float | np.integer | np.floating) for k in kinds):
        return pa.array([np.nan if v is None else float(v) for v in values], pa.float64())
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def run_chunk(ref: EvaluatorRef, task: ChunkTask) -> pa.Table:
    """Evaluate every run of ``task``; return one Arrow table (id columns + the evaluator's outputs)."""
    evaluate = ref.build()
    points = task.run_ids // task.replications
    reps = task.run_ids % task.replications
    base = points % task.points_per_arm if task.points_per_arm else points
    seeds = [sweep_run_seed(task.sweep_seed, p, r) for p, r in zip(base, reps, strict=True)]
    params = [dict(zip(task.names, map(float, x), strict=True)) for x in task.X]
    batch = getattr(evaluate, "batch", None)
    rows = batch(params, seeds) if batch is not None else [evaluate(p, s) for p, s in zip(params, seeds, strict=True)]
    out: dict[str, pa.Array] = {
        "run_id": pa.array(task.run_ids, pa.int64()), "point": pa.array(points, pa.int64()),
        "rep": pa.array(reps, pa.int32()), "seed": pa.array(seeds, pa.int64()),
        "generation": pa.array([task.generation] * len(task), pa.int16()),
    }
    for key in sorted({k for r in rows for k in r}):
        out[key] = _column([r.get(key) for r in rows])
    return pa.table(out)
