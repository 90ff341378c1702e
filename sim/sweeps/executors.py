"""Executors: serial, local processes, Dask distributed. All yield finished chunks as they complete.

Every executor keeps only a bounded number of chunks in flight (``2 x workers``), so memory stays flat no
matter how many runs a sweep has. Results never depend on the executor: each run's seed comes from its place
in the design (see :mod:`.tasks`). Process pools lose all pending work when a worker dies; the Dask executor
re-runs a lost worker's chunk (``retries`` also covers flaky tasks), which is why it is the one for clusters.

Workers are warm: they import the stack and build the evaluator once, when they start, never per chunk. The
process pool forks them from the driver where that is safe (Linux, no other Python thread running), so they
inherit the imported modules and the compiled scenario; elsewhere they come from a ``forkserver`` that imported
the stack once (``spawn`` where neither exists). Mesa's batchrunner switches the global start method to
``spawn`` on import, which is why the context is always chosen explicitly here.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

import pyarrow as pa

from sim.errors import SimError
from sim.experiments import processes

from . import dask_start
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


# what a forkserver imports once, before it forks each worker (Mesa is not among them: the batch path needs none
# of it, and a mechanism without one loads it in the worker when its first model runs)
WARM_MODULES = ("sim.sweeps.tasks", "sim.sweeps.evaluators", "sim.experiments.batch", "sim.experiments.replication",
                "sim.scenario", "pyarrow")


def warm_context(method: str | None = None) -> mp.context.BaseContext:
    """The multiprocessing context for sweep workers (``sim.experiments.processes``); a forkserver preloads
    :data:`WARM_MODULES`."""
    return processes.warm_context(WARM_MODULES, method)


def _warm_worker(ref: EvaluatorRef | None) -> None:
    """Build (and cache) the evaluator before the first chunk arrives. A failure is left for the first chunk to
    raise with its own message (an initializer's error would only surface as a broken pool)."""
    if ref is not None:
        with contextlib.suppress(Exception):  # re-raised, with its message, by the first chunk
            ref.build()


def _ready() -> bool:
    return True


class ProcessExecutor:
    """A ``ProcessPoolExecutor`` of ``workers`` warm processes on this machine (forked where safe).

    With ``warm`` (the sweep's evaluator recipe) every worker builds the evaluator once as it starts; when the
    workers are forked, the driver builds it first, so they inherit it and import nothing. The workers start at
    once (not at the first chunk), before the caller starts any progress-bar thread.
    """

    def __init__(self, workers: int = 2, warm: EvaluatorRef | None = None, method: str | None = None) -> None:
        self.workers = workers
        ctx = warm_context(method)
        self.method = ctx.get_start_method()
        if warm is not None and self.method == "fork":
            warm.build()  # inherited by every forked worker
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_warm_worker,
                                        initargs=(warm,))
        self._started = [self.pool.submit(_ready) for _ in range(workers)]  # launch every worker now

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
    A local cluster starts without the dashboard, its HTTP routes and Dask's statistical profiler unless ``dashboard``
    or ``profile`` ask for them (:mod:`.dask_start`). Its worker processes (each under a nanny, which restarts a
    worker that dies) come from a forkserver: where this process still runs one thread, a fork of it that has
    imported Dask, read Dask's package versions and built the evaluator (:func:`.dask_start.start_worker_server`;
    ``forked_server`` says whether it is one), so a worker starts in ~0.1 s and needs no warm-up call; otherwise (or
    with ``fork_server=False``) Python's own forkserver, preloaded with Dask and the stack.
    """

    def __init__(self, workers: int = 2, scheduler: str | None = None, retries: int = 3,
                 cluster_kwargs: dict[str, Any] | None = None, resubmits: int = 2, warm: EvaluatorRef | None = None,
                 dashboard: bool = False, profile: bool = False, fork_server: bool = True) -> None:
        self.retries, self.resubmits = retries, resubmits
        self.cluster = None
        self.forked_server = False
        if scheduler:
            _, distributed = dask_start.import_dask()  # optional dependency
            self.client = distributed.Client(scheduler)
            self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                      self.client.scheduler_info()["workers"].values()))
        else:
            kw = {"n_workers": workers, "threads_per_worker": 1, "dashboard_address": ":0" if dashboard else None,
                  "processes": True, **(cluster_kwargs or {})}
            method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
            dask, distributed = dask_start.import_dask()  # optional dependency
            if fork_server and method == "forkserver" and kw["processes"]:
                self.forked_server = dask_start.start_worker_server(warm)
            with dask.config.set(dask_start.local_settings(method, dashboard, profile)):
                if method == "forkserver" and not self.forked_server:
                    dask_start.preload_python_forkserver(WARM_MODULES)
                self.cluster = distributed.LocalCluster(**kw)
            self.client = distributed.Client(self.cluster)
            self.workers = kw["n_workers"] * kw["threads_per_worker"]
        if warm is not None and not self.forked_server:  # every worker imports the stack and builds the evaluator
            self.client.run(_warm_worker, warm)  # once, now (forked workers inherited both from their server)

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


def make_executor(name: str, workers: int = 2, scheduler: str | None = None, warm: EvaluatorRef | None = None,
                  **kwargs: Any):
    """Build the executor called ``name`` (serial | processes | dask); ``warm``: the evaluator its workers
    build as they start."""
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers, warm, **kwargs)
    if name == "dask":
        return DaskExecutor(workers, scheduler, warm=warm, **kwargs)
    raise ValueError(f"unknown executor {name!r}; expected one of {', '.join(EXECUTORS)}")
