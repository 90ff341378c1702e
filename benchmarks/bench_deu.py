"""Wall time of the DEU benchmark (issue 3): every mechanism on every scorable issue, scoring, calibration, stacking.

Target: ``sim validate-external deu`` prints its table well under 10 minutes on 2 cores. This script times the
same pipeline in-process, stage by stage, and (``--cli``) the command itself end to end.

Usage::

    python benchmarks/bench_deu.py                 # stages, default 1000 bootstrap resamples
    python benchmarks/bench_deu.py --cli           # also time the CLI in a subprocess
    python benchmarks/bench_deu.py --data PATH     # another copy of deu3.csv
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sim.validation.calibrate import nested_cv
from sim.validation.deu import DataMissing, load_deu
from sim.validation.ensemble import stacked_cv
from sim.validation.report import benchmark_mechanisms
from sim.validation.runner import predict_issues
from sim.validation.score import score_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--cli", action="store_true", help="also time `sim validate-external deu`")
    args = parser.parse_args()
    try:
        t0 = time.perf_counter()
        issues = load_deu(args.data)
    except DataMissing as exc:
        print(f"skipped: {exc}")
        return 0
    t1 = time.perf_counter()
    mechanisms = benchmark_mechanisms()
    table = predict_issues(issues, mechanisms)
    t2 = time.perf_counter()
    score_table(table, n_boot=args.bootstrap)
    t3 = time.perf_counter()
    nested_cv(issues, n_boot=args.bootstrap)
    t4 = time.perf_counter()
    forecasts = {m: table.loc[table["method"] == m, "prediction"].to_numpy(float)
                 for m in ("weighted_mean", *mechanisms)}
    stacked_cv(forecasts, table.drop_duplicates("issue")["outcome"].to_numpy(float),
               [i.proposal_id for i in issues], n_boot=args.bootstrap)
    t5 = time.perf_counter()
    print(f"cores available: {os.cpu_count()}; issues: {len(issues)}; methods: {table['method'].nunique()}")
    print(f"load {t1 - t0:6.2f} s | mechanisms {t2 - t1:6.2f} s | scoring {t3 - t2:6.2f} s | "
          f"calibration {t4 - t3:6.2f} s | stacking {t5 - t4:6.2f} s | total {t5 - t0:6.2f} s")
    per = {m: 0.0 for m in mechanisms}
    for name in mechanisms:
        start = time.perf_counter()
        predict_issues(issues, {name: mechanisms[name]})
        per[name] = time.perf_counter() - start
    print("per mechanism (incl. baselines):", ", ".join(f"{k} {v:.2f} s" for k, v in per.items()))
    if args.cli:
        with tempfile.TemporaryDirectory() as tmp:
            exe = shutil.which("sim")
            if exe is None:
                print("CLI not timed: the `sim` command is not installed (pip install -e .)")
                return 0
            cmd = [exe, "validate-external", "deu", "--out", tmp, "--bootstrap", str(args.bootstrap)]
            if args.data:
                cmd += ["--data", str(args.data)]
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            print(f"CLI end to end: {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
