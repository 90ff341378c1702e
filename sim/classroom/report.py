"""Debrief charts (matplotlib, PNG) and the exported report: Markdown and HTML, plus the log as CSV/JSON."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.classroom import debrief
from sim.classroom.session import ExerciseSession
from sim.classroom.text import cell, chart_text
from sim.outcomes import CATEGORIES, CATEGORY_LABELS

MARK_STYLE = {"inject": ("tab:orange", "--"), "veto": ("tab:red", "-")}


def _month_axis(ax: Any) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("month (one round = one month; 0 = start)")


def positions_figure(session: ExerciseSession, audience: str = "facilitator") -> Figure:
    """One panel per base issue: every actor's stated position per month, the class's proposals (stars) and
    votes, the injects and the white cell's veto or imposed deal, and the final package.

    ``audience="public"`` (the projector) marks only public injects."""
    table = debrief.positions(session)
    marks = debrief.marks(session, audience)
    sc = session.compiled.scenario
    names = {a: sc.actors[a].name for a in session.compiled.actor_ids}
    bases = [i for i in session.compiled.issue_ids if sc.issues[i].base]
    fig, axes = plt.subplots(1, len(bases), figsize=(6 * len(bases), 5.2), squeeze=False)
    final = debrief.outcome(session)
    autoplayed = [e["round"] for e in session.rounds if e.get("autoplayed")]
    last_class_round = min(autoplayed) - 1 if autoplayed else None
    colors = {a: f"C{k}" for k, a in enumerate(session.compiled.actor_ids)}
    for ax, base in zip(axes[0], bases, strict=True):
        for actor, rows in table[table["issue"] == base].groupby("actor", sort=False):
            ax.plot(rows["round"], rows["position"], marker="o", markersize=3, color=colors[actor],
                    label=chart_text(names[actor]))
        proposals = marks[(marks["kind"] == "proposal") & (marks["issue"] == base)]
        for actor, rows in proposals.groupby("actor", sort=False):
            ax.scatter(rows["month"], rows["value"], marker="*", s=160, color=colors[actor], edgecolor="black",
                       zorder=5, label=chart_text(f"{names[actor]}: team proposal"))
        imposed = marks[(marks["kind"] == "imposed") & (marks["issue"] == base)]
        if len(imposed):
            ax.scatter(imposed["month"], imposed["value"], marker="X", s=120, color="black", zorder=6,
                       label="white cell imposes a deal")
        for kind in ("inject", "veto"):
            color, style = MARK_STYLE[kind]
            for k, row in enumerate(marks[marks["kind"] == kind].itertuples()):
                ax.axvline(row.month, color=color, linestyle=style, linewidth=1.2,
                           label=("inject" if kind == "inject" else "white cell veto") if k == 0 else None)
                ax.text(row.month + 0.1, 2, chart_text(_short(row.label)), rotation=90, fontsize=7, color=color,
                        va="bottom")
        votes = marks[marks["kind"] == "vote"]
        for month, rows in votes.groupby("month"):
            ax.text(month, 98, chart_text("\n".join(rows["label"])), fontsize=6, ha="center", va="top",
                    bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.8, "linewidth": 0.3})
        if final:
            ax.axhline(final["package"][base], color="black", linestyle="--", linewidth=1, label="outcome")
        if last_class_round is not None:
            ax.axvline(last_class_round, color="gray", linestyle=":", linewidth=1, label="model plays on")
        ax.set_title(chart_text(sc.issues[base].label), fontsize=9)
        _month_axis(ax)
        ax.set_ylim(0, 100)
    axes[0][0].set_ylabel("position (0 withdrawal - 100 2017 terms)")
    handles, labels = axes[0][-1].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, loc="lower center", ncol=5, frameon=False)
    fig.tight_layout(rect=(0, 0.02 + 0.03 * ((len(labels) + 4) // 5), 1, 1))  # room for the legend below
    return fig


def _short(label: str, size: int = 28) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def utilities_figure(session: ExerciseSession) -> Figure:
    """Each actor's utility for the offer on the table, per month."""
    table = debrief.utilities(session).dropna()
    names = {a: session.compiled.scenario.actors[a].name for a in session.compiled.actor_ids}
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for actor, rows in table.groupby("actor", sort=False):
        ax.plot(rows["round"], rows["utility"], marker="o", markersize=3, label=chart_text(names[actor]))
    _month_axis(ax)
    ax.set_ylabel("utility of the offer (0-1)")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout(rect=(0, 0, 0.74, 1))  # room for the legend on the right
    return fig


