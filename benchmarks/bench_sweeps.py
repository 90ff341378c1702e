"""Sweep benchmark (issue 15): each sweep path's cost per replication on the same work, interleaved.

1. The same sweep (the baseline with the ten ``baseline_sobol`` parameters on a Latin hypercube; same points, same
   seeds) through every path, each repeat running every path once in turn (the order rotates), so a change in
   the machine's load hits every path alike:

   * ``floor``          - the default mechanism's vectorised round math alone (CPU inside ``batch_step`` during
                          the serial run);
   * ``serial``         - ``run_sweep(executor="serial")``;
   * ``processes xW``   - ``run_sweep(executor="processes", workers=W)``;
   * ``dask xW``        - ``run_sweep(executor="dask", workers=W)`` (a ``LocalCluster``);
   * ``batch_run x1``   - Mesa's ``batch_run`` over ``benchmarks/mesa_sweep_models.py`` (the engine's rows; tested)
                          on the runs of the sweep's first ``--mesa-points`` design points (one Mesa model per run
                          costs ~100x the batch path: the whole sweep would take most of an hour).

   Each path runs in a fresh process; the figures cover its work only (not its own imports): wall time, and CPU
   time of the whole process tree (workers sampled every 0.05 s). Printed per replication, with the ratios to the
   floor and to ``batch_run``, and each path's throughput relative to serial. The rows of every path are compared.
2. Peak resident memory of a 100,000-run sweep (whole process tree).

Usage::

    python benchmarks/bench_sweeps.py                      # 10,000 runs x 3 repeats, then the memory check
    python benchmarks/bench_sweeps.py --points 500 --repeats 2 --skip-memory
    python benchmarks/bench_sweeps.py --evaluator ishigami --points 20000   # engine overhead only
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from meters import FloorMeter  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def sweep_file(tmp: Path, kind: str, points: int, reps: int) -> Path:
    from sim.sweeps import load_sweep

    if kind == "model":
        params = load_sweep(ROOT / "scenarios" / "sweeps" / "baseline_sobol.yaml").identity()["parameters"]
        spec = {"scenario": str(BASELINE), "parameters": {p["path"]: [p["low"], p["high"]] for p in params},
                "outputs": ["mean(outcome.tartus)"]}
    else:
        spec = {"evaluator": "ishigami", "outputs": ["mean(y)"],
                "parameters": {x: [-3.14159, 3.14159] for x in ("x1", "x2", "x3")}}
    spec.update({"name": f"bench_{kind}", "design": "lhs", "samples": points, "replications": reps, "seed": 2024})
    path = tmp / f"{kind}_{points}x{reps}.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


# -- one path, in a fresh process --------------------------------------------------------------------------------
def one_path(path: str, sweep: str, out: str, workers: int, mesa_points: int) -> dict:
    """Run one path; return its work section's wall and own CPU (the parent adds the workers' CPU)."""
    import pandas as pd

    cpu0, t0 = time.process_time(), time.perf_counter()
    floor = None
    if path.startswith("batch_run"):
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from mesa_sweep_models import batch_run_rows

        cpu0, t0 = time.process_time(), time.perf_counter()
        rows = batch_run_rows(sweep, int(path.rsplit("x", 1)[1]), mesa_points)
        pd.DataFrame(rows).to_parquet(Path(out) / "rows.parquet")
    else:
        from sim.sweeps import run_sweep

        executor = path.split()[0]
        if executor == "serial" and "ishigami" not in sweep:
            with FloorMeter() as meter:
                cpu0, t0 = time.process_time(), time.perf_counter()
                run_sweep(sweep, out, executor="serial")
            floor = meter.seconds
        else:
            cpu0, t0 = time.process_time(), time.perf_counter()
            run_sweep(sweep, out, executor=executor, workers=workers)
    return {"wall": time.perf_counter() - t0, "cpu_self": time.process_time() - cpu0, "floor": floor,
            "runs": len(rows) if path.startswith("batch_run") else None}


class TreeCPU:
    """Samples the CPU time (user + system) of every descendant of ``pid``, keeping each process's last value."""

    def __init__(self, pid: int) -> None:
        self.root, self.seen, self.stop = psutil.Process(pid), {}, threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                for p in self.root.children(recursive=True):
                    try:
                        t = p.cpu_times()
                        self.seen[p.pid] = t.user + t.system
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            time.sleep(0.05)

    def descendants(self) -> float:
        self.stop.set()
        self.thread.join()
        return sum(self.seen.values())


