"""A full short war game in real browsers: three teams (one shared by two students), the white cell and the
projector, each in its own browser context.

Checks the lobby and the start, roles that matter, truthful votes, privacy, the projector and the print-outs,
safe text, and the debrief; saves the screenshots used in docs/classroom.md (docs/img/classroom_*.png).
Every wait is on page state (``expect``), never a fixed sleep.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.hostile import HOSTILE_DATA, HOSTILE_HTML, HOSTILE_LINK

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("CLASSROOM_SCREENSHOTS", ROOT / "docs" / "img"))


def _snippet(text: str) -> str:
    """A stretch of plain words from a brief (punctuation may be typeset differently in the page)."""
    return max(re.findall(r"[A-Za-z ]{20,}", text), key=len).strip()


def _toggle(scope, name: str) -> None:
    """Click a toggle button and wait until the server has made it the active one. The toggles are mandatory
    (a second click on the active button changes nothing), so a click lost in a re-render is simply repeated."""
    from playwright.sync_api import expect

    button = scope.get_by_role("button", name=name, exact=True)
    for _ in range(4):
        button.click()
        try:
            expect(button).to_have_class(re.compile(r"v-(btn|item)--active"), timeout=15_000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"toggle {name!r} did not become active")


def _join(browser, url: str, code: str, name: str, expect_text: str, shot: str | None = None):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.get_by_label("Join code").fill(code)
    page.get_by_label("Your name").fill(name)
    if shot:
        page.screenshot(path=str(SHOTS / shot))
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text(expect_text).first).to_be_visible()
    return page


def _advance(white, timeout: float | None = None) -> None:
    """Advance one phase and wait until the console shows the next one (``timeout``: for the advance after the
    class's last round, when the model plays the remaining months before the page can change)."""
    from playwright.sync_api import expect

    phase = white.locator(".phase")
    before = phase.inner_text()
    white.get_by_role("button", name="Advance to next phase").click()
    expect(phase).not_to_have_text(before, timeout=timeout)


def _no_live_markup(page) -> None:
    """No script link, no data link, no raw HTML element from typed text; clicking a neutralised link runs
    nothing."""
    hostile = "a[href^='javascript' i], a[href^='data' i], [onerror], .md script, .md img, .md b"
    assert page.locator(hostile).count() == 0
    assert page.evaluate("window.__pwned") is None


def test_two_teams_and_the_white_cell_play_a_short_game(chromium, server) -> None:
    from playwright.sync_api import expect

    from sim.classroom.session import ExerciseSession
    from sim.scenario import load_scenario

    url, codes, log, scenario, console = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    sc = load_scenario(scenario)
    briefs = {a: _snippet(sc.actors[a].brief) for a in sc.actors}

    # `sim play --host 0.0.0.0` prints an address a browser can open, not 0.0.0.0
    assert "http://0.0.0.0" not in console and re.search(r"open http://[\d.]+:\d+/", console)

    # a wrong code is refused with a message
    stranger = chromium.new_context().new_page()
    stranger.goto(url)
    stranger.get_by_label("Join code").fill("NOPE1-NOPE2")
    stranger.get_by_role("button", name="Join").click()
    expect(stranger.get_by_text("unknown join code")).to_be_visible()

    # the lobby: nobody's clock runs until the white cell starts the game
    white = _join(chromium, url, codes["facilitator"], "", "White cell (facilitator)")
    rus = _join(chromium, url, codes["RUS"], "Anna", "You play Russia", shot="classroom_join.png")
    rus2 = _join(chromium, url, codes["RUS"], "Boris", "You play Russia")  # two students share one code
    syr = _join(chromium, url, codes["SYR"], "Layla", "You play")
    tur = _join(chromium, url, codes["TUR"], "Deniz", "You play Turkey")
    pages = {"RUS": rus, "SYR": syr, "TUR": tur}
    projector = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    projector.goto(url + "projector")
    expect(white.locator(".lobby")).to_contain_text("Anna, Boris")
    expect(projector.locator(".projector-lobby")).to_contain_text("Deniz")
    for page in (rus, projector):
        expect(page.locator(".countdown")).to_have_text("clock not started")
    expect(rus.locator(".lobby-wait")).to_be_visible()
    white.screenshot(path=str(SHOTS / "classroom_lobby.png"), full_page=True)

    # secrets stay behind the reveal on the console
    assert codes["RUS"] not in white.content() and briefs["SYR"] not in white.content()
    white.locator(".reveal-codes label").click()
    expect(white.locator(".teams")).to_contain_text(codes["RUS"])
    white.locator(".reveal-codes label").click()
    expect(white.locator(".teams")).not_to_contain_text(codes["RUS"])

    white.get_by_role("button", name="Start the game").click()
    expect(rus.locator(".countdown")).to_contain_text("left")
    expect(rus.get_by_text("Phase: negotiate")).to_be_visible()

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
        html = projector.content()
        assert not any(code in html for code in codes.values()), "a code reached the projector"
        assert not any(snippet in html for snippet in briefs.values()), "a brief reached the projector"

    check_privacy()

    # roles that matter: Russia proposes this round (no vote), Damascus answers, Turkey only presses
    expect(rus.locator(".move-why")).to_contain_text("You propose this round")
    expect(rus.get_by_role("button", name="accept", exact=True)).to_have_count(0)
    expect(syr.get_by_role("button", name="accept", exact=True)).to_be_visible()
    expect(syr.get_by_label(re.compile("^Proposal:"))).to_have_count(0)
    expect(tur.locator(".move-why")).to_contain_text("not a veto player")
    expect(tur.locator(".pressure-help")).to_contain_text("standing ties")
    expect(tur.get_by_role("button", name="accept", exact=True)).to_have_count(0)
    expect(tur.get_by_label(re.compile("^Proposal:"))).to_have_count(0)
    expect(rus.locator(".scale-anchors")).to_contain_text("0 = full withdrawal")
    expect(rus.locator(".bottom-lines")).to_contain_text("the furthest you are prepared to concede")

    # Russia's two students both send a proposal: each sees who sent what and when, the last one counts
    for issue in sc.issues.values():
        rus.get_by_label(f"Proposal: {issue.label} (0-100)").fill("90")
    rus.get_by_role("button", name="Submit move").click()
    expect(rus.get_by_text("Move for round 1 recorded")).to_be_visible()
    for issue in sc.issues.values():
        rus2.get_by_label(f"Proposal: {issue.label} (0-100)").fill("85")
    rus2.get_by_role("button", name="Submit move").click()
    for page in (rus, rus2):
        expect(page.locator(".submitted-move")).to_contain_text(re.compile(r"Anna.*replaced.*Boris.*counts", re.S))
    expect(white.locator(".teams")).to_contain_text("yes: Boris at")
    expect(syr.locator(".offer-preview")).to_contain_text("85")
    rus.screenshot(path=str(SHOTS / "classroom_player.png"), full_page=True)

    # Damascus first types nonsense (clear message, nothing changes), then rejects and presses on Russia
    _toggle(syr.locator(".move-form"), "RUS")
    syr.get_by_label("Pressure strength (0-1)").fill("lots")
    syr.get_by_role("button", name="Submit move").click()
    expect(syr.locator(".form-error")).to_contain_text("expected a number")
    syr.get_by_label("Pressure strength (0-1)").fill("0.6")
    _toggle(syr.locator(".move-form"), "reject")
    syr.get_by_role("button", name="Submit move").click()
    expect(syr.get_by_text("Move for round 1 recorded")).to_be_visible()
    _toggle(tur.locator(".move-form"), "SYR")
    tur.get_by_label("Pressure strength (0-1)").fill("0.8")
    tur.get_by_role("button", name="Submit move").click()
    expect(tur.get_by_text("Move for round 1 recorded")).to_be_visible()
    tur.screenshot(path=str(SHOTS / "classroom_influencer.png"), full_page=True)

    # confidential news for Moscow, with hostile text: it arrives live, as text, and nowhere else
    white.get_by_label("Headline").fill(f"Kremlin hears of a plot in Latakia {HOSTILE_LINK}")
    white.get_by_label("Details").fill(f"Only Moscow's team receives this cable. {HOSTILE_DATA} {HOSTILE_HTML}")
    _toggle(white.locator(".inject-form"), "RUS")
    white.get_by_role("button", name="Inject").click()
    expect(white.get_by_text("Queued 'Kremlin hears of a plot in Latakia")).to_be_visible()
    news = rus.locator(".news-item", has_text="Kremlin hears of a plot")
    expect(news.locator(".news-details")).to_contain_text("Only Moscow's team receives this cable.")
    expect(news.locator(".news-details")).to_contain_text("<b>raw markup</b>")
    news.locator(".neutralised-link", has_text="see the map").click()
    _no_live_markup(rus)
    assert "plot in Latakia" not in syr.content() and "plot in Latakia" not in projector.content()
    expect(tur.locator(".private-brief .neutralised-link", has_text="open the cable")).to_be_visible()
    tur.locator(".private-brief .neutralised-link", has_text="open the cable").click()
    _no_live_markup(tur)
    white.screenshot(path=str(SHOTS / "classroom_facilitator.png"), full_page=True)

    # the projector: round, clock, offer on the table, who has moved; never a secret
    expect(projector.locator(".projector-offer")).to_contain_text("RUS, SYR, TUR")
    check_privacy()
    projector.screenshot(path=str(SHOTS / "classroom_projector.png"), full_page=True)

    # print-outs: code slips and one page per role; the print style sheet prints the whole page
    _toggle(white, "Print-outs")
    expect(white.locator(".code-slip")).to_have_count(3)
    expect(white.locator(".role-sheet")).to_have_count(3)
    white.emulate_media(media="print")
    expect(white.locator(".status-bar")).to_be_hidden()
    pdf = white.pdf(format="A4")
    pages_printed = max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))
    assert pages_printed >= 4, pages_printed  # the slips, then a sheet per role
    white.screenshot(path=str(SHOTS / "classroom_printouts.png"), full_page=True)
    white.emulate_media(media="screen")
    _toggle(white, "Console")

    # submissions close, the model plays the round; the adjudication reports the votes that counted
    _advance(white)
    _advance(white)
    votes = white.locator(".adjudication-votes")
    expect(votes).to_contain_text("SYR: reject (team)")
    expect(votes).to_contain_text("Not asked to vote: TUR, USA, ISR")
    expect(votes).to_contain_text("The proposer (RUS) does not vote")
    white.screenshot(path=str(SHOTS / "classroom_adjudicate.png"), full_page=True)
    assert "No round published yet" in syr.locator("body").inner_text()
    # no deal to veto: the white cell is told so; the reason's hostile text and `|` are kept as text
    _toggle(white.locator(".adjudication"), "reopen talks")
    white.get_by_label("Reason (logged)").fill("checking | the veto")
    white.get_by_role("button", name="Apply override").click()
    expect(white.locator(".adjudication .form-error")).to_contain_text("no agreement to reopen")
    _toggle(white.locator(".adjudication"), "set parameter")
    adjudication = white.locator(".adjudication")
    adjudication.get_by_label("Parameter path", exact=True).fill("actors.USA.capability")
    adjudication.get_by_label("New value", exact=True).fill("0.2")
    white.get_by_label("Reason (logged)").fill(f"Washington distracted | see {HOSTILE_LINK}")
    white.get_by_role("button", name="Apply override").click()
    expect(white.locator(".adjudication .form-ok")).to_contain_text("Override logged")
    _advance(white)
    expect(syr.get_by_text("Phase: publish")).to_be_visible()
    for page in (syr, projector):  # the month-by-month state of each base, once published
        expect(page.locator(".world-state")).to_contain_text("After month 1")
        expect(page.locator(".world-state")).to_contain_text("talks unresolved")
    row = syr.locator("td", has_text="Washington distracted")
    expect(row).to_contain_text("| see open the cable")  # the whole reason, in one cell
    _no_live_markup(syr)
    check_privacy()

    # round 2: Damascus proposes, Russia answers; a library event with hostile text, public
    _advance(white)
    expect(syr.locator(".move-why")).to_contain_text("You propose this round")
    expect(rus.get_by_role("button", name="accept", exact=True)).to_be_visible()
    white.locator(".inject-form .v-select").click()
    white.locator(".v-menu__content .v-list-item", has_text="leaked_cable").click()
    expect(white.locator(".inject-form")).to_contain_text("A cable surfaces.")
    _toggle(white.locator(".inject-form"), "public")
    white.get_by_role("button", name="Inject").click()
    expect(white.locator(".inject-form .form-ok")).to_contain_text("Leaked cable")
    for page in (rus, syr, projector):
        expect(page.locator(".news-item", has_text="Leaked cable <script>")).to_be_visible()
        _no_live_markup(page)

    # play on to the end (the model plays the months after the class's two rounds)
    while not white.get_by_text("game over").is_visible():
        _advance(white, timeout=600_000)
    expect(rus.locator(".final-outcome")).to_be_visible()
    expect(rus.locator(".comparison")).to_contain_text("model-alone runs")
    rus.screenshot(path=str(SHOTS / "classroom_player_debrief.png"), full_page=True)
    expect(projector.locator(".public-debrief .final-outcome")).to_be_visible()
    expect(projector.locator(".public-debrief .comparison")).to_contain_text("model-alone runs")
    expect(projector.locator(".public-debrief .month-by-month")).to_contain_text("unresolved")
    check_privacy()
    projector.screenshot(path=str(SHOTS / "classroom_projector_debrief.png"), full_page=True)

    # the white cell's debrief: charts, comparison with the model alone, export without the codes
    _toggle(white, "Debrief")
    expect(white.locator(".comparison")).to_contain_text("model-alone runs")
    expect(white.locator("img").first).to_be_visible()
    white.get_by_role("button", name="Export report").click()
    expect(white.locator(".export-done")).to_contain_text("codes are left out")
    white.locator(".final-outcome").scroll_into_view_if_needed()
    white.screenshot(path=str(SHOTS / "classroom_debrief.png"))
    white.locator(".comparison").scroll_into_view_if_needed()
    white.screenshot(path=str(SHOTS / "classroom_comparison.png"))

    exported = log.with_suffix("")
    for name in ("report.html", "report.md", "positions.png", "comparison.png", "log.csv", "log.json"):
        assert (exported / name).stat().st_size > 0, name
    for name in ("session.jsonl", "log.json", "log.csv", "report.md", "report.html"):
        text = (exported / name).read_text()
        assert not any(code in text for code in codes.values()), f"a code is in the exported {name}"
    replayed = ExerciseSession.replay(log)
    assert replayed.finished
    kinds = [r["kind"] for r in replayed.records]
    assert kinds.count("move") == 4 and kinds.count("inject") == 2 and kinds.count("join") == 4
    assert "Kremlin hears of a plot in Latakia" in (exported / "report.md").read_text()

