"""Shared pieces: per-tab state, the countdown, safe Markdown and tables, status lines, news, print CSS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from sim.classroom import server
from sim.classroom.errors import ClassroomError
from sim.classroom.text import cell, render_markdown
from sim.errors import SimError

# Module-level reactives hold one value per browser tab (per kernel context).
joined_code = solara.reactive("")
joined_as = solara.reactive("")
joined_name = solara.reactive("")
version = solara.reactive(0)
clock = solara.reactive(0)

PHASE_HELP = {
    "lobby": "waiting for the white cell to start the game",
    "negotiate": "talk to the other teams; you may already submit a move",
    "submit": "last call: submit or revise your move",
    "adjudicate": "the white cell is adjudicating the round",
    "publish": "the round's result is public",
    "debrief": "the game is over",
}


# Printing: Vuetify's app shell fixes heights and scrolls inside; in print every container grows to its content
# so the whole page prints, and controls marked ``no-print`` are left out. ``print-page`` starts a new sheet.
PRINT_CSS = """
@media print {
  html, body, #app, .v-application, .v-application--wrap, .v-main, .v-main__wrap, .v-content, .v-content__wrap,
  .solara-content-main, .container, main, .v-card, .v-sheet {
    height: auto !important; min-height: 0 !important; max-height: none !important; overflow: visible !important;
    position: static !important; box-shadow: none !important; }
  /* repeated class: outranks Vuetify's ".v-application .d-flex { display: flex !important }" */
  html body .no-print.no-print.no-print, html body .v-navigation-drawer, html body .v-app-bar, html body footer,
  html body .v-footer, div:has(> b > a[href="https://solara.dev"]) { display: none !important; }
  .print-page { break-after: page; page-break-after: always; }
  .code-slip { break-inside: avoid; page-break-inside: avoid; }
}
html body .code-slip.code-slip { border: 2px dashed #555 !important; padding: 0.8em; margin-bottom: 0.8em; }
.news-details { color: #444; margin-left: 1em; }
.projector .countdown { font-size: 2.2em !important; }
"""


def Md(text: str, classes: list[str] | None = None) -> None:  # a component-like helper
    """Markdown rendered on the server (no math, so the page never asks a CDN for KaTeX: works offline).

    Every text goes through :func:`sim.classroom.text.render_markdown`: raw HTML is escaped and links other than
    http(s)/mailto lose their address, so briefs, injects, reasons and names are never live markup.
    """
    solara.HTML(tag="div", unsafe_innerHTML=render_markdown(text), classes=["md", *(classes or [])])


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def md_table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table; every cell is escaped (a ``|`` in a reason stays in its cell)."""
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(fmt(c)) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def votes_text(votes: dict[str, Any] | None, accepted: dict[str, bool] | None = None) -> str:
    """``SYR: reject (team)``, one per actor the mechanism asked; "no vote" when it asked nobody."""
    if votes is None:
        return "–" if accepted is None else "(votes not recorded)"
    if not votes:
        return "no vote"
    return ", ".join(f"{a}: {'accept' if v['accept'] else 'reject'} ({v['by']})" for a, v in votes.items())


def attempt(action: Callable[[], Any], set_message: Callable[[tuple[str, str]], None], ok: str) -> bool:
    """Run a session action; show a clear message either way. Bad input changes nothing (session contract)."""
    try:
        action()
    except (ClassroomError, SimError) as exc:
        set_message(("error", str(exc)))
        return False
    set_message(("success", ok))
    return True


@solara.component
def Message(message: tuple[str, str]) -> None:
    kind, text = message
    if not text:
        return
    if kind == "error":
        solara.Error(text, classes=["form-error"])
    else:
        solara.Success(text, classes=["form-ok"])


@solara.component
def Countdown(phase: str, paused: bool) -> None:
    """Remaining time of the phase; re-renders every tick of this tab and whenever the phase changes."""
    _ = clock.value
    if phase == "debrief":
        solara.Text("game over", classes=["countdown"])
        return
    if phase == "lobby":
        solara.Text("clock not started", classes=["countdown"], style={"font-weight": "bold"})
        return
    remaining = server.read(server.current().remaining)
    minutes, seconds = divmod(int(round(remaining)), 60)
    label = f"{minutes:02d}:{seconds:02d} left" + (" (paused)" if paused else "")
    solara.Text(label, classes=["countdown"], style={"font-weight": "bold", "font-size": "1.2em"})


@solara.component
def StatusBar(view: dict[str, Any], who: str) -> None:
    with solara.Row(style={"align-items": "center", "gap": "2em", "flex-wrap": "wrap"},
                    classes=["status-bar", "no-print"]):
        solara.Text(who, style={"font-weight": "bold"})
        if view["class_rounds"] and not view["finished"]:
            solara.Text(f"Round {view['round']} of {view['class_rounds']} (then the model plays on to month "
                        f"{view['rounds']})")
        elif view["finished"]:  # the model may have played on after the class's rounds: say where it stopped
            solara.Text(f"Finished: the talks stopped at month {view['round']} of {view['rounds']}")
        else:
            solara.Text(f"Round {view['round']} of {view['rounds']}")
        solara.Text(f"Phase: {view['phase']} — {PHASE_HELP.get(view['phase'], '')}", classes=["phase"])
        Countdown(view["phase"], view["paused"])


def positions_table(view: dict[str, Any]) -> str:
    issues = list(view["issues"])
    rows = [[f"{a['name']} ({aid})", "veto" if a["veto"] else "influencer", "team" if a["team"] else "model"]
            + [a["position"][i] for i in issues] for aid, a in view["actors"].items()]
    return md_table(["actor", "role", "played by"] + [view["issues"][i]["label"] for i in issues], rows)


def history_table(view: dict[str, Any]) -> str:
    issues = list(view["issues"])
    rows = []
    for h in view["history"]:
        offer = h["offer"] or {}
        note = "; ".join(("talks reopened: " if o.get("reopen") else "override: ") + o["reason"]
                         for o in h["overrides"])
        rows.append([h["round"], h["proposer"]] + [offer.get(i) for i in issues]
                    + [votes_text(h.get("votes"), h["accepted"]), h["agreed"], "; ".join(h["events"]) or "–",
                       note or "–"])
    return md_table(["round", "proposer"] + issues + ["votes (who answered)", "deal", "events", "notes"], rows)


STATUS_LABELS = {"signed": "agreement signed", "unresolved": "talks unresolved", "open": "talks unresolved",
                 "breakdown": "talks broke down", "forecast": "forecast", "unobserved": "not observed"}
LEGAL_LABELS = {"in_force": "old agreement in force", "suspended": "old agreement suspended",
                "signed": "new agreement", "ended": "no agreement (talks ended)"}


def world_rows(view: dict[str, Any], bases: dict[str, dict[str, Any]]) -> list[list[Any]]:
    from sim.outcomes import CATEGORY_LABELS

    return [[view["issues"][b]["label"], STATUS_LABELS.get(w["status"], w["status"]),
             CATEGORY_LABELS.get(w["category"], w["category"]), w["presence"], LEGAL_LABELS.get(w["legal"], w["legal"])]
            for b, w in bases.items()]


@solara.component
def WorldState(view: dict[str, Any]) -> None:
    """Each base after the last month this page may see: talks status, presence, legal status."""
    world = view["world"]
    with solara.Card("Where things stand on the bases", classes=["world-state"]):
        if not world["bases"]:
            solara.Text("Month 0: talks have not started; the old agreement is in force.")
            return
        Md(f"After month {world['month']}:")
        Md(md_table(["base", "talks", "presence", "presence (0-100)", "legal status"],
                    world_rows(view, world["bases"])))


@solara.component
def News(view: dict[str, Any]) -> None:
    with solara.Card("News and intelligence"):
        if not view["news"]:
            solara.Text("Nothing yet.")
        for item in view["news"]:
            tag = " (confidential)" if item["private"] else ""
            with solara.Column(gap="0px", classes=["news-item"]):
                solara.Text(f"Round {item['round']}{tag}: {item['label']}", classes=["news-headline"],
                            style={"font-weight": "bold"})
                if item["description"]:
                    Md(item["description"], ["news-details"])
