"""Shared pieces: per-tab state, the countdown, Markdown tables, status lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from sim.classroom import server
from sim.classroom.errors import ClassroomError
from sim.errors import SimError

# Module-level reactives hold one value per browser tab (per kernel context).
joined_code = solara.reactive("")
joined_as = solara.reactive("")
version = solara.reactive(0)
clock = solara.reactive(0)

PHASE_HELP = {
    "negotiate": "talk to the other teams; you may already submit a move",
    "submit": "last call: submit or revise your move",
    "adjudicate": "the white cell is adjudicating the round",
    "publish": "the round's result is public",
    "debrief": "the game is over",
}


def Md(text: str, classes: list[str] | None = None) -> None:  # noqa: N802 (a component-like helper)
    """Markdown rendered on the server (no math, so the page never asks a CDN for KaTeX: works offline).

    Raw HTML in ``text`` is escaped: briefs, injects and codes are shown as text, never as markup.
    """
    import markdown

    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(safe, extensions=["tables"]),
                classes=["md", *(classes or [])])


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def md_table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


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
    remaining = server.read(server.current().remaining)
    minutes, seconds = divmod(int(round(remaining)), 60)
    label = f"{minutes:02d}:{seconds:02d} left" + (" (paused)" if paused else "")
    solara.Text(label, classes=["countdown"], style={"font-weight": "bold", "font-size": "1.2em"})


@solara.component
def StatusBar(view: dict[str, Any], who: str) -> None:
    with solara.Row(style={"align-items": "center", "gap": "2em"}):
        solara.Text(who, style={"font-weight": "bold"})
        if view["class_rounds"] and not view["finished"]:
            solara.Text(f"Round {view['round']} of {view['class_rounds']} (then the model plays on to month "
                        f"{view['rounds']})")
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
        accepted = h["accepted"] or {}
        yes = ", ".join(a for a, v in accepted.items() if v) or "–"
        no = ", ".join(a for a, v in accepted.items() if not v) or "–"
        note = "; ".join(("talks reopened: " if o.get("reopen") else "override: ") + o["reason"]
                         for o in h["overrides"])
        rows.append([h["round"], h["proposer"]] + [offer.get(i) for i in issues]
                    + [yes, no, h["agreed"], "; ".join(h["events"]) or "–", note or "–"])
    return md_table(["round", "proposer"] + issues + ["accepted", "rejected", "deal", "events", "notes"], rows)


@solara.component
def News(view: dict[str, Any]) -> None:
    with solara.Card("News and intelligence"):
        if not view["news"]:
            solara.Text("Nothing yet.")
        for item in view["news"]:
            tag = " (confidential)" if item["private"] else ""
            Md(f"**Round {item['round']}{tag}: {item['label']}** {item['description']}", ["news-item"])
