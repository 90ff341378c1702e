"""The public screen for the projector: round, clock, public news, the offer on the table, the published state
and, at the end, the debrief. Built from :func:`sim.classroom.views.projector_view`: no codes, no briefs, no
team's pending move, no confidential news. It needs no code (it shows nothing a team page does not)."""

from __future__ import annotations

import solara

from sim.classroom import server
from sim.classroom.ui.common import Md, News, StatusBar, WorldState, history_table, md_table, positions_table
from sim.classroom.views import projector_view


@solara.component
def ProjectorPage(changes: int = 0) -> None:
    session = server.current()
    view = server.read(projector_view, session)
    with solara.Column(classes=["projector"]):
        StatusBar(view, view["scenario"]["title"])
        if not view["started"]:
            rows = [[f"{view['actors'][a]['name']} ({a})", ", ".join(names) or "nobody yet"]
                    for a, names in view["lobby"].items()]
            with solara.Card("Waiting for the start: who has joined", classes=["projector-lobby"]):
                Md(md_table(["team", "joined"], rows))
        if view["finished"]:
            from sim.classroom.ui.debrief import PublicDebrief

            PublicDebrief(view)
        with solara.Columns([1, 1]):
            with solara.Column(), solara.Card("Offer on the table", classes=["projector-offer"]):
                preview = view["preview"]
                if not preview:
                    solara.Text("No offer on the table now.")
                else:
                    who = view["actors"][preview["proposer"]]["name"] if preview["proposer"] else "–"
                    Md(f"Round {view['round']}: **{who}** proposes. Teams that have sent a move: "
                       + (", ".join(view["moves_in"]) or "none yet") + ".")
                    Md(md_table(["issue", "offer"], [[view["issues"][i]["label"], v]
                                                      for i, v in preview["offer"].items()]))
            with solara.Column():
                News(view)
        WorldState(view)
        with solara.Card("Stated positions (0-100), as last published"):
            Md(positions_table(view))
            Md("\n".join(f"- {issue['label']}: {issue['scale']}" for issue in view["issues"].values()))
        with solara.Card("Rounds so far"):
            Md(history_table(view) if view["history"] else "No round published yet.")
