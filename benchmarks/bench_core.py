"""Core benchmark: the cost of one baseline replication on every path, next to the vectorised floor and Mesa's
``batch_run`` on the same replications, and the default ``sim run`` of 10,000 replications end to end.

Run:  python benchmarks/bench_core.py [--quick] [--replications N] [--repeats R] [--no-cli] [--no-sizes]

Paths (all on replications 0..N-1 of the baseline with seed 0, measured in turn within each repeat so a change in
the machine's load hits every path alike; CPU time of this process, median over repeats):

* floor       - the mechanism's vectorised round math alone (time inside ``batch_step`` during the batch path);
* batch       - the batch path's summary rows (``sim.run(..., trajectories=False)``);
* default     - what ``sim run`` computes by default: summary rows plus per-round tables (``sim.run``);
* mesa model  - one ``NegotiationModel`` per replication (``run_replication``);
* batch_run   - Mesa's own ``mesa.batch_run`` over a thin model wrapper returning the project's summary row.

The end-to-end part also prints the CPU of each part of that run measured one after another, and the wall time
no arrangement of that work on the machine's cores can beat (``benchmarks/default_run_parts.py``).

Targets (issue 15, 2 cores): the default path >= 3x cheaper than ``batch_run`` on the same work; the default
``sim run`` of 10,000 baseline replications <= 5 s wall.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from meters import FloorMeter  # noqa: E402

import sim  # noqa: E402
from sim.core.seeds import replication_seed  # noqa: E402
from sim.experiments.replication import run_replication, summarize  # noqa: E402
from sim.model.model import NegotiationModel  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
SEED = 0
_COMPILED: dict[str, object] = {}


class BaselineBatchModel(NegotiationModel):
    """Replication ``rep`` of the baseline as a plain Mesa model, so ``mesa.batch_run`` can run it by one integer.

    The data collector records once per step and the summary row only once the run has finished, so the row
    ``batch_run`` reads (at index ``steps - 1``) is the final one and equals ``sim.run``'s row."""

    def __init__(self, rep: int = 0) -> None:
        super().__init__(_COMPILED["baseline"], replication_seed(SEED, rep))
        self.row: dict | None = None
        self.datacollector = mesa.DataCollector(model_reporters={"row": lambda m: m.row})

    def step(self) -> None:
        super().step()
        if self.final is not None:
            events = sum(len(r.events) for r in self.history)
            self.row = summarize(self.outcome(), self.compiled.actor_ids, self.compiled.issue_ids, events)
        self.datacollector.collect(self)


def batch_run_rows(n: int) -> pd.DataFrame:
    rows = mesa.batch_run(BaselineBatchModel, {"rep": range(n)}, number_processes=1, iterations=1,
                          display_progress=False)
    return pd.DataFrame([{"replication": r["rep"], **r["row"]} for r in sorted(rows, key=lambda r: r["rep"])])


def mesa_models(n: int) -> None:
    for rep in range(n):
        run_replication(_COMPILED["baseline"], replication_seed(SEED, rep))


