"""Debrief pages: the class's outcome, charts, and the comparison with the model-alone runs."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import solara

from sim.classroom import debrief, report, server
from sim.classroom.ui.common import Md, md_table
from sim.outcomes import CATEGORY_LABELS


def _baseline_status() -> tuple[Any, str]:
    baseline = server.baseline()
    if baseline is None:
        return None, "No model-alone baseline is running."
    status = baseline.status()
    if status["error"]:
        return None, f"The model-alone runs failed: {status['error']}"
    if not status["ready"]:
        return None, f"Model-alone runs in progress: {status['done']} of {status['n']}."
    return baseline.replications, ""


@solara.component
def Comparison() -> None:
    frame, note = _baseline_status()
    session = server.current()
    compare = server.read(debrief.comparison, session, frame)
    with solara.Card("Your game against the model alone", classes=["comparison"]):
        if compare is None:
            solara.Text(note or "The comparison appears when the game is over.")
            return
        rows = [[view_label(base), CATEGORY_LABELS[info["class_category"]], f"{info['share_same_category']:.0%}",
                 f"{info['percentile']:.0f}"] for base, info in compare["bases"].items()]
        Md(f"{compare['n']} model-alone runs of the same scenario (same seed stream).")
        Md(md_table(["base", "class outcome", "model runs with the same outcome",
                                  "percentile of the class's value"], rows))
        if "counterfactual" in compare:
            Md("Same parameter draw, model alone: " + ", ".join(
                f"{view_label(b)}: {CATEGORY_LABELS[c]}" for b, c in compare["counterfactual"].items()))
        fig = report.comparison_figure(compare)
        solara.FigureMatplotlib(fig, format="png")
        plt.close(fig)


@solara.component
def Outcome(view: dict[str, Any]) -> None:
    final = view["outcome"]
    with solara.Card("Final outcome", classes=["final-outcome"]):
        if not final:
            solara.Text("No outcome yet.")
            return
        deal = f"Agreement in round {final['agreement_round']}" if final["agreed"] else "No agreement"
        Md(f"**{deal}** after {final['rounds_played']} rounds.")
        Md("\n".join(f"- **{view['issues'][b]['label']}**: {CATEGORY_LABELS[c]} ({final['package'][b]:.0f})"
                      for b, c in final["categories"].items()))


def view_label(issue: str) -> str:
    """An issue's label (the comparison is keyed by issue id)."""
    return server.current().compiled.scenario.issues[issue].label


@solara.component
def PlayerDebrief(view: dict[str, Any]) -> None:
    Outcome(view)
    session = server.current()
    fig = server.read(report.positions_figure, session, "public")
    with solara.Card("Positions on the bases, month by month"):
        solara.FigureMatplotlib(fig, format="png")
    plt.close(fig)
    MonthByMonth(True)
    Comparison()


@solara.component
def MonthByMonth(published_only: bool) -> None:
    """The bases month by month: talks signed / unresolved / broken down, and the presence category."""
    table = server.read(debrief.world_table, server.current(), published_only)
    with solara.Card("The bases month by month", classes=["month-by-month"]):
        if table.empty:
            solara.Text("No month played yet.")
            return
        Md(md_table(list(table.columns), table.values.tolist()))


@solara.component
def PublicDebrief(view: dict[str, Any]) -> None:
    """The projector's debrief: outcome, positions with the class's moves and public injects, comparison."""
    with solara.Column(classes=["public-debrief"]):
        PlayerDebrief(view)


@solara.component
def FacilitatorDebrief(view: dict[str, Any]) -> None:
    session = server.current()
    message, set_message = solara.use_state("")
    Outcome(view)
    if not view["finished"]:
        solara.Info("The game is still running; the debrief shows the rounds played so far.")
    for make, title in ((report.positions_figure, "Positions on the bases, with the class's moves, injects and "
                                                  "vetoes"),
                        (report.utilities_figure, "Utility of each month's offer")):
        fig = server.read(make, session)
        with solara.Card(title):
            solara.FigureMatplotlib(fig, format="png")
        plt.close(fig)
    MonthByMonth(False)
    Comparison()
    timeline = server.read(debrief.timeline, session)
    with solara.Card("Timeline of moves, injects and overrides"):
        Md(md_table(["round", "phase", "by", "what"],
                    [[r["round"], r["phase"], r["by"], r["what"]] for r in timeline.to_dict("records")]))

    def export() -> None:
        frame, _ = _baseline_status()
        written = server.read(report.export, session, server.exports_dir(), frame)
        set_message(f"Report written to {written['html'].parent} (report.html, report.md, charts, log CSV/JSON, "
                    "session.jsonl). The join codes are left out of every file there.")

    with solara.Card("Export"):
        solara.Button("Export report", on_click=export, color="primary")
        if message:
            solara.Success(message, classes=["export-done"])
