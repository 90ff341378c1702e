"""Sensitivity sweeps: declare in YAML, sample with SALib designs, run on any executor, store as Parquet.

Notebook API (pandas out)::

    from sim.experiments.sweeps import run_sweep, load_results, point_results, analyze
    run_sweep("scenarios/sweeps/baseline_sobol.yaml", "runs/sobol", executor="processes", workers=2)
    runs = load_results("runs/sobol")        # one row per run (parameters joined in)
    points = point_results("runs/sobol")     # one row per design point: output means over replications
    tables = analyze("runs/sobol")           # output -> sensitivity table (+ seed share of variance)
    compare_mechanisms("runs/cmp")           # a `mechanisms: [...]` sweep: each mechanism, paired differences
"""

from __future__ import annotations

from .runner import SweepRun, run_sweep, sample_design
from .spec import SweepSpec, SweepSpecError, load_sweep, parse_sweep
from .store import StoreMismatchError


def load_results(directory, columns=None):
    """All finished runs of a sweep directory as a DataFrame (see ``sim.analysis.sensitivity``)."""
    from sim.analysis.sensitivity import load_results as _load  # noqa: PLC0415

    return _load(directory, columns)


def point_results(directory):
    """Per-point output means, replication counts and within-point variances."""
    from sim.analysis.sensitivity import point_results as _points  # noqa: PLC0415

    return _points(directory)


def analyze(directory):
    """Sensitivity tables per output of interest, for a finished or partial sweep."""
    from sim.analysis.sensitivity import analyze as _analyze  # noqa: PLC0415

    return _analyze(directory)


def compare_mechanisms(directory):
    """Outputs per mechanism with intervals and paired differences (a sweep with ``mechanisms:``)."""
    from sim.analysis.sensitivity import compare_mechanisms as _compare  # noqa: PLC0415

    return _compare(directory)


__all__ = ["StoreMismatchError", "SweepRun", "SweepSpec", "SweepSpecError", "analyze", "compare_mechanisms",
           "load_results", "load_sweep", "parse_sweep", "point_results", "run_sweep", "sample_design"]
