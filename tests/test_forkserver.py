"""The forked forkserver (sim.experiments.forkserver): its workers inherit the driver's modules, it holds none of the
driver's file descriptors (so no sweep-folder lock outlives the driver's own), it stops with the driver, and it is
not started where forking would be unsafe.

Each case runs in a fresh interpreter: the server replaces the global forkserver of the process that starts it,
which must not be the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the forked server is Linux-only")


def run_script(code: str, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


INHERIT = """
import fcntl, json, multiprocessing as mp, os, sys
from multiprocessing import forkserver
from sim.experiments.forkserver import start_forked_forkserver

json._driver_marker = 1  # set in the driver only: a fresh interpreter would not have it
lock = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(lock, fcntl.LOCK_EX)  # like a sweep folder's lock, released by closing
started = start_forked_forkserver()
again = start_forked_forkserver()  # one runs already: nothing to do
os.close(lock)
other = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    lock_free = True
except BlockingIOError:
    lock_free = False
ctx = mp.get_context("forkserver")
probe = ("import json, sys; from multiprocessing import forkserver; "
         "free = forkserver._forkserver._lock.acquire(blocking=False); "
         "sys.exit(3 if not getattr(json, '_driver_marker', 0) else 0 if free else 4)")
p = ctx.Process(target=exec, args=(probe,))
p.start()
p.join()
print(json.dumps({"started": started, "again": again, "lock_free": lock_free, "inherited": p.exitcode,
                  "server": forkserver._forkserver._forkserver_pid}))
"""


def test_workers_inherit_the_driver_and_the_server_holds_no_lock_and_stops_with_it(tmp_path):
    got = run_script(INHERIT, str(tmp_path / "sweep.lock"))
    assert got["started"] is True and got["again"] is False
    assert got["inherited"] != 3, "a worker of the forked server must see what the driver imported and set"
    assert got["inherited"] == 0, "a worker must find the forkserver's lock free (the driver held it while forking)"
    assert got["lock_free"], "the server must not keep a file lock of the driver alive"
    import psutil

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the driver has exited: its server sees EOF on its pipe and stops
        try:
            if psutil.Process(got["server"]).status() == psutil.STATUS_ZOMBIE:
                break
        except psutil.NoSuchProcess:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the forked forkserver {got['server']} outlived its driver")


THREADED = """
import json, threading, time
from multiprocessing import forkserver
from sim.experiments.forkserver import start_forked_forkserver

t = threading.Thread(target=time.sleep, args=(0.5,))
t.start()
started = start_forked_forkserver()
t.join()
print(json.dumps({"started": started, "server": forkserver._forkserver._forkserver_pid}))
"""


def test_not_started_while_another_thread_runs():
    got = run_script(THREADED)
    assert got == {"started": False, "server": None}


PREPARE = """
import json, multiprocessing as mp
from sim.experiments.forkserver import start_forked_forkserver

def prepare():
    json._server_marker = 7  # set in the server only, after the fork
    raise ValueError("a failing preparation must not stop the server")

started = start_forked_forkserver(prepare)
ctx = mp.get_context("forkserver")
p = ctx.Process(target=exec, args=("import json, sys; sys.exit(getattr(json, '_server_marker', 3))",))
p.start()
p.join()
print(json.dumps({"started": started, "worker": p.exitcode, "driver": getattr(json, "_server_marker", None)}))
"""


def test_what_the_server_prepares_after_the_fork_reaches_its_workers_not_the_driver():
    got = run_script(PREPARE)
    assert got == {"started": True, "worker": 7, "driver": None}


DASK = """
import json, sys
from sim.sweeps import executors, run, run_sweep

json._driver_marker = 1
seen = {}
make = run.make_executor

def recording(*args, **kwargs):
    ex = make(*args, **kwargs)
    seen["forked"] = ex.forked_server
    seen["marker"] = list(ex.client.run(lambda: getattr(sys.modules["json"], "_driver_marker", None)).values())
    return ex

run.make_executor = recording
run_sweep(sys.argv[1], sys.argv[2], executor="dask", workers=2, chunk_size=16)
print(json.dumps(seen))
"""


def test_dask_local_cluster_forks_its_workers_from_a_warm_server_and_restarts_a_dead_one(tmp_path):
    pytest.importorskip("dask.distributed")
    import pandas as pd
    import yaml

    from sim.sweeps import run_sweep
    from sim.sweeps.analysis import load_results

    marker = tmp_path / "died"  # the first run in a worker process kills it: its nanny restarts it from the server
    sweep = tmp_path / "eq.yaml"
    sweep.write_text(yaml.safe_dump({
        "name": "eq", "evaluator": {"ishigami": {"noise": 1.0, "die_once_marker": str(marker)}}, "design": "sobol",
        "samples": 32, "replications": 3, "seed": 9, "parameters": {x: [-3.14159, 3.14159] for x in ("x1", "x2", "x3")},
        "outputs": ["mean(y)"]}))
    run_sweep(sweep, tmp_path / "serial", executor="serial")  # the driver never dies
    got = run_script(DASK, str(sweep), str(tmp_path / "dask"))
    assert got == {"forked": True, "marker": [1, 1]}
    assert marker.exists(), "a worker process must actually have died (and been restarted)"
    pd.testing.assert_frame_equal(load_results(tmp_path / "dask").reset_index(drop=True),
                                  load_results(tmp_path / "serial").reset_index(drop=True))