def comparison_figure(compare: dict[str, Any]) -> Figure:
    """Model-alone category shares per base, with the class's category marked."""
    bases = list(compare["bases"])
    fig, axes = plt.subplots(1, len(bases), figsize=(5 * len(bases), 3.4), squeeze=False)
    for ax, base in zip(axes[0], bases, strict=True):
        info = compare["bases"][base]
        shares = [info["shares"][c] for c in CATEGORIES]
        colors = ["tab:red" if c == info["class_category"] else "tab:gray" for c in CATEGORIES]
        ax.bar(range(len(CATEGORIES)), shares, color=colors)
        ax.set_xticks(range(len(CATEGORIES)), [CATEGORY_LABELS[c] for c in CATEGORIES], rotation=30,
                      ha="right", fontsize=7)
        ax.set_ylim(0, 1)
        ax.set_title(f"{base}: the class got '{CATEGORY_LABELS[info['class_category']]}' (red)", fontsize=9)
    axes[0][0].set_ylabel(f"share of {compare['n']} model-alone runs")
    fig.tight_layout()
    return fig


def figures(session: ExerciseSession, baseline: pd.DataFrame | None) -> dict[str, Figure]:
    figs = {"positions": positions_figure(session), "utilities": utilities_figure(session)}
    compare = debrief.comparison(session, baseline)
    if compare:
        figs["comparison"] = comparison_figure(compare)
    return figs


def _markdown(session: ExerciseSession, compare: dict[str, Any] | None, charts: list[str],
              timeline: pd.DataFrame) -> str:
    sc = session.compiled.scenario
    final = debrief.outcome(session)
    lines = [f"# War game debrief: {sc.title}", "", f"*{sc.question}*", "",
             f"Seed {session.seed} · scenario hash `{session.compiled.hash[:12]}` · "
             f"teams: {', '.join(session.roster.human_ids) or 'none'} · versions: "
             + ", ".join(f"{k} {v}" for k, v in session.header["versions"].items()), "", "## Outcome", ""]
    if final:
        deal = f"agreement in round {final['agreement_round']}" if final["agreed"] else "no agreement"
        lines += [f"- {deal} after {final['rounds_played']} rounds"]
        lines += [f"- **{b}**: {CATEGORY_LABELS[c]} ({final['package'][b]:.1f})" for b, c in
                  final["categories"].items()]
        lines += ["", "| actor | utility |", "|---|---|"]
        lines += [f"| {a} | {u:.3f} |" for a, u in final["utilities"].items()]
    if compare:
        lines += ["", f"## Compared with {compare['n']} model-alone runs", "",
                  f"Agreement reached in {compare['agreed_share']:.0%} of model-alone runs.", ""]
        for base, info in compare["bases"].items():
            lines.append(f"- **{base}**: the class got *{CATEGORY_LABELS[info['class_category']]}*, which "
                         f"{info['share_same_category']:.0%} of model runs also reached; the class's value is at "
                         f"the {info['percentile']:.0f}th percentile.")
        if "counterfactual" in compare:
            lines.append("- With the same parameter draw, the model alone would have reached: "
                         + ", ".join(f"{b} {CATEGORY_LABELS[c]}" for b, c in compare["counterfactual"].items())
                         + ".")
        lines += ["", "| actor | class utility | model median | percentile |", "|---|---|---|---|"]
        lines += [f"| {a} | {u['class']:.3f} | {u['model_median']:.3f} | {u['percentile']:.0f} |"
                  for a, u in compare["utilities"].items()]
    months = debrief.world_table(session)
    if not months.empty:
        lines += ["", "## The bases month by month", "", "| " + " | ".join(cell(c) for c in months.columns) + " |",
                  "|" + "---|" * len(months.columns)]
        lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in months.values.tolist()]
    lines += ["", "## Charts", ""] + [f"![{c}]({c}.png)" for c in charts]
    lines += ["", "## Timeline", "", "| round | phase | by | what |", "|---|---|---|---|"]
    lines += [f"| {r['round']} | {r['phase']} | {cell(r['by'])} | {cell(r['what'])} |"
              for r in timeline.to_dict("records")]
    lines += ["", "The join codes are left out of this folder: `session.jsonl` here is the session log without "
              "them (it still replays the game)."]
    return "\n".join(lines) + "\n"


