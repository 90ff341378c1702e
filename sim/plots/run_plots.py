"""Figures for one ``sim run``: outcome distribution, position trajectories, relation network."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from sim.core.categories import CATEGORIES, CATEGORY_LABELS
from sim.plots.background import Background
from sim.plots.style import CATEGORY_COLOURS, integer_ticks, plt, save, wrap
from sim.scenario.schema import Scenario

STATUS_STYLE = {"signed": ("", "new agreement signed"), "unresolved": ("//", "talks still open"),
                "breakdown": ("xx", "talks broke down")}


def outcome_distribution(table: pd.DataFrame, title: str = "", scenario: Scenario | None = None) -> plt.Figure:
    """Horizontal stacked bars per base: the share of runs in each state (talks signed / still open / broken
    down, by presence category), with 95% intervals printed on the larger segments. Colour = presence
    category, hatching = talks status. Also reads an older table of bare categories (no status prefix)."""
    bases = [i for i in table["issue"].unique() if i != "(all)"]
    fig, ax = plt.subplots(figsize=(9, 1.6 + 0.9 * max(1, len(bases))))
    for row, issue in enumerate(bases):
        left = 0.0
        part = table[table["issue"] == issue]
        for _, seg in part.iterrows():
            status, _, category = str(seg["outcome"]).rpartition(":")
            p = float(seg["probability"])
            if p <= 0:
                continue
            hatch = STATUS_STYLE.get(status, ("", ""))[0]
            ax.barh(row, p, left=left, color=CATEGORY_COLOURS.get(category, "#999999"), edgecolor="white",
                    hatch=hatch)
            if p >= 0.08:
                ax.text(left + p / 2, row, f"{p:.0%}\n[{seg['ci_low']:.0%}-{seg['ci_high']:.0%}]", ha="center",
                        va="center", fontsize=7, bbox={"fc": "white", "ec": "none", "alpha": 0.7, "pad": 1})
            left += p
    ax.set_yticks(range(len(bases)), [wrap(_issue_label(scenario, b), 26) for b in bases], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of runs (95% Wilson interval in brackets)")
    ax.set_title(wrap(title or "Outcome for each base", 80))
    handles = [Patch(facecolor=CATEGORY_COLOURS[c], label=CATEGORY_LABELS[c]) for c in CATEGORIES]
    statuses = {str(o).rpartition(":")[0] for o in table["outcome"]} & set(STATUS_STYLE)
    handles += [Patch(facecolor="white", edgecolor="#555555", hatch=STATUS_STYLE[s][0], label=STATUS_STYLE[s][1])
                for s in STATUS_STYLE if s in statuses]
    fig.tight_layout(rect=(0, 0.7 / fig.get_figheight(), 1, 1))
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, frameon=False)
    return fig


def _issue_label(scenario: Scenario | None, issue: str) -> str:
    return scenario.issues[issue].label if scenario is not None and issue in scenario.issues else issue


def trajectories(frame: pd.DataFrame, title: str = "", scenario: Scenario | None = None) -> plt.Figure:
    """Median position per actor per issue by month across replications, with the 10-90% band. With
    ``scenario``, panels carry the issue labels, the right axis its scale anchors and the legend actor names."""
    issues = _issues_of(frame)
    actors = list(frame["actor"].cat.categories) if hasattr(frame["actor"], "cat") else sorted(frame["actor"].unique())
    rows, cols = _grid(len(issues))
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.4 * rows), squeeze=False, sharey=True)
    titles = [wrap(_issue_label(scenario, issue), 48) for issue in issues]
    anchor_lines = [line for i in issues if scenario is not None and i in scenario.issues
                    for text in (scenario.issues[i].anchors or {}).values() for line in wrap(text, 22).split("\n")]
    anchor_chars = max((len(line) for line in anchor_lines), default=0)
    colours = plt.get_cmap("tab10").colors
    grouped = frame.groupby(["issue", "actor", "round"], observed=True)["position"]
    stats = grouped.quantile([0.1, 0.5, 0.9]).unstack()
    for index, issue in enumerate(issues):
        ax = axes[index // cols][index % cols]
        for actor in actors:
            if (issue, actor) not in stats.index.droplevel(2):
                continue
            part = stats.loc[(issue, actor)]
            name = scenario.actors[actor].name if scenario is not None and actor in scenario.actors else actor
            line, = ax.plot(part.index, part[0.5], label=name, color=colours[actors.index(actor) % len(colours)])
            ax.fill_between(part.index, part[0.1], part[0.9], color=line.get_color(), alpha=0.15)
        ax.set_title(titles[index], fontsize=9)
        ax.set_ylim(0, 100)
        ax.set_xlabel("month")
        integer_ticks(ax.xaxis)
        if scenario is not None and issue in scenario.issues and scenario.issues[issue].anchors:
            anchors = scenario.issues[issue].anchors
            right = ax.twinx()
            right.set_ylim(0, 100)
            right.set_yticks(sorted(anchors), [wrap(anchors[k], 22) for k in sorted(anchors)], fontsize=6)
    for index in range(len(issues), rows * cols):
        axes[index // cols][index % cols].axis("off")
    for row in axes:
        row[0].set_ylabel("position (0-100)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.suptitle(title or "Positions by month: median and 10-90% band of the runs still negotiating")
    lines = [max(titles[k].count("\n") + 1 for k in range(r * cols, min(len(issues), (r + 1) * cols)))
             for r in range(rows)]
    if _legend_in_panel(len(issues)):  # the legend goes into the first empty panel, clear of any data
        _grid_layout(fig, rows, cols, lines, anchor_chars, legend_rows=0)
        spare = axes[len(issues) // cols][len(issues) % cols]
        spare.legend(handles, labels, loc="center", fontsize=9, frameon=False, title="actor")
    else:
        legend_rows = int(np.ceil(len(labels) / 6))
        _grid_layout(fig, rows, cols, lines, anchor_chars, legend_rows)
        fig.legend(handles, labels, loc="lower center", ncol=min(6, len(labels)), fontsize=8, frameon=False)
    return fig


def _grid(n_issues: int) -> tuple[int, int]:
    """Rows and columns of the trajectories grid: up to three panels a row."""
    cols = min(3, n_issues)
    return int(np.ceil(n_issues / cols)), cols


def _legend_in_panel(n_issues: int) -> bool:
    """Whether the trajectories grid of ``n_issues`` panels has a spare panel for its legend (else it goes below,
    where a long legend may need the saved area widened)."""
    rows, cols = _grid(n_issues)
    return rows * cols > n_issues


def _grid_layout(fig: plt.Figure, rows: int, cols: int, title_lines: list[int], anchor_chars: int,
                 legend_rows: int) -> None:
    """Margins and gaps of the trajectories grid, in inches from the text it holds (tick labels, titles of one or
    more lines, the longest line of the anchor labels on the right at 6 points, about 0.052 in a character):
    what ``tight_layout`` finds, without drawing the figure to measure it (that pass cost a third of the
    figure's time)."""
    width, height = fig.get_size_inches()
    line = 0.16  # one line of a 9-point title
    left, right = 0.75, (0.2 + 0.052 * anchor_chars if anchor_chars else 0.2)
    gap_x = right + 0.25  # an inner panel shows no y tick labels (shared axis)
    top = 0.5 + line * title_lines[0] + 0.1
    gap_y = [0.55 + line * n + 0.15 for n in title_lines[1:]]  # x tick labels, "month", the next row's title
    bottom = 0.55 + (0.25 * legend_rows + 0.15 if legend_rows else 0.0)
    panel_w = (width - left - right - gap_x * (cols - 1)) / cols
    panel_h = (height - top - bottom - sum(gap_y)) / rows
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height,
                        wspace=gap_x / panel_w, hspace=(max(gap_y) if gap_y else 0.0) / panel_h)


