"""A team's page: its private brief, interests in its own terms, the public state and the moves that count."""

from __future__ import annotations

from typing import Any

import solara

from sim.classroom import server
from sim.classroom.debrief import describe_move
from sim.classroom.ui.common import (
    Md,
    Message,
    News,
    StatusBar,
    WorldState,
    attempt,
    fmt,
    history_table,
    joined_code,
    joined_name,
    md_table,
    positions_table,
)
from sim.classroom.views import player_view

RESPONSES = ["model decides", "accept", "reject"]
ALL_ISSUES = "all issues"


@solara.component
def PlayerPage(actor: str, changes: int = 0) -> None:
    """``changes`` counts session changes: a new value makes this tab re-render."""
    session = server.current()
    view = server.read(player_view, session, actor)
    me = view["me"]
    StatusBar(view, f"You play {me['name']} ({actor})")
    with solara.Columns([1, 1]):
        with solara.Column():
            with solara.Card(f"Private brief: {me['name']}", classes=["private-brief"]):
                Md(me["brief"] or "_No brief for this role._")
            Interests(view)
        with solara.Column():
            if view["finished"]:
                from sim.classroom.ui.debrief import PlayerDebrief

                PlayerDebrief(view)
            elif not view["started"]:
                with solara.Card("Waiting for the start", classes=["lobby-wait"]):
                    Md("The white cell starts the game when every team is here. Read your brief and interests "
                       "meanwhile. Your team so far: " + (", ".join(me["team"]) or "–") + ".")
            elif view["phase"] in ("negotiate", "submit"):
                OfferPreview(view)
                MoveForm(view)
            else:
                with solara.Card("Your move"):
                    solara.Text("Moves are closed while the white cell adjudicates and publishes the round.")
            News(view)
    WorldState(view)
    with solara.Card("Public state: stated positions (0-100)"):
        Md(positions_table(view))
    with solara.Card("Rounds so far"):
        Md(history_table(view) if view["history"] else "No round published yet.")


@solara.component
def Interests(view: dict[str, Any]) -> None:
    me = view["me"]
    rows = [[view["issues"][i]["label"] + (" (base)" if view["issues"][i]["base"] else ""), me["ideal"][i],
             me["salience"][i], me["reservation"][i], me["position"][i]] for i in view["issues"]]
    utility = me["utility"]
    with solara.Card("Your interests and utilities", classes=["interests"]):
        Md(md_table(["issue", "your ideal", "salience (0-1)", "bottom line", "stated now"], rows))
        Md("**Your bottom lines, in your terms**\n\n" + "\n".join(f"- {line}" for line in me["bottom_lines"]),
           ["bottom-lines"])
        Md("**What the numbers mean** (0-100 on each issue)\n\n"
           + "\n".join(f"- {issue['label']}: {issue['scale']}" for issue in view["issues"].values()),
           ["scale-anchors"])
        Md(
            f"Utility (0-1) of: the status quo **{fmt(utility['status_quo'], 2)}**, no deal by the deadline "
            f"**{fmt(utility['disagreement'], 2)}**, the last offer **{fmt(utility['last_offer'], 2)}**; "
            f"your outside option **{fmt(me['outside_option'], 2)}** (what walking away is worth to you)."
            + (f" Final outcome: **{fmt(utility['final'], 2)}**." if utility["final"] is not None else ""))


@solara.component
def OfferPreview(view: dict[str, Any]) -> None:
    preview = view["preview"]
    with solara.Card("Offer on the table this round", classes=["offer-preview"]):
        if not preview:
            solara.Text("No offer yet.")
            return
        worth = f"worth **{fmt(preview['utility'], 2)}** to you"
        if preview["proposer"] == view["me"]["id"]:
            Md(f"**You propose this round**: your proposal below is the offer; without one, the model "
               f"proposes this package for you ({worth}):")
        else:
            who = view["actors"][preview["proposer"]]["name"] if preview["proposer"] else "–"
            Md(f"**{who}** proposes this round ({worth}); the veto players' answers decide it, and it changes "
               "if the proposer revises its move:")
        rows = [[view["issues"][i]["label"], v] for i, v in preview["offer"].items()]
        Md(md_table(["issue", "offer"], rows))


@solara.component
def MoveForm(view: dict[str, Any]) -> None:
    me, allowed = view["me"], view["allowed"]
    issues = list(view["issues"])
    values, set_values = solara.use_state({i: f"{me['position'][i]:.0f}" for i in issues})
    response, set_response = solara.use_state(RESPONSES[0])
    target, set_target = solara.use_state("nobody")
    strength, set_strength = solara.use_state("0.5")
    on_issue, set_on_issue = solara.use_state(ALL_ISSUES)
    message, set_message = solara.use_state(("", ""))
    others = [a for a in view["actors"] if a != me["id"]]

    def submit() -> None:
        raw: dict[str, Any] = {}
        if allowed["response"]:
            raw["response"] = None if response == RESPONSES[0] else response
        if allowed["proposal"]:
            raw["proposal"] = dict(values)
        if target != "nobody":
            raw["pressures"] = [{"target": target, "strength": strength,
                                 "issue": None if on_issue == ALL_ISSUES else on_issue}]
        code, name = joined_code.value, joined_name.value
        attempt(lambda: server.act(server.current().submit_move, code, raw, name), set_message,
                f"Move for round {view['round']} recorded. You may revise it until the phase ends.")

    with solara.Card("Your move this round", classes=["move-form"]), solara.Column(gap="4px"):
        Md(allowed["why"], ["move-why"])
        if allowed["proposal"]:
            solara.Text("Your proposal (one value 0-100 per issue):")
            for i in issues:
                solara.InputText(f"Proposal: {view['issues'][i]['label']} (0-100)", value=values[i],
                                 on_value=lambda v, i=i: set_values({**values, i: v}), continuous_update=True)
                solara.Text(view["issues"][i]["scale"], style={"font-size": "0.8em", "color": "#555"})
        if allowed["response"]:
            solara.Text("Your answer to this round's offer:")
            solara.ToggleButtonsSingle(value=response, values=RESPONSES, on_value=set_response)
        if allowed["pressure"]:
            solara.Text("Press on another actor:")
            Md(me["pressure_help"], ["pressure-help"])
            solara.ToggleButtonsSingle(value=target, values=["nobody", *others], on_value=set_target)
            if target != "nobody":
                solara.InputText("Pressure strength (0-1)", value=strength, on_value=set_strength,
                                 continuous_update=True)
                solara.Select("Press on issue", values=[ALL_ISSUES, *issues], value=on_issue, on_value=set_on_issue)
        solara.Button("Submit move", on_click=submit, color="primary")
        Message(message)
        Submissions(me["submissions"])


@solara.component
def Submissions(subs: list[dict[str, Any]]) -> None:
    """Every move the team sent this round: who, when, what; only the last one counts."""
    if not subs:
        return
    lines = [f"- {s['at']} **{s['name']}**: {s['what']}" + (" (counts)" if s["current"] else " (replaced)")
             for s in subs]
    Md("Moves your team sent this round:\n\n" + "\n".join(lines), ["submitted-move"])


def _describe(move: dict[str, Any]) -> str:
    return describe_move(move, empty="no move (the model decides)")