def _cells(line: str) -> list[str]:
    """The cells of one Markdown table row, undoing :func:`sim.classroom.text.cell`'s escapes."""
    cells, current, chars = [], [], iter(line.strip()[1:])
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return cells


def _html(markdown: str) -> str:
    """A small Markdown-to-HTML rendering of the report (headings, lists, tables, images, emphasis)."""
    import re

    def inline(text: str) -> str:
        text = html.escape(text)
        # only the report's own chart files become images: no addresses from typed text
        text = re.sub(r"!\[([\w ]*)\]\(([\w-]+\.png)\)", r'<img alt="\1" src="\2" style="max-width:100%">', text)
        text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
        text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
        return re.sub(r"\*(.+?)\*", r"<i>\1</i>", text)

    out, table, items = [], False, False
    for line in markdown.splitlines():
        if line.startswith("|---"):
            continue
        if table and not line.startswith("|"):
            out.append("</table>")
            table = False
        if items and not line.startswith("- "):
            out.append("</ul>")
            items = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{inline(line[level:].strip())}</h{level}>")
        elif line.startswith("|"):
            cells = _cells(line)
            tag = "th" if not table else "td"
            if not table:
                out.append('<table border="1" cellspacing="0" cellpadding="3">')
                table = True
            out.append("<tr>" + "".join(f"<{tag}>{inline(c)}</{tag}>" for c in cells) + "</tr>")
        elif line.startswith("- "):
            if not items:
                out.append("<ul>")
                items = True
            out.append(f"<li>{inline(line[2:])}</li>")
        elif line.strip():
            out.append(f"<p>{inline(line)}</p>")
    out.append("</table>" if table else "</ul>" if items else "")
    body = "\n".join(out)
    return (f"<!doctype html>\n<html><head><meta charset='utf-8'><title>War game debrief</title></head>"
            f"<body style='font-family:sans-serif;max-width:1100px;margin:auto'>\n{body}\n</body></html>\n")


def export(session: ExerciseSession, out: str | Path, baseline: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write report.md/.html, PNG charts, and the log (JSONL copy, CSV, JSON) plus tables into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    figs = figures(session, baseline)
    for name, fig in figs.items():
        written[name] = out / f"{name}.png"
        fig.savefig(written[name], dpi=110)
        plt.close(fig)
    compare = debrief.comparison(session, baseline)
    timeline = debrief.timeline(session)
    markdown = _markdown(session, compare, list(figs), timeline)
    written["markdown"] = out / "report.md"
    written["markdown"].write_text(markdown, encoding="utf-8")
    written["html"] = out / "report.html"
    written["html"].write_text(_html(markdown), encoding="utf-8")
    records = pd.json_normalize(session.records[1:], sep=".")
    written["log_csv"] = out / "log.csv"
    records.to_csv(written["log_csv"], index=False)
    written["log_json"] = out / "log.json"
    header = {k: v for k, v in session.header.items() if k not in ("facilitator_code", "roles")}
    written["log_json"].write_text(json.dumps({"header": header, "records": session.records[1:],
                                               "outcome": debrief.outcome(session), "comparison": compare},
                                              indent=1, default=str), encoding="utf-8")
    if session.log is not None:  # the log without the codes: a report folder gets passed around
        written["log_jsonl"] = out / "session.jsonl"
        lines = session.log.path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])
        header["facilitator_code"] = ""
        header["roles"] = {a: {**r, "code": None} for a, r in header["roles"].items()}
        written["log_jsonl"].write_text("\n".join([json.dumps(header, sort_keys=True), *lines[1:]]) + "\n",
                                        encoding="utf-8")
    for name, frame in (("timeline", timeline), ("positions", debrief.positions(session)),
                        ("world", debrief.world(session)),
                        ("utilities", debrief.utilities(session))):
        written[name + "_csv"] = out / f"{name}.csv"
        frame.to_csv(written[name + "_csv"], index=False)
    return written
