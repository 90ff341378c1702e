"""A full short war game in real browsers: two teams and the white cell, each in its own browser context.

Drives Debian's Chromium through Playwright (``apt-get install -y chromium``; ``playwright install`` cannot
download browsers here). Saves the screenshots used in docs/classroom.md (docs/img/classroom_*.png).
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

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SHOTS = Path(os.environ.get("CLASSROOM_SCREENSHOTS", ROOT / "docs" / "img"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
TIMEOUT = 30_000  # ms, for anything the server must push to a page


def _skip_loudly(reason: str) -> None:
    banner = f"\n{'!' * 78}\nBROWSER TEST SKIPPED: {reason}\n{'!' * 78}\n"
    sys.stderr.write(banner)
    warnings.warn(banner, stacklevel=2)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_loudly("the Python package 'playwright' is not installed (pip install playwright)")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        _skip_loudly(f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium`")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=FLAGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``sim play scenarios/baseline.yaml`` with two teams playing two rounds; yields (url, codes, log, scenario)."""
    folder = tmp_path_factory.mktemp("war_game")
    scenario = BASELINE
    log = folder / "game.jsonl"
    port = _free_port()
    cmd = [sys.executable, "-m", "sim.cli.play", str(scenario), "--port", str(port), "--log", str(log),
           "--roles", "RUS,SYR", "--seed", "3", "--rounds", "2", "--baseline", "40"]
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    out = (folder / "server.out").open("w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read(100)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("sim play did not start:\n" + (folder / "server.out").read_text()) \
                        from None
                time.sleep(0.5)
        text = (folder / "server.out").read_text()
        codes = {"facilitator": re.search(r"facilitator code: (\S+)", text).group(1)}
        for actor in ("RUS", "SYR"):
            codes[actor] = re.search(rf"^\s*{actor} .*?(\w{{5}}-\w{{5}})\s*$", text, re.M).group(1)
        yield url, codes, log, scenario
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()


def _snippet(text: str) -> str:
    """A stretch of plain words from a brief (punctuation may be typeset differently in the page)."""
    return max(re.findall(r"[A-Za-z ]{20,}", text), key=len).strip()


def _toggle(scope, name: str) -> None:
    """Click a toggle button and wait until the server has made it the active one (clicks are not queued:
    a robot clicking twice within milliseconds can race the re-render; a person cannot)."""
    from playwright.sync_api import expect

    button = scope.get_by_role("button", name=name, exact=True)
    for _ in range(3):
        button.click()
        try:
            expect(button).to_have_class(re.compile(r"v-(btn|item)--active"), timeout=3000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"toggle {name!r} did not become active")


def _join(browser, url: str, code: str, expect_text: str, shot: str | None = None):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(url)
    page.get_by_label("Join code").fill(code)
    if shot:
        page.screenshot(path=str(SHOTS / shot))
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text(expect_text).first).to_be_visible()
    return page


