"""The white cell's console: lobby and start, clock, teams (codes behind a reveal), injects, adjudication and
overrides, private briefs (behind a reveal), print-outs and the debrief."""

from __future__ import annotations

from typing import Any

import solara

from sim.classroom import server
from sim.classroom.ui.common import (
    Md,
    Message,
    News,
    StatusBar,
    WorldState,
    attempt,
    history_table,
    joined_code,
    md_table,
    positions_table,
    votes_text,
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
    with solara.Row(classes=["no-print"], style={"align-items": "center"}):
        solara.ToggleButtonsSingle(value=tab, values=["Console", "Print-outs", "Debrief"], on_value=set_tab)
        solara.Button("Open the projector view", href="projector", target="_blank", outlined=True,
                      classes=["projector-link"])
    if tab == "Debrief":
        from sim.classroom.ui.debrief import FacilitatorDebrief

        FacilitatorDebrief(view)
        return
    if tab == "Print-outs":
        from sim.classroom.ui.printouts import PrintOuts

        PrintOuts(view)
        return
    if not view["started"]:
        Lobby(view)
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
    WorldState(view)
    with solara.Card("Live state (positions now)"):
        Md(positions_table(view))
    with solara.Card("Rounds (including unpublished)"):
        Md(history_table(view) if view["history"] else "No round played yet.")
    Briefs(view)
    Md(f"Seed `{view['seed']}` · log `{view['log']}`")


@solara.component
def Lobby(view: dict[str, Any]) -> None:
    message, set_message = solara.use_state(("", ""))
    session, code = server.current(), joined_code.value
    rows = [[f"{view['actors'][a]['name']} ({a})", len(names), ", ".join(names) or "nobody yet"]
            for a, names in view["lobby"].items()]
    with solara.Card("Lobby: who has joined", classes=["lobby"]):
        Md("The clock has not started. Teams join with their codes and read their briefs; start the game when "
           "everyone is here. Auto-advance does nothing before the start.")
        Md(md_table(["team", "joined", "names"], rows))
        solara.Button("Start the game", color="primary", classes=["start-game"], on_click=lambda: attempt(
            lambda: server.act(session.start, code), set_message, "The game has started: round 1."))
        Message(message)


@solara.component
def Briefs(view: dict[str, Any]) -> None:
    reveal, set_reveal = solara.use_state(False)
    with solara.Card("Private briefs", classes=["all-briefs"]):
        solara.Switch(label="Reveal every team's private brief (not while this screen is projected)",
                      value=reveal, on_value=set_reveal, classes=["reveal-briefs"])
        if reveal:
            for actor, brief in view["briefs"].items():
                with solara.Column(gap="0px", classes=["brief-of"]):
                    solara.Text(f"{view['actors'][actor]['name']} ({actor})", style={"font-weight": "bold"})
                    Md(brief or "–")


@solara.component
def Controls(view: dict[str, Any]) -> None:
    message, set_message = solara.use_state(("", ""))
    session = server.current()
    code = joined_code.value
    with solara.Card("Clock"):
        with solara.Row():
            solara.Button("Advance to next phase", color="primary", disabled=view["finished"] or not view["started"],
                          on_click=lambda: attempt(lambda: server.act(session.advance, code),
                                                   set_message, "Phase advanced."))
            if view["paused"]:
                solara.Button("Resume clock", on_click=lambda: attempt(
                    lambda: server.act(session.resume_clock, code), set_message, "Clock running."))
            else:
                solara.Button("Pause", disabled=view["finished"] or not view["started"], on_click=lambda: attempt(
                    lambda: server.act(session.pause, code), set_message, "Paused."))
            for minutes in (1, 5):
                solara.Button(f"+{minutes} min", disabled=view["finished"] or not view["started"],
                              on_click=lambda m=minutes: attempt(
                    lambda: server.act(session.extend, code, 60 * m), set_message, f"Extended by {m} min."))
        Message(message)


@solara.component
def Teams(view: dict[str, Any]) -> None:
    reveal, set_reveal = solara.use_state(False)

    def move_in(actor: str) -> str:
        subs = view["submissions"].get(actor)
        if not subs:
            return "–"
        last = subs[-1]
        return f"yes: {last['name']} at {last['at']}" + (f" ({len(subs)} sent)" if len(subs) > 1 else "")

    rows = [[f"{a['name']} ({aid})", "team" if a["team"] else "model",
             (view["codes"].get(aid) or "–") if reveal else ("hidden" if a["team"] else "–"),
             ", ".join(view["lobby"].get(aid, [])) or "–", move_in(aid)] for aid, a in view["actors"].items()]
    with solara.Card("Teams and join codes", classes=["teams"]):
        solara.Switch(label="Reveal the codes (not while this screen is projected)", value=reveal,
                      on_value=set_reveal, classes=["reveal-codes"])
        if reveal:
            Md(f"Facilitator code: `{view['codes']['facilitator']}`")
        Md(md_table(["role", "played by", "join code", "joined", "move in"], rows))


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
            votes = result.get("votes")
            silent = [a for a in view["actors"] if a != result.get("proposer") and a not in (votes or {})]
            Md(
                f"Round {pending['round']}: **{result.get('proposer')}** proposed "
                + ", ".join(f"{i}={offer.get(i, 0):.0f}" for i in issues)
                + f"; deal: **{'yes' if result.get('agreed') else 'no'}**.\n\n"
                + f"Votes that counted: {votes_text(votes, result.get('accepted'))}. "
                + (f"The proposer ({result.get('proposer')}) does not vote. " if result.get("proposer") else "")
                + (f"Not asked to vote: {', '.join(silent)}." if silent and votes is not None else ""),
                ["adjudication-votes"])
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
