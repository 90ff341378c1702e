"""Safe text (links, raw HTML, table cells, chart labels), reachable addresses, debrief marks, export without
codes."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.classroom import address, debrief, report
from sim.classroom.session import ExerciseSession
from sim.classroom.text import cell, chart_text, render_markdown, safe_url
from tests.test_classroom_session import codes, new_session, to_phase


class _Tags(HTMLParser):
    """Every element and attribute of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


ALLOWED_TAGS = {"p", "strong", "em", "code", "a", "span", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th",
                "td", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "pre", "br"}
ATTACKS = ["[x](javascript:alert(1))", "[x]( JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
           "[x](data:text/html;base64,PHNjcmlwdD4=)", "![i](data:image/png;base64,AAAA)", "[x][r]\n\n[r]: vbscript:x",
           "<a href='javascript:x'>a</a>", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
           "<javascript:alert(1)>", "[x](&#106;avascript:alert(1))", "[x](//evil.example)"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_links_and_raw_html_never_become_live_markup(attack: str) -> None:
    for tag, attrs in tags(render_markdown(f"News **now** {attack} [ok](https://example.org)")):
        assert tag in ALLOWED_TAGS and not any(name.startswith("on") for name in attrs)
        if tag == "a":
            assert attrs["href"] == "https://example.org"


TOKENS = list("[]()!<>:/\\ \t\n&#;'\"=*`|") + ["javascript", "data", "JAVA", "script", "img", "onerror", "http",
                                                 "mailto", "src", "href"]


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_no_text_renders_a_link_other_than_http_or_mailto(text: str) -> None:
    for tag, attrs in tags(render_markdown(text)):
        assert tag in ALLOWED_TAGS
        assert not any(name.lower().startswith("on") for name in attrs)
        for name in ("href", "src"):
            if name in attrs:
                assert safe_url(attrs[name]), attrs


def test_safe_urls() -> None:
    assert safe_url("https://a.org/x") and safe_url("mailto:a@b.org")
    for bad in ("javascript:alert(1)", " java\nscript:x", "data:text/html,x", "//evil", "relative/path", None, ""):
        assert not safe_url(bad)


def test_a_pipe_stays_in_its_table_cell_and_charts_show_dollars() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| " + cell("costs | rise\nby 5% \\ month") + " | 2 |")
    assert re.search(r"<td>costs \| rise by 5% \\ month</td>\s*<td>2</td>", html)
    assert chart_text("$5 bn") == r"\$5 bn"


def test_reachable_urls_never_hand_out_the_wildcard(monkeypatch) -> None:
    monkeypatch.setattr(address, "_psutil_addresses", lambda: ["127.0.0.1", "10.1.2.3", "169.254.0.9"])
    monkeypatch.setattr(address, "_socket_addresses", lambda: ["10.1.2.3", "8.8.4.4", "bogus"])
    assert address.reachable_urls("0.0.0.0", 8765) == ["http://10.1.2.3:8765/", "http://8.8.4.4:8765/"]
    assert address.reachable_urls("192.168.0.5", 80) == ["http://192.168.0.5:80/"]
    monkeypatch.setattr(address, "_psutil_addresses", lambda: [])
    monkeypatch.setattr(address, "_socket_addresses", lambda: [])
    assert address.reachable_urls("::", 1) == ["http://127.0.0.1:1/"]


@pytest.fixture(scope="module")
def game(tmp_path_factory) -> ExerciseSession:
    """Russia proposes 90 in round 1 and Syria rejects; a public and a confidential inject; then Syria
    proposes, Russia accepts and the white cell vetoes the deal; the model plays on."""
    session = new_session(tmp_path_factory.mktemp("marks"), rounds=5, class_rounds=3)
    fac, rus, syr = codes(session)
    issues = session.compiled.issue_ids
    session.submit_move(rus, {"proposal": dict.fromkeys(issues, 90)}, name="Anna")
    session.submit_move(syr, {"response": "reject"}, name="Layla")
    session.inject(fac, label="Public | statement $5bn")
    session.inject(fac, label="Secret cable", visibility=["RUS"])
    to_phase(session, "publish")
    session.advance(fac)
    session.submit_move(syr, {"proposal": {**dict.fromkeys(issues, 60), "assad": 100}}, name="Layla")
    session.submit_move(rus, {"response": "accept"}, name="Anna")
    to_phase(session, "adjudicate")
    if session.model.finished and session.model.final.agreed:
        session.override(fac, "the Duma would not ratify | never", reopen=True)
    while not session.finished:
        session.advance(fac)
    return session


def test_debrief_marks_the_class_moves_injects_and_the_veto(game: ExerciseSession) -> None:
    marks = debrief.marks(game)
    proposals = marks[marks["kind"] == "proposal"]
    assert set(zip(proposals["month"], proposals["actor"], strict=True)) == {(1, "RUS"), (2, "SYR")}
    assert set(marks[marks["kind"] == "vote"]["label"]) >= {"SYR rejects"}
    assert set(marks[marks["kind"] == "inject"]["label"]) == {"Public | statement $5bn", "Secret cable"}
    assert set(debrief.marks(game, "public").query("kind == 'inject'")["label"]) == {"Public | statement $5bn"}
    if game.overrides:
        assert (marks["kind"] == "veto").sum() == 1
    fig = report.positions_figure(game, "public")
    labels = fig.legends[0].get_texts()
    assert "Russia" in [t.get_text() for t in labels] and "RUS" not in [t.get_text() for t in labels]
    assert all(float(t).is_integer() for t in fig.axes[0].get_xticks())


def test_export_leaves_the_codes_out_and_still_replays(game: ExerciseSession, tmp_path: Path) -> None:
    written = report.export(game, tmp_path / "out")
    secrets = [game.roster.facilitator_code] + [r.code for r in game.roster.roles.values() if r.code]
    for path in written.values():
        if path.suffix in (".md", ".html", ".json", ".jsonl", ".csv"):
            text = path.read_text()
            assert not any(code in text for code in secrets), path.name
    assert ExerciseSession.replay(written["log_jsonl"]).rounds == game.rounds
    markdown = written["markdown"].read_text()
    assert "Public \\| statement $5bn" in markdown and "codes are left out" in markdown
    page = written["html"].read_text()
    assert "<td>inject (public): Public | statement $5bn</td>" in page
    assert json.loads(written["log_json"].read_text())["records"][0]["kind"] == "start"
