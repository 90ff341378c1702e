"""Figures for one ``sim run``: outcome distribution, position trajectories, relation network."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from sim.core.categories import CATEGORIES, CATEGORY_LABELS
from sim.plots.style import CATEGORY_COLOURS, plt, save
from sim.scenario.schema import Scenario


def outcome_distribution(table: pd.DataFrame, title: str = "") -> plt.Figure:
    """Horizontal stacked bars: probability of each category per base, with 95% intervals printed."""
    bases = [i for i in table["issue"].unique() if i != "(all)"]
    fig, ax = plt.subplots(figsize=(8, 1.0 + 0.9 * max(1, len(bases))))
    for row, issue in enumerate(bases):
        left = 0.0
        part = table[table["issue"] == issue].set_index("outcome")
        for category in CATEGORIES:
            p = float(part.loc[category, "probability"])
            ax.barh(row, p, left=left, color=CATEGORY_COLOURS[category], edgecolor="white",
                    label=CATEGORY_LABELS[category] if row == 0 else None)
            if p >= 0.06:
                lo, hi = part.loc[category, "ci_low"], part.loc[category, "ci_high"]
                ax.text(left + p / 2, row, f"{p:.0%}\n[{lo:.0%}-{hi:.0%}]", ha="center", va="center", fontsize=7)
            left += p
    ax.set_yticks(range(len(bases)), [b.capitalize() for b in bases])
    ax.set_xlim(0, 1)
    ax.set_xlabel("probability (95% Wilson interval in brackets)")
    ax.set_title(title or "Outcome for each base")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=8, frameon=False)
    return fig


def trajectories(frame: pd.DataFrame, title: str = "") -> plt.Figure:
    """Median position per actor per issue by round across replications, with the 10-90% band."""
    issues = list(frame["issue"].cat.categories) if hasattr(frame["issue"], "cat") else sorted(frame["issue"].unique())
    actors = list(frame["actor"].cat.categories) if hasattr(frame["actor"], "cat") else sorted(frame["actor"].unique())
    cols = min(3, len(issues))
    rows = int(np.ceil(len(issues) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False, sharey=True)
    grouped = frame.groupby(["issue", "actor", "round"], observed=True)["position"]
    stats = grouped.quantile([0.1, 0.5, 0.9]).unstack()
    for index, issue in enumerate(issues):
        ax = axes[index // cols][index % cols]
        for actor in actors:
            if (issue, actor) not in stats.index.droplevel(2):
                continue
            part = stats.loc[(issue, actor)]
            line, = ax.plot(part.index, part[0.5], label=actor)
            ax.fill_between(part.index, part[0.1], part[0.9], color=line.get_color(), alpha=0.15)
        ax.set_title(issue)
        ax.set_ylim(0, 100)
        ax.set_xlabel("round (month)")
    for index in range(len(issues), rows * cols):
        axes[index // cols][index % cols].axis("off")
    axes[0][0].set_ylabel("position (0-100)")
    axes[0][0].legend(fontsize=8)
    fig.suptitle(title or "Positions by round: median and 10-90% band of the runs still negotiating")
    fig.tight_layout()
    return fig


def relation_network(scenario: Scenario) -> plt.Figure:
    """The relation graph: edge width = influence, colour = alignment (red hostile, blue aligned)."""
    from sim.scenario.distributions import central_value

    graph = nx.DiGraph()
    for actor_id, actor in scenario.actors.items():
        graph.add_node(actor_id, veto=actor.role == "veto")
    for key, relation in scenario.relations.items():
        source, target = key.split("->")
        graph.add_edge(source, target, influence=central_value(relation.influence),
                       alignment=central_value(relation.alignment))
    fig, ax = plt.subplots(figsize=(6, 5))
    layout = nx.circular_layout(graph)
    colours = ["#444444" if graph.nodes[n]["veto"] else "#aaaaaa" for n in graph]
    nx.draw_networkx_nodes(graph, layout, node_color=colours, node_size=1400, ax=ax)
    nx.draw_networkx_labels(graph, layout, font_color="white", font_weight="bold", ax=ax)
    edges = list(graph.edges(data=True))
    if edges:
        nx.draw_networkx_edges(
            graph, layout, ax=ax, edgelist=[(u, v) for u, v, _ in edges], node_size=1400,
            width=[1 + 8 * d["influence"] for _, _, d in edges], edge_color=[d["alignment"] for _, _, d in edges],
            edge_cmap=plt.get_cmap("RdBu"), edge_vmin=-1, edge_vmax=1, arrowsize=18,
            connectionstyle="arc3,rad=0.12")
    ax.set_title("Relations: width = influence, colour = alignment (red hostile, blue aligned);\n"
                 "dark nodes are veto players", fontsize=9)
    ax.axis("off")
    return fig


def save_run_plots(result, out: str | Path) -> list[Path]:  # noqa: ANN001 (RunResult, avoids an import cycle)
    """Write the three standard figures of a run into ``out/plots``."""
    folder = Path(out) / "plots"
    paths = [save(outcome_distribution(result.table, f"{result.scenario.title}"), folder / "outcomes.png")]
    if len(result.trajectories):
        paths.append(save(trajectories(result.trajectories), folder / "trajectories.png"))
    paths.append(save(relation_network(result.scenario), folder / "network.png"))
    return paths
