"""Run a sweep: sample the design, skip runs already on disk, chunk the rest, execute, store each chunk."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import SimError
from sim.names import ensure_folder, named_folder

from . import designs
from .evaluators import ARM_COLUMN, EvaluatorRef
from .executors import WorkersLost, make_executor
from .integrity import LOCK_NAME, folder_lock
from .spec import SweepSpec, load_sweep
from .store import SweepStore, open_store
from .tasks import ChunkTask, run_chunk

Progress = Callable[[int, int], None]  # (runs done, runs total)

CHUNKS_PER_WORKER = 2  # two per worker: big batches (cheaper per run), and no worker idles long at the end
MIN_CHUNK = 32
MAX_CHUNK = 2_500  # the batch path's cost per run stops falling at ~1,000-2,500 runs per batch


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
    """Every point that runs, with its column names: the design itself, or with ``mechanisms:`` (or
    ``scenarios:``) the design
    once per arm (point ``arm * P + i`` = design point ``i`` under arm ``arm``) plus an ``arm`` column."""
    X = sample_design(spec)
    if not spec.arm_list:
        return X, spec.names
    arms = [np.column_stack([X, np.full(len(X), float(k))]) for k in range(spec.arms)]
    return np.vstack(arms), [*spec.names, ARM_COLUMN]


def _task(ids: np.ndarray, X: np.ndarray, names: list[str], spec: SweepSpec, gen: int) -> ChunkTask:
    per_arm = len(X) // spec.arms if spec.arm_list else None
    return ChunkTask.build(ids, X, tuple(names), spec.replications, spec.seed, gen, per_arm)


def _chunks(pending: np.ndarray, size: int, X: np.ndarray, names: list[str], spec: SweepSpec,
            gen: int) -> Iterator[ChunkTask]:
    for i in range(0, len(pending), size):
        yield _task(pending[i:i + size], X, names, spec, gen)


def default_chunk_size(n_pending: int, workers: int) -> int:
    """Runs per chunk, from the run count alone (never from timings, which swing with the machine's load):
    ``CHUNKS_PER_WORKER`` chunks per worker, within [MIN_CHUNK, MAX_CHUNK]. Big chunks matter: the batch path
    pays a fixed cost per batch (one vectorised round per month whatever the batch size), so a 26-run chunk
    costs ~8x more per run than a 1,000-run one."""
    per = math.ceil(n_pending / (CHUNKS_PER_WORKER * max(1, workers)))
    return max(1, min(MAX_CHUNK, max(MIN_CHUNK, per)))


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
    out = Path(out) if out is not None else named_folder(Path("runs") / "sweeps", spec.name, "sweep")
    ensure_folder(out)
    with contextlib.ExitStack() as held:
        held.enter_context(folder_lock(out))
        ref = EvaluatorRef.from_spec(spec).pinned()
        X, names = run_design(spec)
        store = open_store(out, spec, ref.expect_hash or "", len(X), force_new=force_new, allow_mixed=allow_mixed,
                           design=X)
        if not (out / LOCK_NAME).exists():  # --force-new moved the locked folder aside: lock the new one
            held.enter_context(folder_lock(out))
        store.write_design(X, names)
        return _run(spec, store, ref, X, names, executor=executor, workers=workers, scheduler=scheduler,
                    chunk_size=chunk_size, progress=progress, executor_options=executor_options, max_runs=max_runs)


def _run(spec: SweepSpec, store: SweepStore, ref: EvaluatorRef, X: np.ndarray, names: list[str], *, executor: str,
         workers: int, scheduler: str | None, chunk_size: int | None, progress: Progress | None,
         executor_options: dict[str, Any] | None, max_runs: int | None) -> SweepRun:
    out = store.root
    n_runs = len(X) * spec.replications
    done = store.done_run_ids()
    store.close()  # no DuckDB connection (nor its threads) held while worker processes fork
    pending = np.setdiff1d(np.arange(n_runs, dtype=np.int64), done, assume_unique=True)
    if max_runs is not None:
        pending = pending[:max_runs]
    t0 = time.perf_counter()
    ran = 0
    # workers start before the first progress call (a progress bar may start a thread; see sim.experiments.processes)
    ex = make_executor(executor, workers, scheduler, warm=ref, **(executor_options or {})) if len(pending) else None
    size = chunk_size or spec.chunk_size or default_chunk_size(len(pending), ex.workers if ex is not None else 1)
    if progress:
        progress(len(done), n_runs)
    if ex is not None:
        try:
            for table in ex.map(run_chunk, ref, _chunks(pending, size, X, names, spec, store.generation)):
                store.write_part(table)
                ran += table.num_rows
                if progress:
                    progress(len(done) + ran, n_runs)
        except (BrokenProcessPool, WorkersLost) as exc:
            why = "a worker process died" if isinstance(exc, BrokenProcessPool) else str(exc)
            raise SimError(f"{why}; {len(done) + ran} of {n_runs} runs are stored in {out}; run the same command again "
                           "to resume (finished runs are kept and not repeated)") from exc
        finally:
            ex.close()
    return SweepRun(out, n_runs, len(done), ran, time.perf_counter() - t0, size)
