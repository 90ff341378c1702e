"""The classroom web app (Solara): join page, a page per role, the facilitator's console, the debrief, and the
public projector view at ``/projector``.

Serve it with ``sim play SCENARIO``. All tabs share the one session of the server process
(:mod:`sim.classroom.server`); each tab keeps only who it joined as, and re-renders when the hub says so.
"""

from __future__ import annotations

import solara

from sim.classroom import server
from sim.classroom.errors import ClassroomError
from sim.classroom.roles import FACILITATOR
from sim.classroom.ui.common import PRINT_CSS, Md, clock, joined_as, joined_code, joined_name, version
from sim.classroom.ui.facilitator import FacilitatorPage
from sim.classroom.ui.player import PlayerPage
from sim.classroom.ui.projector import ProjectorPage


@solara.component
def JoinPage() -> None:
    text, set_text = solara.use_state("")
    name, set_name = solara.use_state("")
    error, set_error = solara.use_state("")
    session = server.current()
    sc = session.compiled.scenario

    def join() -> None:
        try:
            who = server.act(session.join, text, name)
        except ClassroomError as exc:
            set_error(str(exc))
            return
        joined_code.set(text)
        joined_name.set(" ".join(name.split()))
        joined_as.set(who)

    with solara.Card(f"War game: {sc.title}", style={"max-width": "720px", "margin": "2em auto"}):
        Md(f"*{sc.question}*\n\nEnter the join code your facilitator gave your team, and your name: your team "
           "and the white cell see who joined and who sent each move.")
        solara.InputText("Join code", value=text, on_value=set_text, continuous_update=True)
        solara.InputText("Your name", value=name, on_value=set_name, continuous_update=True)
        solara.Button("Join", on_click=join, color="primary")
        if error:
            solara.Error(error, classes=["join-error"])


@solara.component
def Page() -> None:
    def subscribe():  # use_effect cleanup
        stop_state = server.hub.subscribe("state", lambda: version.set(version.value + 1))
        stop_clock = server.hub.subscribe("clock", lambda: clock.set(clock.value + 1))

        def cleanup() -> None:
            stop_state()
            stop_clock()
        return cleanup

    solara.use_effect(subscribe, [])
    changes = version.value  # every change to the session re-renders this tab (passed down as a prop)
    solara.Style(PRINT_CSS)
    who = joined_as.value
    if solara.use_router().path.rstrip("/").endswith("projector"):
        solara.Title("War game: projector")
        with solara.Column(style={"padding": "1em"}):
            ProjectorPage(changes)
        return
    solara.Title("War game")
    with solara.Column(style={"padding": "1em"}):
        if not who:
            JoinPage()
            return
        with solara.Row(justify="end", classes=["no-print"]):
            solara.Button("Leave", text=True, on_click=lambda: (joined_code.set(""), joined_as.set("")))
        if who == FACILITATOR:
            FacilitatorPage(changes)
        else:
            PlayerPage(who, changes)


@solara.component
def Layout(children: list | None = None) -> None:
    """A bare shell: no navigation bar (teams must not see links to other views)."""
    solara.Column(children=children or [], style={"width": "100%"})


# "/" is the join page, a team's page or the console; "/projector" the public screen (Page tells them apart)
routes = [solara.Route(path="/", component=Page, label="War game", layout=Layout),
          solara.Route(path="projector", component=Page, label="Projector")]