def relation_network(scenario: Scenario) -> plt.Figure:
    """The relation graph: nodes named by the scenario's actor names, edge width = influence, colour = alignment
    (red hostile, grey neutral, blue aligned: a neutral edge stays visible)."""
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    from sim.scenario.distributions import central_value

    graph = nx.DiGraph()
    for actor_id, actor in scenario.actors.items():
        graph.add_node(actor_id, veto=actor.role == "veto", name=actor.name)
    for key, relation in scenario.relations.items():
        source, target = key.split("->")
        graph.add_edge(source, target, influence=central_value(relation.influence),
                       alignment=central_value(relation.alignment))
    fig, ax = plt.subplots(figsize=(6.4, 5.4))
    layout = nx.circular_layout(graph)
    colours = ["#444444" if graph.nodes[n]["veto"] else "#aaaaaa" for n in graph]
    nx.draw_networkx_nodes(graph, layout, node_color=colours, node_size=700, ax=ax)
    for node, (x, y) in layout.items():  # the name outside its node, on the side away from the centre
        name = "\n".join(textwrap.wrap(graph.nodes[node]["name"], 18, break_on_hyphens=False))
        ax.annotate(name, (x, y), xytext=(x * 1.2, y * 1.2), fontsize=9,
                    ha="left" if x > 0.5 else "right" if x < -0.5 else "center",
                    va="bottom" if y > 0.5 else "top" if y < -0.5 else "center")
    cmap = LinearSegmentedColormap.from_list("alignment", ["#b2182b", "#999999", "#2166ac"])
    edges = list(graph.edges(data=True))
    if edges:
        nx.draw_networkx_edges(
            graph, layout, ax=ax, edgelist=[(u, v) for u, v, _ in edges], node_size=700,
            width=[1 + 8 * d["influence"] for _, _, d in edges], edge_color=[d["alignment"] for _, _, d in edges],
            edge_cmap=cmap, edge_vmin=-1, edge_vmax=1, arrowsize=18, connectionstyle="arc3,rad=0.12")
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=Normalize(-1, 1), cmap=cmap), ax=ax, shrink=0.5, pad=0.02)
    bar.set_label("alignment (central value)", fontsize=8)
    ax.set_title("Relations: arrow width = influence of one actor on another,\ncolour = alignment; "
                 "dark nodes are veto players", fontsize=9)
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.45, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def save_run_plots(result, out: str | Path, formats: Sequence[str] = ("png",), parallel: bool = True,
                   meanwhile: Callable[[], object] | None = None, network: Path | None = None,
                   trajectories: Path | None = None) -> list[Path]:
    """Write the standard figures of a run (a RunResult) into ``out/plots``, once per figure format, and return
    their paths (outcomes, trajectories when there are any, network). With ``parallel`` one figure is drawn in a
    forked process (where that is safe) while this one draws the other and runs ``meanwhile``: the trajectories
    figure, or the outcomes figure when ``trajectories`` is the path of a trajectories figure already drawn (by
    :func:`save_trajectories`, e.g. while worker processes ran). ``network`` is the network figure's path when
    :func:`save_network` already drew it (it needs no results)."""
    folder = Path(out) / "plots"
    formats = tuple(formats)
    if trajectories is None and len(result.trajectories):
        drawing = Background(_save_trajectories, result.trajectories, result.scenario, folder / "trajectories",
                             formats, parallel=parallel)
        if meanwhile is not None:
            meanwhile()
        paths = [_save_outcomes(result.table, result.scenario, folder / "outcomes", formats), drawing.result()]
    else:
        outcomes = Background(_save_outcomes, result.table, result.scenario, folder / "outcomes", formats,
                              parallel=parallel)
        if meanwhile is not None:
            meanwhile()
        paths = [outcomes.result(), *([trajectories] if trajectories is not None else [])]
    return [*paths, network or save_network(result.scenario, out, formats)]