def cpu(action: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    result = action()
    return time.process_time() - start, result


def same_rows(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    if list(left.columns) != list(right.columns) or left.shape != right.shape:
        return False
    for column in left.columns:
        a, b = left[column].to_numpy(), right[column].to_numpy()
        if a.dtype.kind == "f":
            if not np.allclose(a, b, atol=1e-9, rtol=0, equal_nan=True):
                return False
        elif not (a.astype(str) == b.astype(str)).all():
            return False
    return True


def compare_paths(n: int, repeats: int) -> None:
    print(f"\n1. One baseline replication on each path: replications 0..{n - 1}, seed {SEED}, {repeats} interleaved "
          f"repeats, CPU ms per replication (median)")
    costs: dict[str, list[float]] = {k: [] for k in ("floor", "batch", "default", "mesa model", "batch_run")}
    rows: dict[str, pd.DataFrame] = {}
    for _ in range(repeats):
        with FloorMeter() as meter:
            seconds, result = cpu(lambda: sim.run(BASELINE, n=n, seed=SEED, trajectories=False))
        costs["floor"].append(meter.seconds / n)
        costs["batch"].append(seconds / n)
        rows["batch"] = result.replications
        seconds, result = cpu(lambda: sim.run(BASELINE, n=n, seed=SEED))
        costs["default"].append(seconds / n)
        rows["default"] = result.replications
        costs["mesa model"].append(cpu(lambda: mesa_models(n))[0] / n)
        seconds, frame = cpu(lambda: batch_run_rows(n))
        costs["batch_run"].append(seconds / n)
        rows["batch_run"] = frame
    medians = {k: statistics.median(v) for k, v in costs.items()}
    print(f"   {'path':<12} {'ms/replication':>15} {'x floor':>9} {'x batch_run':>12}   repeats (ms)")
    for path, value in medians.items():
        spread = ", ".join(f"{x * 1e3:.3f}" for x in costs[path])
        print(f"   {path:<12} {value * 1e3:15.3f} {value / medians['floor']:9.1f} "
              f"{value / medians['batch_run']:12.3f}   {spread}")
    ratio = medians["batch_run"] / medians["default"]
    print(f"   default path is {ratio:.1f}x cheaper than mesa.batch_run on the same work "
          f"(target >= 3x: {'met' if ratio >= 3 else 'NOT met'})")
    print(f"   rows: batch_run == sim.run: {same_rows(rows['batch_run'][rows['default'].columns], rows['default'])}; "
          f"batch == default: {same_rows(rows['batch'], rows['default'])}")


def default_cli(n: int) -> None:
    print(f"\n2. The default `sim run scenarios/baseline.yaml -n {n}` end to end (plots, per-round tables, "
          "every core), a fresh process each time")
    walls = []
    with tempfile.TemporaryDirectory() as folder:
        for attempt in range(3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sim", "run", str(BASELINE), "-n", str(n), "-o",
                            str(Path(folder) / f"run{attempt}")], cwd=ROOT, check=True, capture_output=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            walls.append(wall)
            print(f"   attempt {attempt + 1}: {wall:6.2f} s wall, {used:6.2f} s CPU (all processes); "
                  f"load average now {os.getloadavg()[0]:.1f}")
    median = statistics.median(walls)
    print(f"   median {median:.2f} s wall; target <= 5 s wall: {'met' if median <= 5 else 'NOT met'}")
    print("   its parts one after another in one fresh process (benchmarks/default_run_parts.py):")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "default_run_parts.py"), str(n)], cwd=ROOT, check=True)


def synthetic_scenario(n_actors: int, n_issues: int) -> dict:
    """A dense fixed scenario: every actor uncertain on every issue, a ring of relations."""
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


def sizes(count: int) -> None:
    print(f"\n3. The default mechanism by size ({count} replications of a synthetic scenario through the batch path, "
          "CPU ms per replication; target 50 x 10 < 1000 ms). Runs still talking play every month, so the share "
          "left open drives the cost.")
    print(f"   {'actors':>7} {'issues':>7} {'ms/replication':>15} {'still open at the end':>22}")
    with tempfile.TemporaryDirectory() as folder:
        for n_actors in (5, 20, 50, 100):
            for n_issues in (5, 10, 20):
                path = Path(folder) / f"s_{n_actors}_{n_issues}.yaml"
                path.write_text(yaml.safe_dump(synthetic_scenario(n_actors, n_issues)))
                seconds, result = cpu(lambda p=path: sim.run(p, n=count, seed=SEED, trajectories=False))
                still_open = (result.replications["status"] == "unresolved").mean()
                print(f"   {n_actors:7d} {n_issues:7d} {seconds / count * 1e3:15.3f} {still_open:22.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer replications and repeats")
    parser.add_argument("--replications", type=int, default=None, help="replications per path (default 400)")
    parser.add_argument("--repeats", type=int, default=None, help="interleaved repeats (default 3)")
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end `sim run` of 10,000")
    parser.add_argument("--no-sizes", action="store_true", help="skip the scaling by actors x issues")
    args = parser.parse_args()
    n = args.replications or (60 if args.quick else 400)
    repeats = args.repeats or (1 if args.quick else 3)
    _COMPILED["baseline"] = sim.compile_scenario(sim.load_scenario(BASELINE))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    sim.run(BASELINE, n=20, seed=SEED)  # warm up imports and caches
    compare_paths(n, repeats)
    if not args.no_cli:
        default_cli(1000 if args.quick else 10_000)
    if not args.no_sizes:
        sizes(32 if args.quick else 256)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
