"""Sweep throughput and memory benchmark (issue 4).

1. Runs/s of the same sweep (same model, same design points, same seeds) through the sweep engine's serial,
   processes and Dask executors, and through Mesa's ``batch_run`` with a thin ``mesa.Model`` wrapper around the
   project's ``NegotiationModel``; printed side by side with ratios. The same comparison is repeated with the
   Ishigami function wrapped the same way, where the per-run cost is ~0 and only the engine's overhead counts.
2. Peak resident memory (sum over the whole process tree, sampled every 0.1 s) of a 100,000-run sweep.

Usage::

    python benchmarks/bench_sweeps.py                    # both parts (the 100k sweep takes a few minutes)
    python benchmarks/bench_sweeps.py --skip-memory
    python benchmarks/bench_sweeps.py --memory-evaluator ishigami   # 100k runs of the test function (fast)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import mesa
import numpy as np
import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.model.model import NegotiationModel  # noqa: E402
from sim.scenario import compile_scenario, load_scenario  # noqa: E402
from sim.sweeps import load_sweep, run_sweep, sample_design  # noqa: E402
from sim.sweeps.evaluators import IshigamiEvaluator, release_mesa_models  # noqa: E402
from sim.sweeps.tasks import run_seed  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
PARAMS = load_sweep(ROOT / "scenarios" / "sweeps" / "baseline_sobol.yaml").identity()["parameters"]

_CACHE: dict = {}  # per worker process: sweep file -> (design, names, seed); "compiled" -> scenario


def _design(sweep: str) -> tuple[np.ndarray, list[str], int]:
    """The sweep's design points, computed once per process (Mesa's Pool may spawn, not fork)."""
    if sweep not in _CACHE:
        spec = load_sweep(sweep)
        _CACHE[sweep] = (sample_design(spec), spec.names, spec.seed)
    return _CACHE[sweep]


class NegotiationBatchModel(NegotiationModel):
    """Thin wrapper so ``mesa.batch_run`` can address a design point and replication by two integers."""

    def __init__(self, sweep: str = "", point: int = 0, rep: int = 0) -> None:
        if "compiled" not in _CACHE:
            release_mesa_models()  # same leak fix as the engine's evaluator, so only the runners differ
            _CACHE["compiled"] = compile_scenario(load_scenario(BASELINE))
        design, names, seed = _design(sweep)
        overrides = dict(zip(names, map(float, design[point]), strict=True))
        super().__init__(_CACHE["compiled"], run_seed(seed, point, rep), overrides=overrides, record=False)
        self.summary: dict = {}
        self.datacollector = mesa.DataCollector(model_reporters={
            k: (lambda m, k=k: m.summary.get(k)) for k in
            ("agreed", "agreement_round", "outcome.tartus", "category.tartus")})
        self.datacollector.collect(self)  # batch_run indexes collected rows by step number

    def step(self) -> None:
        super().step()
        if self.finished:  # fewer columns than the engine stores: favours batch_run slightly
            out = self.outcome()
            self.summary = {"agreed": out.agreed, "agreement_round": out.agreement_round,
                            "outcome.tartus": float(out.package[self.compiled.issue_ids.index("tartus")]),
                            "category.tartus": out.categories["tartus"]}
        self.datacollector.collect(self)


class IshigamiBatchModel(mesa.Model):
    """The Ishigami function as a one-step Mesa model (measures pure per-run overhead)."""

    def __init__(self, sweep: str = "", point: int = 0, rep: int = 0) -> None:
        design, names, seed = _design(sweep)
        super().__init__(rng=run_seed(seed, point, rep))
        self.params = dict(zip(names, map(float, design[point]), strict=True))
        self.seed_, self.y = run_seed(seed, point, rep), None
        self.datacollector = mesa.DataCollector(model_reporters={"y": "y"})
        self.datacollector.collect(self)

    def step(self) -> None:
        self.y = IshigamiEvaluator()(self.params, self.seed_)["y"]
        self.running = False
        self.datacollector.collect(self)


def sweep_file(tmp: Path, kind: str, samples: int, reps: int, design: str = "sobol") -> Path:
    if kind == "model":
        spec = {"scenario": str(BASELINE), "parameters": {p["path"]: [p["low"], p["high"]] for p in PARAMS},
                "outputs": ["mean(outcome.tartus)"]}
    else:
        spec = {"evaluator": "ishigami", "outputs": ["mean(y)"],
                "parameters": {"x1": [-np.pi, np.pi], "x2": [-np.pi, np.pi], "x3": [-np.pi, np.pi]}}
    spec.update({"name": f"bench_{kind}", "design": design, "samples": samples, "replications": reps,
                 "seed": 2024})
    path = tmp / f"{kind}_{design}_{samples}_{reps}.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def time_engine(path: Path, tmp: Path, executor: str, workers: int) -> tuple[float, int]:
    out = tmp / f"out_{path.stem}_{executor}"
    t0 = time.perf_counter()
    res = run_sweep(path, out, executor=executor, workers=workers)
    return time.perf_counter() - t0, res.n_ran


def time_batch_run(path: Path, kind: str, workers: int) -> tuple[float, int]:
    spec = load_sweep(path)
    n_points = len(sample_design(spec))
    cls = NegotiationBatchModel if kind == "model" else IshigamiBatchModel
    t0 = time.perf_counter()
    rows = mesa.batch_run(cls, {"sweep": str(path), "point": range(n_points), "rep": range(spec.replications)},
                          number_processes=workers, iterations=1, max_steps=1000, display_progress=False)
    return time.perf_counter() - t0, len(rows)


def throughput(kind: str, samples: int, reps: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = sweep_file(tmp, kind, samples, reps)
        results = {}
        for label, fn in [("engine serial", lambda: time_engine(path, tmp, "serial", 1)),
                          (f"engine processes x{workers}", lambda: time_engine(path, tmp, "processes", workers)),
                          (f"engine dask x{workers}", lambda: time_engine(path, tmp, "dask", workers)),
                          ("mesa.batch_run x1", lambda: time_batch_run(path, kind, 1)),
                          (f"mesa.batch_run x{workers}", lambda: time_batch_run(path, kind, workers))]:
            secs, n = fn()
            results[label] = n / secs
            print(f"  {label:<24} {n:>7} runs {secs:7.2f} s {n / secs:9.0f} runs/s", flush=True)
        base = results[f"mesa.batch_run x{workers}"]
        print(f"  ratios vs mesa.batch_run x{workers}: " + ", ".join(
            f"{k}: {v / base:.2f}x" for k, v in results.items() if not k.startswith("mesa")))
        print(f"  ratio engine serial / batch_run x1: {results['engine serial'] / results['mesa.batch_run x1']:.2f}x")


def peak_memory(kind: str, workers: int) -> None:
    """Run a 100,000-run sweep in a subprocess; sample the RSS of its whole process tree."""
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        path = sweep_file(tmp, kind, 12_500, 8, design="lhs")  # 12,500 points x 8 replications
        cmd = [sys.executable, "-m", "sim.sweeps", "sweep", str(path), "--out", str(tmp / "big"),
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
        print(f"  {kind}: {n} runs (exit {rc}) in {secs:.0f} s ({n / secs:.0f} runs/s), peak RSS of the process "
              f"tree {peak / 2**20:.0f} MiB (target < 1024 MiB), store {size / 2**20:.1f} MiB on disk")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--samples", type=int, default=16, help="Sobol N for the model comparison (runs: N x 12 x reps)")
    ap.add_argument("--reps", type=int, default=8)
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--memory-evaluator", choices=("model", "ishigami"), default="model")
    args = ap.parse_args()
    print(f"cpus: {psutil.cpu_count()}, load average: {psutil.getloadavg()}")
    if not args.skip_throughput:
        print(f"\n[1] negotiation model, baseline_sobol parameters, Sobol N={args.samples}, "
              f"{args.reps} replications")
        throughput("model", args.samples, args.reps, args.workers)
        print("\n[2] Ishigami function (per-run cost ~0: engine overhead only), Sobol N=4096, 4 replications")
        throughput("ishigami", 4096, 4, args.workers)
    if not args.skip_memory:
        print("\n[3] peak memory of a 100,000-run sweep (LHS 12,500 points x 8 replications, processes)")
        peak_memory(args.memory_evaluator, args.workers)


if __name__ == "__main__":
    main()
