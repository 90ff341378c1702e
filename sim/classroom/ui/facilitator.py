"""The white cell's console: clock, teams and codes, injects, adjudication and overrides, all briefs."""

from __future__ import annotations

from typing import Any

import solara

from sim.classroom import server
from sim.classroom.ui.common import (
    Md,
    Message,
    News,
    StatusBar,
    attempt,
    history_table,
    joined_code,
    md_table,
    positions_table,
)
from sim.classroom.views import facilitator_view

ADHOC = "(ad hoc)"


@solara.component
def FacilitatorPage(changes: int = 0) -> None:
    """``changes`` counts session changes: a new value makes this tab re-render."""
    session = server.current()
    view = server.read(facilitator_view, session)
    tab, set_tab = solara.use_state("Console")
    StatusBar(view, "White cell (facilitator)")
    solara.ToggleButtonsSingle(value=tab, values=["Console", "Debrief"], on_value=set_tab)
    if tab == "Debrief":
        from sim.classroom.ui.debrief import FacilitatorDebrief

        FacilitatorDebrief(view)
        return
    with solara.Columns([1, 1]):
        with solara.Column():
            Controls(view)
            Teams(view)
            if view["phase"] == "adjudicate":
                Adjudication(view)
        with solara.Column():
            if not view["finished"]:
                Inject(view)
            News(view)
    with solara.Card("Live state (positions now)"):
        Md(positions_table(view))
    with solara.Card("Rounds (including unpublished)"):
        Md(history_table(view) if view["history"] else "No round played yet.")
    with solara.Card("All private briefs"):
        for actor, brief in view["briefs"].items():
            Md(f"**{view['actors'][actor]['name']} ({actor})**: {brief or '–'}")
    Md(f"Seed `{view['seed']}` · log `{view['log']}`")


@solara.component
def Controls(view: dict[str, Any]) -> None:
    message, set_message = solara.use_state(("", ""))
    session = server.current()
    code = joined_code.value
    with solara.Card("Clock"):
        with solara.Row():
            solara.Button("Advance to next phase", color="primary", disabled=view["finished"],
                          on_click=lambda: attempt(lambda: server.act(session.advance, code),
                                                   set_message, "Phase advanced."))
            if view["paused"]:
                solara.Button("Resume clock", on_click=lambda: attempt(
                    lambda: server.act(session.resume_clock, code), set_message, "Clock running."))
            else:
                solara.Button("Pause", disabled=view["finished"], on_click=lambda: attempt(
                    lambda: server.act(session.pause, code), set_message, "Paused."))
            for minutes in (1, 5):
                solara.Button(f"+{minutes} min", disabled=view["finished"], on_click=lambda m=minutes: attempt(
                    lambda: server.act(session.extend, code, 60 * m), set_message, f"Extended by {m} min."))
        Message(message)


@solara.component
def Teams(view: dict[str, Any]) -> None:
    rows = [[f"{a['name']} ({aid})", "team" if a["team"] else "model", view["codes"].get(aid, "–"),
             "yes" if aid in view["moves"] else "–"] for aid, a in view["actors"].items()]
    with solara.Card("Teams and join codes"):
        Md(f"Facilitator code: `{view['codes']['facilitator']}`")
        Md(md_table(["role", "played by", "join code", "move in"], rows))


