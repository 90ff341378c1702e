"""Executors: serial, local processes, Dask distributed. All yield finished chunks as they complete.

Every executor keeps only a bounded number of chunks in flight (``2 x workers``), so memory stays flat no
matter how many runs a sweep has. Results never depend on the executor: each run's seed comes from its place
in the design (see :mod:`.tasks`). Process pools lose all pending work when a worker dies; the Dask executor
re-runs a lost worker's chunk (``retries`` also covers flaky tasks), which is why it is the one for clusters.
"""

from __future__ import annotations

import multiprocessing as mp
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

import pyarrow as pa

from sim.errors import SimError

from .evaluators import EvaluatorRef
from .tasks import ChunkTask

EXECUTORS = ("serial", "processes", "dask")


class WorkersLost(SimError):
    """Workers kept dying on the same chunk; the runs stored so far are kept."""
ChunkFn = Callable[[EvaluatorRef, ChunkTask], pa.Table]


class SerialExecutor:
    """Runs chunks one after another in this process (debugging, tiny sweeps, notebooks)."""

    workers = 1

    def map(self, fn: ChunkFn, ref: EvaluatorRef, tasks: Iterable[ChunkTask]) -> Iterator[pa.Table]:
        for task in tasks:
            yield fn(ref, task)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A ``ProcessPoolExecutor`` of ``workers`` spawned processes on this machine."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))

    def map(self, fn: ChunkFn, ref: EvaluatorRef, tasks: Iterable[ChunkTask]) -> Iterator[pa.Table]:
        it = iter(tasks)
        pending: set = set()
        while True:
            while len(pending) < 2 * self.workers:
                task = next(it, None)
                if task is None:
                    break
                pending.add(self.pool.submit(fn, ref, task))
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Dask distributed: a ``LocalCluster`` of ``workers`` processes, or the cluster at ``scheduler``.

    Tasks are submitted with ``pure=False`` (Dask would otherwise merge identical calls) and ``retries``.
    ``cluster_kwargs`` go to ``LocalCluster`` (e.g. ``processes=False`` for an in-process cluster in tests).
    """

    def __init__(self, workers: int = 2, scheduler: str | None = None, retries: int = 3,
                 cluster_kwargs: dict[str, Any] | None = None, resubmits: int = 2) -> None:
        from dask.distributed import Client, LocalCluster  # optional dependency

        self.retries, self.resubmits = retries, resubmits
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
            self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                      self.client.scheduler_info()["workers"].values()))
        else:
            kw = {"n_workers": workers, "threads_per_worker": 1, "dashboard_address": ":0",
                  "processes": True, **(cluster_kwargs or {})}
            self.cluster = LocalCluster(**kw)
            self.client = Client(self.cluster)
            self.workers = kw["n_workers"] * kw["threads_per_worker"]

    def map(self, fn: ChunkFn, ref: EvaluatorRef, tasks: Iterable[ChunkTask]) -> Iterator[pa.Table]:
        """Yield finished chunks; a chunk whose workers kept dying (Dask's ``KilledWorker``, raised after the
        scheduler's own ``allowed-failures``) is submitted afresh up to ``resubmits`` times, then the sweep
        stops with :class:`WorkersLost` (every chunk already yielded is stored; a rerun resumes)."""
        from dask.distributed import as_completed
        from distributed import KilledWorker

        it = iter(tasks)
        tag = uuid.uuid4().hex[:8]
        attempts: dict[str, tuple[ChunkTask, int]] = {}

        def submit(task: ChunkTask, attempt: int = 0):
            key = f"sweep-chunk-{tag}-{task.generation}-{task.first}-{attempt}"
            attempts[key] = (task, attempt)
            return self.client.submit(fn, ref, task, pure=False, retries=self.retries, key=key)

        first = [submit(t) for _, t in zip(range(2 * self.workers), it, strict=False)]
        if not first:
            return
        ac = as_completed(first)
        for fut in ac:
            task, attempt = attempts.pop(fut.key)
            try:
                table = fut.result()
            except KilledWorker as exc:
                fut.release()
                if attempt >= self.resubmits:
                    raise WorkersLost(f"Dask workers died {attempt + 1} times in a row running the chunk of runs "
                                      f"from {task.first} ({exc.__class__.__name__})") from None
                ac.add(submit(task, attempt + 1))
                continue
            fut.release()
            nxt = next(it, None)
            if nxt is not None:
                ac.add(submit(nxt))
            yield table

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(name: str, workers: int = 2, scheduler: str | None = None, **kwargs: Any):
    """Build the executor called ``name`` (serial | processes | dask)."""
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers)
    if name == "dask":
        return DaskExecutor(workers, scheduler, **kwargs)
    raise ValueError(f"unknown executor {name!r}; expected one of {', '.join(EXECUTORS)}")
