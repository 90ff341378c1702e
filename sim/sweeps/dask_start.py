"""Starting a local Dask cluster for a sweep quickly: what the driver and the worker processes' forkserver each do
before the first chunk, and the settings a cluster without a dashboard runs with (issue 15, item 3).

* The forkserver is forked from the driver once the driver has imported what a worker process runs and filled
  Dask's package-version cache (:func:`start_worker_server`); the server then builds the evaluator on one core
  while the driver starts the scheduler and the nannies on the other. Every worker it forks inherits all of it, so
  a worker registers without importing, reading package metadata or compiling the scenario.
* Dask reads its default settings (``dask.yaml``, ``distributed.yaml``) with PyYAML's pure-Python ``safe_load``;
  :func:`fast_yaml` has the import use libyaml's ``CSafeLoader`` for the same documents (the same values; about
  0.08 s less per import on the development machine).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from sim.experiments import forkserver, processes

from .evaluators import EvaluatorRef

#: With no dashboard to feed: the scheduler, each nanny and each worker sample the machine (psutil: CPU, memory,
#: disk and network counters) every 2 s instead of every 0.5 s, without disk counters, and check their event loop
#: every 0.1 s instead of every 0.02 s. The driver hosts the scheduler and the nannies: this halves the CPU it
#: spends while the workers compute (from about 0.08 to 0.04 of a core on a 10,000-run sweep).
QUIET_MONITORS = {"distributed.admin.system-monitor.interval": "2s", "distributed.admin.system-monitor.disk": False,
                  "distributed.admin.tick.interval": "100ms"}

#: With no dashboard: the scheduler and the workers serve no HTTP routes (Prometheus metrics, health, JSON info,
#: the dashboard proxy), so they do not import and set up those modules as they start.
NO_HTTP_ROUTES = {"distributed.scheduler.http.routes": [], "distributed.worker.http.routes": []}

# what a worker process runs (importing these starts no thread)
WORKER_MODULES = ("distributed.nanny", "distributed.worker")


@contextlib.contextmanager
def fast_yaml() -> Iterator[None]:
    """While active, ``yaml.safe_load`` parses with libyaml's ``CSafeLoader`` (where PyYAML has it): the same safe
    subset and values, in C. Meant for the one-off import of Dask, which reads its defaults that way."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        yield
        return
    plain = yaml.safe_load
    yaml.safe_load = lambda stream: yaml.load(stream, Loader=loader)  # noqa: S506 (CSafeLoader is the safe loader)
    try:
        yield
    finally:
        yaml.safe_load = plain


def import_dask() -> tuple[ModuleType, ModuleType]:
    """``dask`` and ``dask.distributed``, imported (once) with :func:`fast_yaml`."""
    with fast_yaml():
        import dask
        import dask.distributed
    return dask, dask.distributed


def _build(warm: EvaluatorRef | None) -> None:
    if warm is not None:
        with contextlib.suppress(Exception):  # re-raised, with its message, by the first chunk
            warm.build()


def start_worker_server(warm: EvaluatorRef | None) -> bool:
    """Make the forkserver that starts a local cluster's worker processes a fork of this process (which must run one
    thread; see :mod:`sim.experiments.forkserver`) after this process has imported what a worker runs and filled
    Dask's package-version cache (each worker sends it when it registers: ~0.05 s of package metadata, which the
    scheduler here reads anyway); the server builds the evaluator while this process starts the scheduler. False
    where that is not possible (Python's own forkserver is used then)."""
    if processes.start_method() != "fork":  # other threads run (or no fork): Python's own forkserver
        return False
    import importlib

    with fast_yaml():
        for name in WORKER_MODULES:
            importlib.import_module(name)
    from distributed.versions import get_versions

    get_versions()
    return forkserver.start_forked_forkserver(lambda: _build(warm))


def preload_python_forkserver(modules: tuple[str, ...]) -> None:
    """The fallback: worker processes start from Python's own forkserver, which imports Dask and ``modules`` once
    (Dask's own default is ``spawn``: every worker re-imports everything). Call with Dask's forkserver setting on."""
    from distributed.utils import get_mp_context

    get_mp_context()  # Dask sets its own preload list the first time; replace it with Dask plus the stack
    mp.get_context("forkserver").set_forkserver_preload(["distributed", *modules])


def local_settings(method: str, dashboard: bool, profile: bool) -> dict[str, Any]:
    """Dask settings for a local cluster: the workers' start method, Dask's statistical profiler (it samples each
    worker's stack every 10 ms: ~50% more CPU per chunk here) and, without a dashboard, the quiet monitors and no
    HTTP routes."""
    return {"distributed.worker.multiprocessing-method": method, "distributed.worker.profile.enabled": profile,
            **({} if dashboard else {**QUIET_MONITORS, **NO_HTTP_ROUTES})}