@solara.component
def Inject(view: dict[str, Any]) -> None:
    library = view["library"]
    event, set_event = solara.use_state(ADHOC)
    headline, set_headline = solara.use_state("")
    details, set_details = solara.use_state("")
    path, set_path = solara.use_state("")
    op, set_op = solara.use_state("add")
    value, set_value = solara.use_state("")
    audience, set_audience = solara.use_state("public")
    message, set_message = solara.use_state(("", ""))

    def inject() -> None:
        session, code = server.current(), joined_code.value
        visibility = "public" if audience == "public" else [audience]
        if event != ADHOC:
            attempt(lambda: server.act(session.inject, code, event, visibility=visibility), set_message,
                    f"Queued '{library[event]['label']}' for the next round.")
            return
        effects = []
        if path.strip():
            effects = [{"path": path.strip(), op: value}]
        attempt(lambda: server.act(session.inject, code, label=headline, description=details, effects=effects,
                                   visibility=visibility), set_message, f"Queued '{headline}' for the next round.")

    with solara.Card("Inject an event", classes=["inject-form"]), solara.Column(gap="4px"):
        solara.Select("Library event", values=[ADHOC, *library], value=event, on_value=set_event)
        if event != ADHOC:
            Md(f"**{library[event]['label']}** {library[event]['description']}")
        else:
            solara.InputText("Headline", value=headline, on_value=set_headline, continuous_update=True)
            solara.InputText("Details", value=details, on_value=set_details, continuous_update=True)
            solara.InputText("Effect: parameter path (optional)", value=path, on_value=set_path,
                             continuous_update=True)
            solara.ToggleButtonsSingle(value=op, values=["set", "add", "scale"], on_value=set_op)
            solara.InputText("Effect: value", value=value, on_value=set_value, continuous_update=True)
        solara.Text("Visible to:")
        solara.ToggleButtonsSingle(value=audience, values=["public", *view["actors"]], on_value=set_audience)
        solara.Button("Inject", on_click=inject, color="warning")
        Message(message)


@solara.component
def Adjudication(view: dict[str, Any]) -> None:
    pending = view["pending"]
    issues = list(view["issues"])
    kind, set_kind = solara.use_state("impose agreement")
    reason, set_reason = solara.use_state("")
    package, set_package = solara.use_state({i: "" for i in issues})
    parameter, set_parameter = solara.use_state("")
    value, set_value = solara.use_state("")
    message, set_message = solara.use_state(("", ""))

    def override() -> None:
        session, code = server.current(), joined_code.value
        if kind == "impose agreement":
            action = lambda: server.act(session.override, code, reason, package=dict(package))  # noqa: E731
        elif kind == "reopen talks":
            action = lambda: server.act(session.override, code, reason, reopen=True)  # noqa: E731
        else:
            action = lambda: server.act(session.override, code, reason, parameter=parameter,  # noqa: E731
                                        value=value)
        attempt(action, set_message, "Override logged.")

    with solara.Card("Adjudication", classes=["adjudication"]), solara.Column(gap="4px"):
        if pending:
            result = pending["result"]
            offer = result.get("offer") or {}
            Md(
                f"Round {pending['round']}: **{result.get('proposer')}** proposed "
                + ", ".join(f"{i}={offer.get(i, 0):.0f}" for i in issues)
                + f"; deal: **{'yes' if result.get('agreed') else 'no'}**."
                + (" Accepted by " + ", ".join(a for a, v in (result.get("accepted") or {}).items() if v)
                   if result.get("accepted") else ""))
        solara.ToggleButtonsSingle(value=kind, values=["impose agreement", "reopen talks", "set parameter"],
                                   on_value=set_kind)
        with solara.Column(gap="4px"):  # the inputs of this kind, in their own column so the rest keeps its place
            if kind == "reopen talks":
                Md("Veto the agreement this round reached: the talks go on next round from where they stand.")
            elif kind == "impose agreement":
                for i in issues:
                    solara.InputText(f"Imposed: {i} (0-100)", value=package[i], continuous_update=True,
                                     on_value=lambda v, i=i: set_package({**package, i: v}))
            else:
                solara.InputText("Parameter path", value=parameter, on_value=set_parameter, continuous_update=True)
                solara.InputText("New value", value=value, on_value=set_value, continuous_update=True)
        solara.InputText("Reason (logged)", value=reason, on_value=set_reason, continuous_update=True)
        solara.Button("Apply override", on_click=override, color="error")
        Message(message)
