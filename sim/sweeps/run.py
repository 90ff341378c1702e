"""Run a sweep: sample the design, skip runs already on disk, chunk the rest, execute, store each chunk."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import SimError

from . import designs
from .evaluators import ARM_COLUMN, EvaluatorRef
from .executors import make_executor
from .spec import SweepSpec, load_sweep
from .store import SweepStore, open_store
from .tasks import ChunkTask, run_chunk

Progress = Callable[[int, int], None]  # (runs done, runs total)

TARGET_CHUNK_SECONDS = 0.5
MAX_CHUNK = 20_000


@dataclass
class SweepRun:
    """What a finished (or interrupted) ``run_sweep`` call did."""

    directory: Path
    n_runs: int
    n_done_before: int
    n_ran: int
    seconds: float
    chunk_size: int

    @property
    def runs_per_second(self) -> float:
        return self.n_ran / self.seconds if self.seconds else float("nan")


def sample_design(spec: SweepSpec) -> np.ndarray:
    """The design points of ``spec`` (deterministic in the spec and its seed)."""
    return np.asarray(designs.get(spec.design).sample(spec), dtype=float)


def run_design(spec: SweepSpec) -> tuple[np.ndarray, list[str]]:
    """Every point that runs, with its column names: the design itself, or with ``mechanisms:`` the design
    once per arm (point ``arm * P + i`` = design point ``i`` under arm ``arm``) plus an ``arm`` column."""
    X = sample_design(spec)
    if not spec.mechanisms:
        return X, spec.names
    arms = [np.column_stack([X, np.full(len(X), float(k))]) for k in range(spec.arms)]
    return np.vstack(arms), [*spec.names, ARM_COLUMN]


def _task(ids: np.ndarray, X: np.ndarray, names: list[str], spec: SweepSpec, gen: int) -> ChunkTask:
    per_arm = len(X) // spec.arms if spec.mechanisms else None
    return ChunkTask.build(ids, X, tuple(names), spec.replications, spec.seed, gen, per_arm)


def _chunks(pending: np.ndarray, size: int, X: np.ndarray, names: list[str], spec: SweepSpec,
            gen: int) -> Iterator[ChunkTask]:
    for i in range(0, len(pending), size):
        yield _task(pending[i:i + size], X, names, spec, gen)


def _calibrate(store: SweepStore, ref: EvaluatorRef, pending: np.ndarray, X: np.ndarray, names: list[str],
               spec: SweepSpec, workers: int) -> tuple[int, int]:
    """Time a few runs here (stored like any chunk) to size chunks at ~0.5 s; return (size, runs used)."""
    ref.build()  # load and compile outside the timing (once per process, cached)
    used, n, elapsed, last, rounds = 0, 1, 0.0, 1, 0
    while used < len(pending) and (elapsed < 0.05 or rounds < 2):
        task = _task(pending[used:used + n], X, names, spec, store.generation)
        t0 = time.perf_counter()
        table = run_chunk(ref, task)
        elapsed = time.perf_counter() - t0
        store.write_part(table)
        used += len(task)
        last = len(task)
        rounds += 1
        n *= 4
    per_run = elapsed / last
    size = max(1, min(MAX_CHUNK, math.ceil(TARGET_CHUNK_SECONDS / max(per_run, 1e-6))))
    rest = len(pending) - used
    if rest:
        size = min(size, max(1, math.ceil(rest / (4 * workers))))  # keep every worker busy to the end
    return size, used


def run_sweep(spec: SweepSpec | str | Path, out: str | Path | None = None, *, executor: str = "serial",
              workers: int = 2, scheduler: str | None = None, name: str | None = None,
              force_new: bool = False, allow_mixed: bool = False, chunk_size: int | None = None,
              progress: Progress | None = None, executor_options: dict[str, Any] | None = None,
              max_runs: int | None = None) -> SweepRun:
    """Run (or resume) a sweep into ``out`` and return a summary; results stay on disk (see ``load_results``).

    ``max_runs`` stops after about that many new runs (a partial sweep, resumable later).
    """
    if not isinstance(spec, SweepSpec):
        spec = load_sweep(spec, name)
    out = Path(out) if out is not None else Path("runs") / "sweeps" / spec.name
    ref = EvaluatorRef.from_spec(spec).pinned()
    X, names = run_design(spec)
    store = open_store(out, spec, ref.expect_hash or "", len(X), force_new=force_new, allow_mixed=allow_mixed)
    store.write_design(X, names)
    n_runs = len(X) * spec.replications
    done = store.done_run_ids()
    pending = np.setdiff1d(np.arange(n_runs, dtype=np.int64), done, assume_unique=True)
    if max_runs is not None:
        pending = pending[:max_runs]
    t0 = time.perf_counter()
    ran = 0
    if progress:
        progress(len(done), n_runs)
    size = chunk_size or spec.chunk_size
    if len(pending) and size is None:
        size, used = _calibrate(store, ref, pending, X, names, spec, workers)
        ran += used
        pending = pending[used:]
        if progress:
            progress(len(done) + ran, n_runs)
    size = size or 1
    if len(pending):
        ex = make_executor(executor, workers, scheduler, **(executor_options or {}))
        try:
            for table in ex.map(run_chunk, ref, _chunks(pending, size, X, names, spec, store.generation)):
                store.write_part(table)
                ran += table.num_rows
                if progress:
                    progress(len(done) + ran, n_runs)
        except BrokenProcessPool as exc:
            raise SimError(f"a worker process died after {len(done) + ran} of {n_runs} runs were stored in "
                           f"{out}; run the same command again to resume (the Dask executor re-runs a lost "
                           "worker's chunk by itself)") from exc
        finally:
            ex.close()
    return SweepRun(out, n_runs, len(done), ran, time.perf_counter() - t0, size)
