"""A figure drawn in a forked process while this one goes on: ``sim run``'s costliest figure (the trajectories,
about 1.5 s of matplotlib) no longer waits for the others, nor they for it, on a machine with a second core."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Generic, TypeVar

from sim.experiments.processes import start_method

T = TypeVar("T")


class Background(Generic[T]):
    """``job(*args)`` in a forked process where forking is safe (no other thread runs, see
    ``sim.experiments.processes``), else here when :meth:`result` is asked for; its errors surface there."""

    def __init__(self, job: Callable[..., T], *args: object, parallel: bool = True) -> None:
        self._job, self._args = job, args
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[T] | None = None
        if parallel and start_method() == "fork":
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._future = self._pool.submit(job, *args)

    @property
    def forked(self) -> bool:
        """Whether the job runs in another process."""
        return self._future is not None

    def result(self) -> T:
        """The job's return value (waiting for the other process, or running the job now)."""
        if self._future is None:
            return self._job(*self._args)
        try:
            return self._future.result()
        finally:
            assert self._pool is not None
            self._pool.shutdown()
