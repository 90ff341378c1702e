"""The classroom web app (Solara): join page, a page per role, the facilitator's console and the debrief.

Serve it with ``sim play SCENARIO``. All tabs share the one session of the server process
(:mod:`sim.classroom.server`); each tab keeps only who it joined as, and re-renders when the hub says so.
"""

from __future__ import annotations

import solara

from sim.classroom import server
from sim.classroom.errors import ClassroomError
from sim.classroom.roles import FACILITATOR
from sim.classroom.ui.common import Md, clock, joined_as, joined_code, version
from sim.classroom.ui.facilitator import FacilitatorPage
from sim.classroom.ui.player import PlayerPage


@solara.component
def JoinPage() -> None:
    text, set_text = solara.use_state("")
    error, set_error = solara.use_state("")
    session = server.current()
    sc = session.compiled.scenario

    def join() -> None:
        try:
            who = server.read(session.authenticate, text)
        except ClassroomError as exc:
            set_error(str(exc))
            return
        joined_code.set(text)
        joined_as.set(who)

    with solara.Card(f"War game: {sc.title}", style={"max-width": "720px", "margin": "2em auto"}):
        Md(f"*{sc.question}*\n\nEnter the join code your facilitator gave your team.")
        solara.InputText("Join code", value=text, on_value=set_text, continuous_update=True)
        solara.Button("Join", on_click=join, color="primary")
        if error:
            solara.Error(error, classes=["join-error"])


@solara.component
def Page() -> None:
    def subscribe():  # noqa: ANN202 (use_effect cleanup)
        stop_state = server.hub.subscribe("state", lambda: version.set(version.value + 1))
        stop_clock = server.hub.subscribe("clock", lambda: clock.set(clock.value + 1))

        def cleanup() -> None:
            stop_state()
            stop_clock()
        return cleanup

    solara.use_effect(subscribe, [])
    changes = version.value  # every change to the session re-renders this tab (passed down as a prop)
    solara.Title("War game")
    who = joined_as.value
    with solara.Column(style={"padding": "1em"}):
        if not who:
            JoinPage()
            return
        with solara.Row(justify="end"):
            solara.Button("Leave", text=True, on_click=lambda: (joined_code.set(""), joined_as.set("")))
        if who == FACILITATOR:
            FacilitatorPage(changes)
        else:
            PlayerPage(who, changes)
