"""``sim.plots.background``: a job runs in a forked process where that is safe, else in place; same result, and
its errors reach the caller."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sim.experiments import processes
from sim.plots.background import Background

ROOT = Path(__file__).resolve().parents[1]


def whose_pid(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def fails() -> None:
    raise ValueError("drawing failed")


FORKED = """
import os
from sim.plots.background import Background

job = Background(os.getpid)
print(job.forked, job.result() != os.getpid())
failing = Background(int, "not a number")
try:
    failing.result()
except ValueError:
    print(failing.forked, "raised")
"""


def test_forks_when_no_other_thread_runs() -> None:
    """In a fresh process (this test process may have threads left by other tests)."""
    done = subprocess.run([sys.executable, "-c", FORKED], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert done.stdout.split() == ["True", "True", "True", "raised"]


def test_runs_in_place_when_another_thread_runs_or_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        job = Background(whose_pid, 1)
        assert not job.forked and job.result() == (os.getpid(), 2)
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(processes.threading, "active_count", lambda: 1)
    assert Background(whose_pid, 2, parallel=False).result() == (os.getpid(), 4)


def test_errors_reach_the_caller_in_place() -> None:
    job = Background(fails, parallel=False)
    with pytest.raises(ValueError, match="drawing failed"):
        job.result()