def save_trajectories(frame: pd.DataFrame, scenario: Scenario, out: str | Path,
                      formats: Sequence[str] = ("png",)) -> Path:
    """The trajectories figure of a positions table as ``out/plots/trajectories`` (in each figure format)."""
    return _save_trajectories(frame, scenario, Path(out) / "plots" / "trajectories", tuple(formats))


def save_network(scenario: Scenario, out: str | Path, formats: Sequence[str] = ("png",)) -> Path:
    """The relation network of ``scenario`` as ``out/plots/network`` (in each figure format)."""
    return save(relation_network(scenario), Path(out) / "plots" / "network", tuple(formats))


def _save_outcomes(table: pd.DataFrame, scenario: Scenario, path: Path, formats: tuple[str, ...]) -> Path:
    """Saved as laid out: ``tight_layout`` already fits the axes and their labels above the band it keeps for the
    legend, so the measuring draw of a tight save would only trim the margins."""
    return save(outcome_distribution(table, scenario.title, scenario), path, formats, tight=False)


def _save_trajectories(frame: pd.DataFrame, scenario: Scenario, path: Path, formats: tuple[str, ...]) -> Path:
    """Saved as laid out (no measuring draw) when its legend sits in a spare panel: then everything lies within
    the margins ``_grid_layout`` set."""
    tight = not _legend_in_panel(len(_issues_of(frame)))
    return save(trajectories(frame, scenario=scenario), path, formats, tight=tight)


def _issues_of(frame: pd.DataFrame) -> list:
    """The issues of a positions table, in the scenario's order where the table keeps it (a categorical)."""
    return list(frame["issue"].cat.categories) if hasattr(frame["issue"], "cat") else sorted(frame["issue"].unique())
