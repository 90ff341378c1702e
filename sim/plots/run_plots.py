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
    issues = list(frame["issue"].cat.categories) if hasattr(frame["issue"], "cat") else sorted(frame["issue"].unique())
    actors = list(frame["actor"].cat.categories) if hasattr(frame["actor"], "cat") else sorted(frame["actor"].unique())
    cols = min(3, len(issues))
    rows = int(np.ceil(len(issues) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.4 * rows), squeeze=False, sharey=True)
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
        ax.set_title(wrap(_issue_label(scenario, issue), 48), fontsize=9)
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
    if len(issues) < rows * cols:  # the legend goes into the first empty panel, clear of any data
        fig.tight_layout()
        spare = axes[len(issues) // cols][len(issues) % cols]
        spare.legend(handles, labels, loc="center", fontsize=9, frameon=False, title="actor")
    else:
        fig.tight_layout(rect=(0, 0.4 / fig.get_figheight(), 1, 1))
        fig.legend(handles, labels, loc="lower center", ncol=min(6, len(labels)), fontsize=8, frameon=False)
    return fig


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
                   meanwhile: Callable[[], object] | None = None) -> list[Path]:
    """Write the standard figures of a run (a RunResult) into ``out/plots``, once per figure format, and return
    their paths (outcomes, trajectories when there are any, network). With ``parallel`` the trajectories figure is
    drawn in a forked process (where that is safe) while this one draws the others and runs ``meanwhile``."""
    folder = Path(out) / "plots"
    formats = tuple(formats)
    drawing = (Background(_save_trajectories, result.trajectories, result.scenario, folder / "trajectories",
                          formats, parallel=parallel) if len(result.trajectories) else None)
    if meanwhile is not None:
        meanwhile()
    paths = [save(outcome_distribution(result.table, result.scenario.title, result.scenario), folder / "outcomes",
                  formats)]
    network = save(relation_network(result.scenario), folder / "network", formats)
    if drawing is not None:
        paths.append(drawing.result())
    return [*paths, network]


def _save_trajectories(frame: pd.DataFrame, scenario: Scenario, path: Path, formats: tuple[str, ...]) -> Path:
    return save(trajectories(frame, scenario=scenario), path, formats)
