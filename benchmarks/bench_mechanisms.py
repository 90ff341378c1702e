"""Per-replication cost of every mechanism by size, its growth in actors (N) and issues (M), and old vs new.

Run:  python benchmarks/bench_mechanisms.py [--quick] [--reps 5] [--old-large]

Issue 15's targets for bdm, ktab and exchange: <= 50 ms per replication at 50 x 10 and < 1 s at 100 x 20. The
table marks each against its target twice: as measured here, and scaled to the machine speed at which issue 15
measured the old code (ktab 628, bdm 734, exchange 1,083 ms at 50 x 10): the scale is the median ratio of the
old code's time in this run to the issue's, so a busy machine (the old code slower than in the issue) does not
fail a target that the same code meets on the machine the target was set on.

A replication is one run of ``benchmarks/bench_core.py``'s synthetic N x M scenario (24 monthly rounds, a ring of
relations) through the project's replication path (one Mesa model), with the mechanism switched. Times are CPU
seconds of this process (``time.process_time``), the median over ``--reps`` replications with different seeds;
variants are timed interleaved (replication r of every variant before replication r + 1 of any), so a change
in the machine's load hits them alike and the old/new ratios stay meaningful when absolute times do not.

Old = the implementations kept as slow references in tests/test_bdm_reference.py,
tests/test_ktab_reference.py and tests/test_exchange_reference.py (the code before vectorisation). ``bdm`` runs
twice: ``stop: fixed`` (one BDM round per month, the same work as the old code) and the default ``stop: converge``
(up to ``max_rounds`` BDM rounds in the first month, so its cost depends on how fast the issues settle; the rounds
played are printed).
Growth exponents are least-squares slopes of log(time) on log(N) (M = 10) and on log(M) (N = 40).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_core import synthetic_scenario  # noqa: E402

import sim  # noqa: E402
from sim.core.seeds import replication_seed  # noqa: E402
from sim.experiments.replication import run_replication  # noqa: E402
from sim.mechanisms.base import Mechanism  # noqa: E402
from sim.mechanisms.registry import create  # noqa: E402
from tests.test_bdm_reference import ReferenceBDM  # noqa: E402
from tests.test_exchange_reference import ReferenceExchange  # noqa: E402
from tests.test_ktab_reference import ReferenceKTAB  # noqa: E402

MechanismFactory = Callable[[], Mechanism]
NEW: dict[str, MechanismFactory] = {
    "bargaining": lambda: create("bargaining", {}),
    "compromise": lambda: create("compromise", {}),
    "bdm": lambda: create("bdm", {}),
    "bdm (stop: fixed)": lambda: create("bdm", {"stop": "fixed"}),
    "ktab": lambda: create("ktab", {}),
    "exchange": lambda: create("exchange", {}),
}
OLD: dict[str, MechanismFactory] = {
    "bdm old (fixed)": lambda: ReferenceBDM(stop="fixed"),
    "ktab old": lambda: ReferenceKTAB(),
    "exchange old": lambda: ReferenceExchange(),
}
PAIRS = (("bdm old (fixed)", "bdm (stop: fixed)"), ("ktab old", "ktab"), ("exchange old", "exchange"))
ISSUE_OLD_MS = {"bdm old (fixed)": 734.0, "ktab old": 628.0, "exchange old": 1083.0}  # issue 15, 50 x 10
TARGET_MS = {(50, 10): 50.0, (100, 20): 1000.0}
TARGETED = ("bdm", "bdm (stop: fixed)", "ktab", "exchange")


def compiled_for(n_actors: int, n_issues: int, folder: Path) -> Any:
    path = folder / f"s_{n_actors}_{n_issues}.yaml"
    path.write_text(yaml.safe_dump(synthetic_scenario(n_actors, n_issues)))
    return sim.compile_scenario(sim.load_scenario(path))


def bdm_rounds(mechanism: Mechanism) -> int | None:
    settled = getattr(mechanism, "settled", None)
    return max(v["rounds"] for v in settled.values()) if settled else None


def time_interleaved(compiled, variants: dict[str, MechanismFactory], reps: int) -> dict[str, tuple[float, str]]:
    """Median CPU seconds per replication for each variant, and a note (BDM rounds played)."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    notes: dict[str, list[int]] = {name: [] for name in variants}
    for rep in range(reps):
        for name, factory in variants.items():
            mechanism = factory()
            start = time.process_time()
            run_replication(compiled, replication_seed(0, rep), mechanism=mechanism)
            times[name].append(time.process_time() - start)
            rounds = bdm_rounds(mechanism)
            if rounds is not None:
                notes[name].append(rounds)
    return {name: (statistics.median(times[name]),
                   f"BDM rounds {min(notes[name])}-{max(notes[name])}" if notes[name] else "") for name in variants}


