"""Shared by the benchmarks: the CPU time of the vectorised floor (the default mechanism's ``batch_step``)."""

from __future__ import annotations

import time
from pathlib import Path

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"


class FloorMeter:
    """Adds up the CPU time spent inside the baseline mechanism's ``batch_step`` (the vectorised round math) while
    the ``with`` block runs."""

    def __init__(self) -> None:
        import sim
        from sim.mechanisms.registry import get

        self.seconds, self.cls = 0.0, get(sim.load_scenario(BASELINE).mechanism.name)
        self.original = self.cls.batch_step

    def __enter__(self) -> FloorMeter:
        meter, original = self, self.original

        def timed(mech, *args, **kwargs):
            start = time.process_time()
            try:
                return original(mech, *args, **kwargs)
            finally:
                meter.seconds += time.process_time() - start
        self.cls.batch_step = timed
        return self

    def __exit__(self, *exc: object) -> None:
        self.cls.batch_step = self.original
