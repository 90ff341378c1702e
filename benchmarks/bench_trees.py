"""Paired cost of two checkouts of the project (e.g. main and a branch) on the same mechanism replications.

Run:  python benchmarks/bench_trees.py OLD_TREE NEW_TREE "bdm (stop: fixed)|50x10|8" "ktab|100x20|3" ...

Each spec is ``variant|NxM|replications``, the variant one of ``benchmarks/bench_mechanisms.py``'s ``NEW`` names.
One worker process per tree imports that tree's code once (``PYTHONPATH`` = the tree) and runs replications of
``benchmarks/bench_core.py``'s synthetic scenario on request; the two trees run replication r in turn (the order
alternating), so a change in the machine's load hits both alike. Times are each worker's CPU time
(``time.process_time``) per replication; the ratio is old / new, medians over the replications.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, "benchmarks")
import bench_mechanisms as bm
from sim.core.seeds import replication_seed
from sim.experiments.replication import run_replication
compiled, folder = {}, Path(tempfile.mkdtemp())
for line in sys.stdin:
    name, size, rep = line.rstrip("\\n").split("|")
    if size not in compiled:
        compiled[size] = bm.compiled_for(*map(int, size.split("x")), folder)
        run_replication(compiled[size], replication_seed(0, 0), mechanism=bm.NEW[name]())  # warm-up
    start = time.process_time()
    run_replication(compiled[size], replication_seed(0, int(rep)), mechanism=bm.NEW[name]())
    print(time.process_time() - start, flush=True)
"""


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    trees = {"old": Path(sys.argv[1]).resolve(), "new": Path(sys.argv[2]).resolve()}
    workers = {label: subprocess.Popen([sys.executable, "-c", WORKER], cwd=tree, text=True,
                                       env={**os.environ, "PYTHONPATH": str(tree)},
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)
               for label, tree in trees.items()}
    print(f"load average at start: {os.getloadavg()}; old = {trees['old']}, new = {trees['new']}")
    print(f"{'variant':>20} {'size':>7} {'old ms':>9} {'new ms':>9} {'old/new':>8}  per-replication ratios")
    for spec in sys.argv[3:]:
        name, size, reps = spec.split("|")
        times: dict[str, list[float]] = {label: [] for label in workers}
        for rep in range(int(reps)):
            order = list(workers.items()) if rep % 2 == 0 else list(workers.items())[::-1]
            for label, worker in order:
                worker.stdin.write(f"{name}|{size}|{rep}\n")
                worker.stdin.flush()
                times[label].append(float(worker.stdout.readline()) * 1e3)
        old, new = statistics.median(times["old"]), statistics.median(times["new"])
        ratios = [a / b for a, b in zip(times["old"], times["new"], strict=True)]
        print(f"{name:>20} {size:>7} {old:9.1f} {new:9.1f} {old / new:7.2f}x  {min(ratios):.2f}-{max(ratios):.2f}",
              flush=True)
    print(f"load average at end: {os.getloadavg()}")
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()


if __name__ == "__main__":
    main()
