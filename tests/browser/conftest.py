"""Browser fixtures: Debian's Chromium through Playwright, and a `sim play` server on a scenario with hostile text.

``playwright install`` cannot download browsers here: the tests drive ``/usr/bin/chromium`` with
``executable_path`` and the flags below (DESIGN.md, Solara facts). Every wait is on page state (Playwright's
``expect`` on a locator), never a fixed sleep, so the tests hold on a loaded machine; the timeout only bounds how
long the server may take to push a change.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest
import yaml

from tests.browser.hostile import HOSTILE_DATA, HOSTILE_HTML, HOSTILE_LINK

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
TIMEOUT = 90_000  # ms: the longest the server may take to push a change to a page on a busy machine



def _skip_loudly(reason: str) -> None:
    banner = f"\n{'!' * 78}\nBROWSER TEST SKIPPED: {reason}\n{'!' * 78}\n"
    sys.stderr.write(banner)
    warnings.warn(banner, stacklevel=2)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _skip_loudly("the Python package 'playwright' is not installed (pip install playwright)")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        _skip_loudly(f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium`")
    expect.set_options(timeout=TIMEOUT)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_pages(request):
    """Close every page a test opened: a page left open after its server stops keeps reconnecting and burns a
    core for the rest of the session (measured: eight renderers at ~13% CPU each for an hour)."""
    yield
    if "chromium" in request.fixturenames:
        for context in list(request.getfixturevalue("chromium").contexts):
            context.close()


def wait_for_server(url: str, proc: subprocess.Popen, log: Path, what: str, seconds: float) -> None:
    """Poll ``url`` until the server answers (there is no page yet to wait on); fail with its log if it exits or
    does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read(100)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start:\n" + log.read_text()) from None
            time.sleep(0.5)


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate a server started by a fixture; kill it if it does not stop within 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hostile_scenario(folder: Path) -> Path:
    """The baseline, eight months long, with hostile text in Turkey's brief and in a library event."""
    brief = yaml.safe_load(BASELINE.read_text())["actors"]["TUR"]["brief"].strip()
    # guarantee_lapses keeps its monthly probability; its window is cut to the eight months played
    data = {
        "extends": str(BASELINE), "name": "classroom_browser", "rounds": 8,  # a short play-out after the class
        "actors": {"TUR": {"brief": f"{brief} {HOSTILE_LINK} {HOSTILE_DATA} {HOSTILE_HTML}"}},
        "events": {"guarantee_lapses": {"window": [3, 8]},  # inside the eight months (windows beyond are refused)
                   "leaked_cable": {
            "label": "Leaked cable <script>window.__pwned=3</script>", "library_only": True,
            "description": f"A cable surfaces. {HOSTILE_LINK} {HOSTILE_HTML}",
            "effects": [{"path": "actors.TUR.capability", "add": 0.0}]}},
    }
    path = folder / "classroom_browser.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``sim play`` on 0.0.0.0 with three teams (two veto players and an influencer) playing two rounds; yields
    (url, codes, log, scenario, console output)."""
    folder = tmp_path_factory.mktemp("war_game")
    scenario = hostile_scenario(folder)
    log = folder / "game.jsonl"
    port = _free_port()
    cmd = [sys.executable, "-m", "sim.cli.play", str(scenario), "--host", "0.0.0.0", "--port", str(port),
           "--log", str(log), "--roles", "RUS,SYR,TUR", "--seed", "3", "--rounds", "2", "--baseline", "40"]
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    out_path = folder / "server.out"
    out = out_path.open("w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_server(url, proc, out_path, "sim play", 180)
        text = out_path.read_text()
        codes = {"facilitator": re.search(r"facilitator code: (\S+)", text).group(1)}
        for actor in ("RUS", "SYR", "TUR"):
            codes[actor] = re.search(rf"^\s*{actor} .*?(\w{{5}}-\w{{5}})\s*$", text, re.M).group(1)
        yield url, codes, log, scenario, text
    finally:
        stop_server(proc)
        out.close()