def measure(path: str, sweep: Path, out: Path, workers: int, mesa_points: int) -> dict:
    cmd = [sys.executable, __file__, "--one", path, "--sweep", str(sweep), "--out", str(out),
           "--workers", str(workers), "--mesa-points", str(mesa_points)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree = TreeCPU(proc.pid)
    stdout, stderr = proc.communicate()
    workers_cpu = tree.descendants()
    if proc.returncode:
        raise RuntimeError(f"{path} failed:\n{stderr[-2000:]}")
    got = json.loads(stdout.strip().splitlines()[-1])
    got["cpu"] = got["cpu_self"] + workers_cpu
    return got


def rows_of(path: str, out: Path):
    import pandas as pd

    if path.startswith("batch_run"):
        return pd.read_parquet(out / "rows.parquet").sort_values(["point", "rep"]).reset_index(drop=True)
    from sim.sweeps.analysis import load_results

    return load_results(out).sort_values(["point", "rep"]).reset_index(drop=True)


def same_rows(a, b) -> bool:
    import numpy as np

    cols = [c for c in b.columns if c in a.columns and c not in ("run_id", "seed", "generation")]
    if len(a) != len(b) or len(cols) < 3:
        return False
    for c in cols:
        x, y = a[c].to_numpy(), b[c].to_numpy()
        if y.dtype.kind == "f" and x.dtype.kind in "fiub":
            if not np.allclose(x.astype(float), y, atol=1e-9, rtol=0, equal_nan=True):
                return False
        elif list(map(str, x)) != list(map(str, y)):
            return False
    return True


def compare(kind: str, points: int, reps: int, workers: int, repeats: int, mesa: bool, mesa_points: int) -> None:
    paths = ["serial", f"processes x{workers}", f"dask x{workers}"] + (["batch_run x1"] if mesa else [])
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        sweep = sweep_file(tmp, kind, points, reps)
        n = points * reps
        print(f"\n[1] {kind}: LHS {points} points x {reps} replications = {n:,} runs; {repeats} interleaved repeats "
              f"(order rotates); load average before: {os.getloadavg()[0]:.1f}", flush=True)
        results: dict[str, list[dict]] = {p: [] for p in paths}
        for r in range(repeats):
            order = paths[r % len(paths):] + paths[:r % len(paths)]
            for p in order:
                out = tmp / f"{p.split()[0]}_{r}"
                out.mkdir()
                got = measure(p, sweep, out, workers, mesa_points)
                results[p].append(got)
                print(f"    repeat {r + 1} {p:<14} wall {got['wall']:7.2f} s  cpu {got['cpu']:7.2f} s  "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
        runs = {p: results[p][0].get("runs") or n for p in paths}  # per-replication figures divide by these
        med = {p: {k: statistics.median(g[k] for g in results[p]) / runs[p] for k in ("wall", "cpu")} for p in paths}
        floors = [g["floor"] for g in results["serial"] if g.get("floor")]
        if floors:
            med = {"floor": {"wall": float("nan"), "cpu": statistics.median(floors) / n}, **med}
        ref = "batch_run x1" if mesa else "serial"
        print(f"\n    {'path':<14} {'CPU ms/run':>11} {'x floor':>8} {'x ' + ref:>15} {'wall ms/run':>12} "
              f"{'throughput x serial':>20}")
        for p, m in med.items():
            fl = m["cpu"] / med["floor"]["cpu"] if "floor" in med else float("nan")
            thr = med["serial"]["wall"] / m["wall"] if p != "floor" else float("nan")
            print(f"    {p:<14} {m['cpu'] * 1e3:11.3f} {fl:8.1f} {m['cpu'] / med[ref]['cpu']:15.3f} "
                  f"{m['wall'] * 1e3:12.3f} {thr:20.2f}")
        proc, dask = med[f"processes x{workers}"], med[f"dask x{workers}"]
        print(f"    processes x{workers} throughput = {med['serial']['wall'] / proc['wall']:.2f}x serial "
              f"(target >= 1.6x on 2 free cores); dask wall = {dask['wall'] / proc['wall']:.2f}x processes "
              f"(target <= 1.3x)")
        base = rows_of("serial", tmp / "serial_0")
        same = {}
        for p in paths[1:]:
            got = rows_of(p, tmp / f"{p.split()[0]}_0")
            same[p] = same_rows(got, base[base.point < got.point.max() + 1].reset_index(drop=True))
        print("    rows equal to serial's: " + ", ".join(f"{p}: {v}" for p, v in same.items()), flush=True)


def peak_memory(kind: str, workers: int) -> None:
    """Run a 100,000-run sweep in a subprocess; sample the RSS of its whole process tree."""
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = sweep_file(tmp, kind, 12_500, 8)  # 12,500 points x 8 replications
        cmd = [sys.executable, "-m", "sim", "sweep", str(path), "--out", str(tmp / "big"),
               "--executor", "processes", "--workers", str(workers), "--no-report"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak, stop = 0, threading.Event()

        def sample() -> None:
            nonlocal peak
            p = psutil.Process(proc.pid)
            while not stop.is_set():
                try:
                    tree = [p, *p.children(recursive=True)]
                    peak = max(peak, sum(q.memory_info().rss for q in tree if q.is_running()))
                except psutil.Error:
                    pass
                time.sleep(0.1)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        rc = proc.wait()
        stop.set()
        th.join()
        secs = time.perf_counter() - t0
        from sim.sweeps.store import read_store

        n = read_store(tmp / "big").n_done()
        size = sum(f.stat().st_size for f in (tmp / "big" / "parts").glob("*.parquet"))
        print(f"\n[2] {kind}: {n} runs (exit {rc}) in {secs:.0f} s ({n / secs:.0f} runs/s), peak RSS of the process "
              f"tree {peak / 2**20:.0f} MiB (target < 1024 MiB), store {size / 2**20:.1f} MiB on disk")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--points", type=int, default=2500, help="LHS design points")
    ap.add_argument("--reps", type=int, default=4, help="replications per point")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--evaluator", choices=("model", "ishigami"), default="model")
    ap.add_argument("--no-mesa", action="store_true", help="leave out mesa.batch_run")
    ap.add_argument("--mesa-points", type=int, default=100, help="design points batch_run runs (all replications)")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--sweep", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one_path(args.one, args.sweep, args.out, args.workers, args.mesa_points)))
        return
    print(f"cpus: {psutil.cpu_count()}, load average: {os.getloadavg()}")
    if not args.skip_throughput:
        compare(args.evaluator, args.points, args.reps, args.workers, args.repeats, not args.no_mesa, args.mesa_points)
    if not args.skip_memory:
        peak_memory(args.evaluator, args.workers)


if __name__ == "__main__":
    main()
