"""Where a Dask sweep's fixed cost goes (issue 15, item 3): the phases of a local cluster's life, per worker start-up.

Each repeat starts, in a fresh process and in rotating order, one ``DaskExecutor`` (2 single-threaded workers, the
baseline sweep's evaluator) per variant, and times its phases in the driver:

* ``import``  - ``import dask.distributed`` as the executor does it (``sim.sweeps.dask_start.import_dask``; the driver
                had already imported the sweep engine, as ``sim sweep`` has);
* ``cluster`` - the executor's construction: the forkserver, the scheduler, the nannies and the worker processes,
                until every worker has registered and built the evaluator (``client.run`` warm-up included);
* ``close``   - ``close()``: client, nannies, workers and scheduler.

Variants: ``forked`` (the default: a forkserver forked from the driver, ``sim/experiments/forkserver.py``) and
``python`` (``fork_server=False``: Python's own forkserver, a fresh interpreter preloaded with Dask and the stack).
CPU is the process tree's (driver, forkserver, workers), sampled just before ``close``. Medians are printed.

Usage::

    python benchmarks/bench_dask_start.py --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = {"forked": True, "python": False}
PHASES = ("import", "cluster", "close")


def one(variant: str) -> dict:
    """Start and close one local cluster; the wall time of each phase and the tree's CPU."""
    import psutil

    from sim.sweeps import load_sweep  # the engine is loaded before the clock starts, as in a sweep's driver
    from sim.sweeps.dask_start import import_dask
    from sim.sweeps.evaluators import EvaluatorRef
    from sim.sweeps.executors import DaskExecutor

    ref = EvaluatorRef.from_spec(load_sweep(ROOT / "scenarios" / "sweeps" / "baseline_sobol.yaml")).pinned()
    me = psutil.Process()
    c0, t0 = time.process_time(), time.perf_counter()
    import_dask()
    t1 = time.perf_counter()
    ex = DaskExecutor(workers=2, warm=ref, fork_server=VARIANTS[variant])
    t2 = time.perf_counter()
    children = sum(sum(p.cpu_times()[:2]) for p in me.children(recursive=True))
    cpu = time.process_time() - c0 + children
    ex.close()
    t3 = time.perf_counter()
    return {"import": t1 - t0, "cluster": t2 - t1, "close": t3 - t2, "cpu": cpu, "forked": ex.forked_server}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--one", choices=tuple(VARIANTS), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    names = list(VARIANTS)
    got: dict[str, list[dict]] = {v: [] for v in names}
    for r in range(args.repeats):
        for v in names[r % 2:] + names[:r % 2]:
            proc = subprocess.run([sys.executable, __file__, "--one", v], capture_output=True, text=True, cwd=ROOT,
                                  check=True)
            got[v].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"load average after: {os.getloadavg()[0]:.1f}; medians of {args.repeats}, seconds")
    print(f"    {'variant':<8} {'forked':>6} " + " ".join(f"{p:>8}" for p in (*PHASES, "total")) + f" {'tree CPU':>9}")
    for v in names:
        med = {k: statistics.median(g[k] for g in got[v]) for k in (*PHASES, "cpu")}
        total = statistics.median(sum(g[p] for p in PHASES) for g in got[v])
        forked = all(g["forked"] for g in got[v])
        print(f"    {v:<8} {forked!s:>6} " + " ".join(f"{med[p]:8.2f}" for p in PHASES) + f" {total:8.2f}"
              f" {med['cpu']:9.2f}")


if __name__ == "__main__":
    main()
