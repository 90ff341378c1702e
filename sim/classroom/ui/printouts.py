"""Print-outs for the facilitator: one code slip per team, then one page per role with its private brief.

Printed from the browser (Ctrl+P): the print style sheet (``PRINT_CSS`` in :mod:`.common`) lets the page grow to
its full length, hides the controls, and starts each role's brief on a new sheet.
"""

from __future__ import annotations

from typing import Any

import solara

from sim.classroom import server
from sim.classroom.ui.common import Md, md_table


@solara.component
def PrintOuts(view: dict[str, Any]) -> None:
    urls = server.urls() or ["(the address printed by `sim play`)"]
    title = view["scenario"]["title"]
    teams = [a for a, info in view["actors"].items() if info["team"]]
    Md("Print this page with your browser (Ctrl+P / Cmd+P): first the code slips (cut along the dashed lines), "
       "then one page per team with its private brief. Keep them out of sight until you hand them out.",
       ["no-print"])
    with solara.Column(classes=["print-page", "code-slips"]):
        solara.Text(f"Join codes: {title}", style={"font-weight": "bold", "font-size": "1.2em"})
        for actor in teams:
            with solara.Column(gap="2px", classes=["code-slip"]):
                solara.Text(f"You play: {view['actors'][actor]['name']} ({actor})", style={"font-weight": "bold"})
                solara.Text("Open: " + " or ".join(urls))
                solara.Text(f"Join code: {view['codes'][actor]}", style={"font-family": "monospace",
                                                                           "font-size": "1.3em"})
                solara.Text("Type the code and your name. Keep the code within your team.")
    for actor in teams:
        RoleSheet(view, actor)


@solara.component
def RoleSheet(view: dict[str, Any], actor: str) -> None:
    info = view["actors"][actor]
    with solara.Column(classes=["print-page", "role-sheet"]):
        solara.Text(f"Confidential: {info['name']} ({actor})", style={"font-weight": "bold", "font-size": "1.2em"})
        solara.Text("veto player: no deal without you" if info["veto"] else
                    "influencer: you press on others; you neither propose nor vote")
        Md(view["briefs"].get(actor) or "_No brief for this role._", ["print-brief"])
        rows = [[issue["label"], issue["scale"]] for issue in view["issues"].values()]
        Md(md_table(["issue", "what 0-100 means"], rows))
