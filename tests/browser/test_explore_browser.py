"""``sim explore`` in a real browser: move a slider, wait for the new result, read the difference, write the file.

Drives Debian's Chromium through Playwright as the classroom test does. Waits on what the page says about its
state (``.explore-status``), never on fixed sleeps. Saves docs/img/explore-*.png for docs/explore.md.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.browser.conftest import stop_server, wait_for_server  # the Chromium fixture comes from conftest.py too

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SHOTS = Path(os.environ.get("EXPLORE_SCREENSHOTS", ROOT / "docs" / "img"))
N = 30
TIMEOUT = 120_000  # ms: two arms of N runs on a busy two-core machine
VIEWPORT = {"width": 1400, "height": 3000}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``sim explore scenarios/baseline.yaml -n 40``; yields (url, the file the page writes, console output)."""
    folder = tmp_path_factory.mktemp("explore")
    out = folder / "studies" / "damascus_tough.yaml"
    port = _free_port()
    cmd = [sys.executable, "-m", "sim.cli.explore_cmd", str(BASELINE), "--port", str(port), "-n", str(N),
           "--seed", "7", "--out", str(out), "--show", "events.guarantee_lapses.probability"]
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    log = folder / "server.out"
    with log.open("w") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.STDOUT, cwd=folder, env=env)
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_for_server(url, proc, log, "sim explore", 120)
            yield url, out, log
        finally:
            stop_server(proc)


def _outward_address() -> str | None:
    """This machine's address on its default route (no packet is sent), or None without a network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))
            address = sock.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_listens_on_loopback_only(server):
    url, _, log = server
    assert "open http://127.0.0.1:" in log.read_text()
    address = _outward_address()
    if address is None:
        pytest.skip("no non-loopback address to try")
    port = int(url.rsplit(":", 1)[1].strip("/"))
    with socket.socket() as sock, pytest.raises(OSError):
        sock.settimeout(3)
        sock.connect((address, port))


def test_move_a_slider_see_the_difference_and_write_the_scenario(chromium, server):
    from playwright.sync_api import expect

    url, out, _ = server
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(url)
    status = page.locator(".explore-status")
    expect(status).to_contain_text("Up to date", timeout=TIMEOUT)
    expect(status).to_contain_text("Changes: none")
    expect(page.locator(".explore-difference")).to_contain_text("No changes yet")
    expect(page.locator(".explore-slider")).to_have_count(11)  # 10 default sliders + the one asked for with --show
    page.screenshot(path=str(SHOTS / "explore-start.png"))

    # Damascus's alternative to a deal becomes as good as it gets: move its outside option to the top.
    slider = page.locator(".explore-slider", has_text="actors.SYR.outside_option").get_by_role("slider")
    slider.focus()
    slider.press("End")
    slider.blur()  # no value bubble over the label in the screenshot
    expect(status).to_contain_text("actors.SYR.outside_option = 1", timeout=TIMEOUT)
    expect(status).to_contain_text("Up to date", timeout=TIMEOUT)
    difference = page.locator(".explore-difference")
    expect(difference).to_contain_text("Changes whose paired 95% interval excludes zero")
    row = difference.locator("tr", has=page.get_by_role("cell", name="Talks", exact=True)) \
        .filter(has=page.get_by_role("cell", name="talks broke down", exact=True))
    expect(row).to_have_count(1)
    assert row.locator("td").nth(2).inner_text().startswith("+")  # more runs end in a breakdown
    page.screenshot(path=str(SHOTS / "explore-changed.png"))

    # The picker adds a parameter, whose slider then works like the others.
    page.get_by_label("Add a parameter (type to search)").fill("TUR.capab")
    page.get_by_role("option", name="Turkey: capability (actors.TUR.capability)").click()
    expect(page.locator(".explore-slider")).to_have_count(12, timeout=TIMEOUT)

    # The information setting of the coercive mechanism (read from its parameter model): private resolve.
    page.get_by_role("button", name="private", exact=True).click()
    expect(status).to_contain_text("information = private", timeout=TIMEOUT)
    expect(status).to_contain_text("Up to date", timeout=5 * TIMEOUT)  # private information: ~1 s per run here

    page.get_by_role("button", name="Write scenario file").click()
    message = page.locator(".explore-write-message")
    expect(message).to_contain_text("Wrote", timeout=TIMEOUT)
    page.screenshot(path=str(SHOTS / "explore-written.png"))
    page.close()

    doc = yaml.safe_load(out.read_text())
    assert (out.parent / doc["extends"]).resolve() == BASELINE.resolve()
    assert doc["actors"] == {"SYR": {"outside_option": 1.0}}
    assert doc["mechanism"] == {"params": {"information": "private"}}
    assert "sim explore" in doc["evidence"]["actors.SYR.outside_option"]["assumption"]
    check = subprocess.run([sys.executable, "-m", "sim", "validate", str(out), "--strict"], capture_output=True,
                           text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
