"""Core benchmark: one baseline replication, 10,000 replications, and scaling with actors x issues.

Run:  python benchmarks/bench_core.py [--quick]
Targets (2 cores): one baseline replication <= 2 ms; 10,000 replications <= 15 s; 50 actors x 10 issues < 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from sim.core.seeds import replication_seed  # noqa: E402
from sim.experiments.batch import run_batch  # noqa: E402
from sim.experiments.replication import run_replication  # noqa: E402

BATCH = 256


def synthetic_scenario(n_actors: int, n_issues: int) -> dict:
    """A dense random-looking but fixed scenario: every actor uncertain on every issue, a ring of relations."""
    issues = {f"i{j}": {"label": f"issue {j}", "base": j < 2, "status_quo": 60, "disagreement": 25}
              for j in range(n_issues)}
    actors = {}
    for i in range(n_actors):
        actors[f"A{i}"] = {
            "name": f"actor {i}", "role": "veto" if i < 2 else "influencer",
            "capability": {"uniform": [0.2, 1.0]}, "concession": 0.5 + (i % 3),
            "positions": {f"i{j}": {"uniform": [max(0, (37 * i + 11 * j) % 100 - 10),
                                                min(100, (37 * i + 11 * j) % 100 + 10)]} for j in range(n_issues)},
            "salience": {f"i{j}": {"uniform": [0.2, 0.9]} for j in range(n_issues)},
        }
    relations = {f"A{i}->A{(i + k) % n_actors}": {"influence": {"uniform": [0.1, 0.5]}}
                 for i in range(n_actors) for k in (1, 2) if (i + k) % n_actors != i}
    return {"schema": 1, "name": f"synthetic_{n_actors}x{n_issues}", "title": "synthetic", "question": "speed",
            "as_of": "2025-01-28", "issues": issues, "actors": actors, "relations": relations, "rounds": 24}


def time_replications(compiled, count: int) -> list[float]:
    times = []
    for rep in range(count):
        start = time.perf_counter()
        run_replication(compiled, replication_seed(0, rep))
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (for a smoke run)")
    args = parser.parse_args()
    reps = 200 if args.quick else 2000
    big = 1000 if args.quick else 10_000

    compiled = sim.compile_scenario(sim.load_scenario(ROOT / "scenarios" / "baseline.yaml"))
    time_replications(compiled, 50)  # warm up
    median = statistics.median(time_replications(compiled, reps))
    print(f"baseline: median time of one replication (one Mesa model)   {median * 1e3:8.3f} ms   (target <= 2 ms)")
    seeds = [replication_seed(0, rep) for rep in range(BATCH)]
    start = time.perf_counter()
    for _ in range(5):
        run_batch(compiled, seeds)
    batched = (time.perf_counter() - start) / (5 * BATCH)
    print(f"baseline: time per replication in the batch path ({BATCH} at once) {batched * 1e3:8.3f} ms")

    for workers, label in ((1, "serial"), (2, "2 worker processes")):
        start = time.perf_counter()
        sim.run(ROOT / "scenarios" / "baseline.yaml", n=big, seed=0, trajectories=False, workers=workers)
        elapsed = time.perf_counter() - start
        print(f"baseline: {big:,} replications via sim.run (batch path), {label:19s} {elapsed:7.2f} s  "
              "(target <= 15 s)")
    start = time.perf_counter()
    sim.run(ROOT / "scenarios" / "baseline.yaml", n=big, seed=0, trajectories=True, workers=2)
    print(f"baseline: {big:,} replications with per-round tables (Mesa models), 2 workers "
          f"{time.perf_counter() - start:7.2f} s")

    print("\nper-replication time (median) by size:")
    print(f"{'actors':>7} {'issues':>7} {'ms/replication':>15} {'rounds':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for n_actors in (5, 10, 20, 50):
            for n_issues in (5, 10):
                path = Path(folder) / f"s_{n_actors}_{n_issues}.yaml"
                path.write_text(yaml.safe_dump(synthetic_scenario(n_actors, n_issues)))
                compiled = sim.compile_scenario(sim.load_scenario(path))
                count = max(20, reps // (n_actors * n_issues // 25 + 1) // 4)
                times = time_replications(compiled, count)
                rounds = run_replication(compiled, replication_seed(0, 0)).outcome.rounds_played
                print(f"{n_actors:7d} {n_issues:7d} {statistics.median(times) * 1e3:15.3f} {rounds:7d}")
    print("(target: 50 actors x 10 issues < 1000 ms per replication)")


if __name__ == "__main__":
    main()