def test_two_teams_and_the_white_cell_play_a_short_game(chromium, server) -> None:
    from playwright.sync_api import expect

    from sim.classroom.session import ExerciseSession
    from sim.scenario import load_scenario

    url, codes, log, scenario = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    sc = load_scenario(scenario)
    briefs = {a: _snippet(sc.actors[a].brief) for a in sc.actors}

    # a wrong code is refused with a message
    stranger = chromium.new_context().new_page()
    stranger.goto(url)
    stranger.get_by_label("Join code").fill("NOPE1-NOPE2")
    stranger.get_by_role("button", name="Join").click()
    expect(stranger.get_by_text("unknown join code")).to_be_visible(timeout=TIMEOUT)

    white = _join(chromium, url, codes["facilitator"], "White cell (facilitator)")
    rus = _join(chromium, url, codes["RUS"], "You play Russia", shot="classroom_join.png")
    syr = _join(chromium, url, codes["SYR"], "You play")
    pages = {"RUS": rus, "SYR": syr}

    def check_privacy() -> None:
        for actor, page in pages.items():
            html = page.content()
            assert briefs[actor] in page.locator(".private-brief").inner_text().replace("\n", " ")
            for other, snippet in briefs.items():
                if other != actor:
                    assert snippet not in html, f"{other}'s brief leaked into {actor}'s page"
            for who, code in codes.items():
                if who != actor:
                    assert code not in html, f"{who}'s code leaked into {actor}'s page"

    check_privacy()

    # Russia puts a package on the table and will reject anything else
    rus.get_by_text("Put a proposal on the table").click()
    for issue in sc.issues.values():
        rus.get_by_label(f"Proposal: {issue.label} (0-100)").fill("90")
    _toggle(rus, "reject")
    rus.get_by_role("button", name="Submit move").click()
    expect(rus.get_by_text("Move for round 1 recorded")).to_be_visible()
    rus.wait_for_timeout(1000)  # let the offer preview catch up, for a tidy screenshot
    rus.screenshot(path=str(SHOTS / "classroom_player.png"), full_page=True)

    expect(syr.locator(".offer-preview")).to_contain_text("this round")

    # Damascus first types nonsense (clear message, nothing changes), then presses on Russia
    syr.get_by_text("Put a proposal on the table").click()
    syr.get_by_label(f"Proposal: {sc.issues['tartus'].label} (0-100)").fill("lots")
    syr.get_by_role("button", name="Submit move").click()
    expect(syr.locator(".form-error")).to_contain_text("expected a number")
    syr.get_by_text("Put a proposal on the table").click()
    _toggle(syr, "reject")
    _toggle(syr, "RUS")
    syr.get_by_label("Pressure strength (0-1)").fill("0.6")
    syr.get_by_role("button", name="Submit move").click()
    expect(syr.get_by_text("Move for round 1 recorded")).to_be_visible()

    # the white cell sees both moves arrive and injects confidential news for Moscow only
    expect(white.locator("td", has_text="yes")).to_have_count(2)
    white.get_by_label("Headline").fill("Kremlin hears of a plot in Latakia")
    white.get_by_label("Details").fill("Only Moscow's team receives this cable.")
    _toggle(white.locator(".inject-form"), "RUS")
    white.get_by_role("button", name="Inject").click()
    expect(white.get_by_text("Queued 'Kremlin hears of a plot in Latakia'")).to_be_visible()
    expect(rus.get_by_text("Kremlin hears of a plot in Latakia")).to_be_visible()  # live, no reload
    assert "plot in Latakia" not in syr.content()
    white.screenshot(path=str(SHOTS / "classroom_facilitator.png"), full_page=True)

    # advance through the phases; the round result reaches the teams only when published
    white.get_by_role("button", name="Advance to next phase").click()
    expect(white.get_by_text("Phase: submit")).to_be_visible()
    expect(rus.get_by_text("Phase: submit")).to_be_visible()
    white.get_by_role("button", name="Advance to next phase").click()
    expect(white.locator(".adjudication")).to_be_visible()
    white.screenshot(path=str(SHOTS / "classroom_adjudicate.png"), full_page=True)
    assert "No round published yet" in syr.locator("body").inner_text()
    # Russia rejected, so there is no deal to veto: the white cell is told so and nothing changes
    _toggle(white.locator(".adjudication"), "reopen talks")
    white.get_by_label("Reason (logged)").fill("checking the veto")
    white.get_by_role("button", name="Apply override").click()
    expect(white.locator(".adjudication .form-error")).to_contain_text("no agreement to reopen")
    white.get_by_role("button", name="Advance to next phase").click()
    expect(syr.get_by_text("Phase: publish")).to_be_visible()
    expect(syr.get_by_text("No round published yet")).to_have_count(0)
    check_privacy()

    # round 2: a public inject from the scenario's event library, chosen in the drop-down
    white.get_by_role("button", name="Advance to next phase").click()
    expect(rus.get_by_text("Phase: negotiate")).to_be_visible()
    aid = sc.events["russian_aid_offer"].label
    white.locator(".inject-form .v-select").click()
    white.locator(".v-menu__content .v-list-item", has_text="russian_aid_offer").click()
    expect(white.locator(".inject-form")).to_contain_text(aid)
    _toggle(white.locator(".inject-form"), "public")
    white.get_by_role("button", name="Inject").click()
    expect(white.locator(".inject-form .form-ok")).to_contain_text(aid)
    for page in (rus, syr):
        expect(page.locator(".news-item", has_text=aid)).to_be_visible()

    # play on to the end (the model plays the months after the class's two rounds)
    advance = white.get_by_role("button", name="Advance to next phase")
    for _ in range(12):
        if advance.is_disabled():
            break
        advance.click()
        white.wait_for_timeout(400)
    expect(white.get_by_text("game over")).to_be_visible()
    expect(rus.locator(".final-outcome")).to_be_visible()
    expect(rus.locator(".comparison")).to_contain_text("model-alone runs", timeout=60_000)
    rus.screenshot(path=str(SHOTS / "classroom_player_debrief.png"), full_page=True)
    check_privacy()

    # the white cell's debrief: charts, comparison with the model alone, export
    _toggle(white, "Debrief")
    expect(white.locator(".comparison")).to_contain_text("model-alone runs", timeout=60_000)
    expect(white.locator("img").first).to_be_visible()
    white.get_by_role("button", name="Export report").click()
    expect(white.locator(".export-done")).to_be_visible(timeout=60_000)
    white.locator(".final-outcome").scroll_into_view_if_needed()
    white.screenshot(path=str(SHOTS / "classroom_debrief.png"))
    white.locator(".comparison").scroll_into_view_if_needed()
    white.screenshot(path=str(SHOTS / "classroom_comparison.png"))

    exported = log.with_suffix("")
    for name in ("report.html", "report.md", "positions.png", "comparison.png", "log.csv", "log.json"):
        assert (exported / name).stat().st_size > 0, name
    replayed = ExerciseSession.replay(log)
    assert replayed.finished
    kinds = [r["kind"] for r in replayed.records]
    assert kinds.count("move") == 2 and kinds.count("inject") == 2
    assert "Kremlin hears of a plot in Latakia" in (exported / "report.md").read_text()