def machine_scale(results: dict[tuple[int, int], dict[str, tuple[float, str]]]) -> float | None:
    """Median over the old implementations of (their time at 50 x 10 in this run) / (issue 15's time)."""
    cell = results.get((50, 10), {})
    ratios = [cell[name][0] * 1e3 / ms for name, ms in ISSUE_OLD_MS.items() if name in cell]
    return statistics.median(ratios) if ratios else None


def print_targets(results: dict[tuple[int, int], dict[str, tuple[float, str]]]) -> None:
    """Each targeted mechanism against issue 15's target: as measured, and scaled to the issue's machine speed."""
    scale = machine_scale(results)
    print("\ntargets (issue 15): CPU ms per replication; 'scaled' = measured / machine scale"
          + (f" {scale:.2f} (old code here vs in the issue, median)" if scale else " (no 50x10 old-code run)"))
    print(f"{'size':>8} {'mechanism':>20} {'ms':>9} {'target':>7} {'mark':>5} {'scaled':>9} {'mark':>5}")
    for size, target in TARGET_MS.items():
        for name in TARGETED:
            if name not in results.get(size, {}):
                continue
            ms = results[size][name][0] * 1e3
            scaled = f"{ms / scale:9.1f} {'pass' if ms / scale <= target else 'FAIL':>5}" if scale else ""
            mark = "pass" if ms <= target else "FAIL"
            print(f"{size[0]:>4}x{size[1]:<3} {name:>20} {ms:9.1f} {target:7.0f} {mark:>5} {scaled}")


def slope(sizes: list[int], seconds: list[float]) -> float:
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2 replications per cell and smaller growth grids")
    parser.add_argument("--reps", type=int, default=None, help="replications per cell (default 5, quick 2)")
    parser.add_argument("--old-large", action="store_true", help="also time the old code at 100 x 20 (minutes)")
    parser.add_argument("--sizes", default="5x5,50x10,100x20", help="sizes of the table, e.g. 5x5,50x10")
    parser.add_argument("--growth-reps", type=int, default=None, help="replications per growth cell (default reps)")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth fit")
    parser.add_argument("--no-table", action="store_true", help="skip the size table")
    args = parser.parse_args()
    reps = args.reps or (2 if args.quick else 5)
    growth_reps = args.growth_reps or reps
    sizes = [tuple(int(v) for v in size.split("x")) for size in args.sizes.split(",")] if not args.no_table else []
    print(f"load average at start: {os.getloadavg()}; {os.cpu_count()} CPUs; {reps} replications per cell")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        time_interleaved(compiled_for(5, 5, folder), NEW | OLD, 1)  # warm-up: imports and first-call costs
        print("\nper-replication CPU time (median, ms); old vs new interleaved in the same loop")
        print(f"{'size':>8} {'mechanism':>20} {'ms':>10}  note")
        results: dict[tuple[int, int], dict[str, tuple[float, str]]] = {}
        for n_actors, n_issues in sizes:
            compiled = compiled_for(n_actors, n_issues, folder)
            variants = dict(NEW)
            if n_actors < 100 or args.old_large:
                variants |= OLD
            result = results[(n_actors, n_issues)] = time_interleaved(compiled, variants, reps)
            for name, (seconds, note) in result.items():
                print(f"{n_actors:>4}x{n_issues:<3} {name:>20} {seconds * 1e3:10.1f}  {note}")
            for old, new in PAIRS:
                if old in result:
                    ratio = result[old][0] / result[new][0]
                    print(f"{n_actors:>4}x{n_issues:<3} {'speed-up ' + new:>20} {ratio:10.1f}x")
        print_targets(results)
        if args.no_growth:
            print(f"\nload average at end: {os.getloadavg()}")
            return
        print("\ngrowth: exponent b in time ~ size^b (per replication, interleaved)")
        ns = [10, 20, 40] if args.quick else [10, 20, 40, 80]
        ms = [5, 10, 20]
        by_n = {n: time_interleaved(compiled_for(n, 10, folder), NEW, growth_reps) for n in ns}
        by_m = {m: time_interleaved(compiled_for(40, m, folder), NEW, growth_reps) for m in ms}
        print(f"{'mechanism':>20} {'b (N, M=10)':>12} {'b (M, N=40)':>12}   ms at N = {ns} / M = {ms}")
        for name in NEW:
            tn, tm = [by_n[n][name][0] for n in ns], [by_m[m][name][0] for m in ms]
            print(f"{name:>20} {slope(ns, tn):12.2f} {slope(ms, tm):12.2f}   "
                  f"{' '.join(f'{t * 1e3:.0f}' for t in tn)} / {' '.join(f'{t * 1e3:.0f}' for t in tm)}")
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
