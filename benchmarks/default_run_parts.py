"""The CPU of each part of the default ``sim run scenarios/baseline.yaml -n N``, one after another in this (fresh)
process, and the wall time no arrangement of that work on the machine's cores can beat.

Run:  python benchmarks/default_run_parts.py [N]   (``bench_core.py`` runs it after its end-to-end runs)

Parts, in the order ``sim run`` needs them: the start (Python, the CLI, the engine's imports and the scenario; all
of it before any worker can start), the engine (N replications with per-round tables for the first 200, in the
chunks ``sim run`` gives its workers), loading pandas, matplotlib and networkx, the three figures, building the
tables, and writing them. The lower bound: the start, then everything but the tail shared by the cores, then the
tail (writing the tables and drawing the outcomes figure need every row, so they run after the last chunk, on two
cores at most).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

BEGUN = time.process_time()  # the interpreter's own start is not counted (about 0.02 s)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(n: int) -> None:
    parts: dict[str, float] = {}
    mark = [BEGUN]

    def lap(name: str) -> None:
        now = time.process_time()
        parts[name] = parts.get(name, 0.0) + now - mark[0]
        mark[0] = now

    import sim.cli.main  # noqa: F401
    from sim.experiments import runner
    from sim.experiments.chunks import Chunk
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    lap("start (imports, scenario)")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = runner.default_workers(n)
    job = Chunk(scenario, 0, None, None, True)
    chunks = [job(start, stop) for start, stop in runner._chunk_bounds(n, workers)]
    lap(f"engine ({n:,} replications in {len(chunks)} chunks)")
    import pandas  # noqa: F401

    lap("import pandas")
    import matplotlib.pyplot  # noqa: F401

    lap("import matplotlib")
    import networkx  # noqa: F401

    lap("import networkx")
    from sim.plots import run_plots

    with tempfile.TemporaryDirectory() as folder:
        run_plots.save_network(scenario, folder)
        lap("network figure")
        manifest = runner.run(scenario, n=2, workers=1).manifest  # (a small run for a manifest: not counted)
        mark[0] = time.process_time()
        positions = runner._trajectory_frame([p for part in chunks for p in part.positions], job.compiled)
        built = runner.assemble(scenario, chunks, positions, manifest)
        lap("building the tables")
        run_plots.save_trajectories(positions, scenario, folder)
        lap("trajectories figure")
        built.save(Path(folder) / "tables", ("parquet",))
        lap("writing the tables (tail)")
        run_plots._save_outcomes(built.table, scenario, Path(folder) / "outcomes", ("png",))
        lap("outcomes figure (tail)")
    total = sum(parts.values())
    start = parts["start (imports, scenario)"]
    tail = [v for k, v in parts.items() if k.endswith("(tail)")]
    shared = total - start - sum(tail)
    bound = start + shared / cores + (max(tail) if cores > 1 else sum(tail))
    width = max(len(k) for k in parts)
    for name, value in parts.items():
        print(f"   {name:{width}s} {value:6.2f} s CPU")
    print(f"   {'total':{width}s} {total:6.2f} s CPU")
    print(f"   lower bound on {cores} cores: {start:.2f} + {shared:.2f} / {cores} + {max(tail):.2f} = {bound:.2f} s "
          "wall (the start, the rest shared by the cores, the longer half of the tail)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
