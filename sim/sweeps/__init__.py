"""The whole sweep workflow: spec, designs, executors, store, run, analysis, discovery, plots, report.

Declare in YAML, sample with SALib designs, run on any executor, store as Parquet, analyse and report.

Notebook API (pandas out)::

    from sim.sweeps import run_sweep, load_results, point_results, analyze
    run_sweep("scenarios/sweeps/baseline_sobol.yaml", "runs/sobol", executor="processes", workers=2)
    runs = load_results("runs/sobol")        # one row per run (parameters joined in)
    points = point_results("runs/sobol")     # one row per design point: output means over replications
    tables = analyze("runs/sobol")           # output -> sensitivity table (+ seed share of variance)
    compare_mechanisms("runs/cmp")           # a `mechanisms: [...]` sweep: each mechanism, paired differences
"""

from __future__ import annotations

from .analysis import analyze, compare_mechanisms, load_results, point_results
from .run import SweepRun, run_sweep, sample_design
from .spec import SweepSpec, SweepSpecError, load_sweep, parse_sweep
from .store import StoreMismatchError

__all__ = ["StoreMismatchError", "SweepRun", "SweepSpec", "SweepSpecError", "analyze", "compare_mechanisms",
           "load_results", "load_sweep", "parse_sweep", "point_results", "run_sweep", "sample_design"]
