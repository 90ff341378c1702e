"""sim.core.heap: glibc keeps freed memory once asked; asking twice is harmless; elsewhere nothing happens."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from sim.core.heap import retain_freed_memory

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = """
import resource
import numpy as np
from sim.core.heap import retain_freed_memory
from sim.mechanisms import bdm_math as bm
assert retain_freed_memory()
rng = np.random.default_rng(0)
x, c, s = rng.uniform(0, 100, (10, 50)), rng.uniform(0.1, 3, 50), rng.uniform(0.05, 1, (10, 50))
bm.play_round(x, c, s, np.ptp(x, axis=1), None)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    bm.play_round(x, c, s, np.ptp(x, axis=1), None)
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_retaining_freed_memory_is_idempotent():
    first = retain_freed_memory()
    assert isinstance(first, bool)
    assert retain_freed_memory() is first


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt thresholds are a glibc feature")
def test_on_glibc_bdm_rounds_stop_page_faulting():
    """Five BDM rounds at 50 x 10 in a fresh process (about 6,000 minor page faults without the setting here)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", ROUNDS], capture_output=True, text=True, env=env, check=True)
    assert int(out.stdout.strip()) < 300
