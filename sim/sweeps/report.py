"""``sim report DIR``: a Markdown report (tables + PNG plots) of a finished or partial sweep."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.sweeps.analysis import analyze, heatmap_table, point_results
from sim.sweeps.discovery import discover_sweep
from sim.sweeps.spec import spec_from_manifest
from sim.sweeps.store import read_store

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:60]


def _md(df: pd.DataFrame, digits: int = 3) -> str:
    if df.empty:
        return "_(no rows)_\n"
    cols = list(df.columns)
    out = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        cells = [f"{v:.{digits}g}" if isinstance(v, float) else str(v) for v in r]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def _save(fig: Figure, path: Path) -> None:
    """Write a figure and release it (reports may draw dozens)."""
    import matplotlib.pyplot as plt  # noqa: PLC0415 - matplotlib only when reporting

    fig.savefig(path, dpi=110)
    plt.close(fig)


def render_report(directory: str | Path, out: str | Path | None = None) -> Path:
    """Write ``report.md`` and its PNGs into ``out`` (default ``DIR/report``); return the Markdown path."""
    from sim.sweeps import plots  # noqa: PLC0415 - matplotlib only when reporting

    directory = Path(directory)
    store = read_store(directory)
    spec = spec_from_manifest(store.manifest)
    out = Path(out) if out else directory / "report"
    out.mkdir(parents=True, exist_ok=True)
    m = store.manifest
    res = analyze(store)
    lines = [f"# Sweep report: {spec.name}", "",
             f"- design: **{spec.design}**, samples {spec.samples}, replications {spec.replications}, "
             f"seed {spec.seed}",
             f"- runs done: **{res.runs_done} / {res.runs_total}**"
             + ("" if res.complete else " (partial sweep: analyses use the complete part)"),
             f"- design points complete: {res.points_complete} / {res.points_total}",
             f"- scenario: `{m.get('scenario') or spec.evaluator}` (hash `{m['scenario_hash']}`), "
             f"sweep hash `{m['sweep_hash']}`, version {m['version']}",
             f"- seeds: `{m['seed_rule']}`", "",
             "## Parameters", "",
             _md(pd.DataFrame([{"parameter": p.path, "low": p.bounds[0], "high": p.bounds[1]}
                               for p in spec.parameters])), ""]
    pts = point_results(store)
    if res.runs_done:
        summary = pd.DataFrame([{"output": o.text, "mean over points": pts[o.name].mean(),
                                 "min": pts[o.name].min(), "max": pts[o.name].max()} for o in spec.outputs])
        lines += ["## Outputs of interest", "", _md(summary), ""]
    if not res.mechanisms.empty:
        first = spec.arm_labels[0]
        lines += ["## Mechanisms compared", "",
                  f"Every design point ran under each mechanism with the same seeds. `value` with its 95% interval "
                  f"(`low`, `high`; Wilson for probabilities); `minus {first}`: the paired difference from {first} "
                  "over the same points and seeds, with its interval (`diff_low`, `diff_high`).", "",
                  _md(res.mechanisms), ""]
        _save(plots.mechanism_bars(res.mechanisms), out / "mechanisms.png")
        lines += ["![mechanisms compared](mechanisms.png)", ""]
    if not res.seed_share.empty:
        lines += ["## The seed's share of variance", "",
                  "`seed_share_runs`: share of run-to-run variance due to the seed alone; `noise_in_means`: "
                  "noise left in the per-point means the indices use (inflates total-order indices).", "",
                  _md(res.seed_share), ""]
    for text, table in res.indices.items():
        lines += [f"## Sensitivity of {text}", ""]
        if table.empty:
            lines += ["_Not enough complete points (or no variation) to estimate indices yet._", ""]
            continue
        lines += [_md(table), ""]
        fig = {"oat": plots.tornado, "sobol": plots.sobol_bars, "morris": plots.morris_plot}.get(spec.design)
        if fig is not None:
            name = f"{spec.design}_{_slug(text)}.png"
            _save(fig(table, text), out / name)
            lines += [f"![{spec.design} {text}]({name})", ""]
    if len(spec.parameters) >= 2 and res.runs_done:
        first = next((o for o in spec.outputs if o.fn == "mean"), spec.outputs[0]).text
        x, y = _heat_axes(spec, res, first)
        table = heatmap_table(store, first, x, y)
        if not table.empty:
            name = f"heatmap_{_slug(first)}.png"
            under = f" under {spec.arm_labels[0]}" if spec.mechanisms else ""
            _save(plots.heatmap(table, first + under), out / name)
            lines += [f"## Heatmap of {first} over {x} x {y}{under}", "", f"![heatmap]({name})", ""]
    disc = discover_sweep(store)
    if disc is not None and not disc.boxes.empty:
        best = disc.best
        cols = ["box", "density", "coverage", "support", "points"]
        lines += [f"## Scenario discovery: where does `{disc.target}` happen?", "",
                  f"Base rate over all points: {disc.base_rate:.3f}. Boxes are the leaves of a depth-3 "
                  f"regression tree on the per-point probability, densest first.{_arm_legend(spec)}", "",
                  _md(disc.boxes[cols].head(5)), "", "```", disc.rules.strip(), "```", ""]
        o = f"P({disc.target})"
        from sim.sweeps.outputs import parse_output  # noqa: PLC0415

        pp = point_results(store, [parse_output(o)]).dropna(subset=[parse_output(o).name])
        if len(spec.parameters) >= 2:
            _save(plots.discovery_plot(pp[list(disc.features)], pp[parse_output(o).name].to_numpy(), best,
                                       f"{disc.target}: best box"), out / "discovery.png")
            lines += ["![discovery](discovery.png)", ""]
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _arm_legend(spec) -> str:
    """In a mechanism comparison, what the ``arm`` factor's values mean."""
    if not spec.mechanisms:
        return ""
    return " The mechanism is a factor: `arm` " + ", ".join(f"{k} = {m}" for k, m in enumerate(spec.arm_labels)) + "."


def _heat_axes(spec, res, output: str) -> tuple[str, str]:
    """The two most influential parameters for ``output`` (the first two declared if unknown)."""
    names = spec.names
    table = res.indices.get(f"{output} [{spec.arm_labels[0]}]" if spec.mechanisms else output)
    if table is not None and not table.empty:
        key = next((k for k in ("ST", "mu_star", "swing", "effect_range", "S1") if k in table), None)
        if key:
            ranked = list(table.sort_values(key, ascending=False)["parameter"])
            return ranked[0], ranked[1]
    return names[0], names[1]
