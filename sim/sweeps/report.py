"""``sim report DIR``: a Markdown report (tables + figures) of a finished or partial sweep.

Figures are labelled from the sweep's scenario (actor names, issue names, event labels) and written in every
format asked for (``png``, ``pdf``, ``svg``); the Markdown embeds the PNG (or the first format written).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.sweeps.analysis import SweepAnalysis, analyze, heatmap_table, point_results
from sim.sweeps.discovery import discover_sweep
from sim.sweeps.report_notes import discovery_absent, flat_output_warning, interval_columns, seed_note
from sim.sweeps.spec import SweepSpec, spec_from_manifest
from sim.sweeps.store import read_store

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()[:60]


def _md(df: pd.DataFrame, digits: int = 3, missing: str = "n/a") -> str:
    if df.empty:
        return "_(no rows)_\n"
    cols = list(df.columns)
    out = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        cells = [(missing if np.isnan(v) else f"{v:.{digits}g}") if isinstance(v, float) else str(v) for v in r]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


class _Figures:
    """Writes each figure in every requested format and returns the Markdown line that embeds it."""

    def __init__(self, out: Path, formats: Sequence[str]) -> None:
        self.out, self.formats = out, tuple(formats) or ("png",)

    def add(self, fig: Figure, stem: str, alt: str) -> str:
        from sim.plots.style import save  # matplotlib only when reporting

        shown = "png" if "png" in self.formats else self.formats[0]
        save(fig, self.out / stem, self.formats)
        return f"![{alt}]({stem}.{shown})"


def _scenario(manifest: dict[str, Any]) -> Any:
    """The sweep's scenario, for labels (None for a test function or a scenario that no longer loads)."""
    path = manifest.get("scenario")
    if not path:
        return None
    try:
        from sim.scenario.loader import load_scenario

        return load_scenario(path)
    except Exception:  # labels are a courtesy: a moved or broken file leaves raw paths
        return None


def render_report(directory: str | Path, out: str | Path | None = None, formats: Sequence[str] = ("png",)) -> Path:
    """Write ``report.md`` and its figures into ``out`` (default ``DIR/report``); return the Markdown path."""
    from sim.plots.labels import natural_range, output_label, parameter_label
    from sim.sweeps import plots  # matplotlib only when reporting

    directory = Path(directory)
    store = read_store(directory)
    spec = spec_from_manifest(store.manifest)
    out = Path(out) if out else directory / "report"
    out.mkdir(parents=True, exist_ok=True)
    figures = _Figures(out, formats)
    m = store.manifest
    scenario = _scenario(m)
    label = lambda path: parameter_label(path, scenario)  # noqa: E731
    olabel = lambda text: output_label(text, scenario)  # noqa: E731
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
             _md(pd.DataFrame([{"parameter": p.path, "label": label(p.path), "low": p.bounds[0],
                                "high": p.bounds[1]} for p in spec.parameters])), ""]
    pts = point_results(store)
    if res.runs_done:
        summary = pd.DataFrame([{"output": o.text, "meaning": olabel(o.text), "mean over points": pts[o.name].mean(),
                                 "min": pts[o.name].min(), "max": pts[o.name].max()} for o in spec.outputs])
        lines += ["## Outputs of interest", "", _md(summary), ""]
    if not res.mechanisms.empty:
        first, factor = spec.arm_labels[0], spec.arm_factor
        lines += [f"## {factor.capitalize()}s compared", "",
                  f"Every design point ran under each {factor} with the same seeds. `value` with its 95% interval "
                  f"(`low`, `high`; Wilson for probabilities); `minus {first}`: the paired difference from {first} "
                  "over the same points and seeds, with its interval (`diff_low`, `diff_high`).", "",
                  _md(res.mechanisms), "",
                  figures.add(plots.mechanism_bars(res.mechanisms, f"{factor.capitalize()}s compared (95% intervals)",
                                                   factor, olabel, lambda o: natural_range(o, scenario)),
                              f"{factor}s", f"{factor}s compared"), ""]
    if not res.seed_share.empty:
        lines += ["## The seed's share of variance", "",
                  "`seed_share_runs`: share of run-to-run variance due to the seed alone; `noise_in_means`: "
                  "noise left in the per-point means the indices use (inflates total-order indices). "
                  "`n/a`: the output does not vary at all (nothing to share out).", "",
                  _md(res.seed_share), ""]
    means = {o.text: float(pts[o.name].mean()) for o in spec.outputs} if res.runs_done else {}
    lines += _index_sections(spec, res, figures, label, olabel, scenario, means)
    lines += _plane_section(spec, res, store, pts, figures, label, olabel, scenario)
    lines += _discovery_section(spec, store, figures, label)
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _index_sections(spec: SweepSpec, res: SweepAnalysis, figures: _Figures, label, olabel, scenario,
                    means: dict[str, float]) -> list[str]:
    from sim.sweeps import plots

    lines: list[str] = []
    for text, table in res.indices.items():
        lines += [f"## Sensitivity of {olabel(text)}", "", f"Output `{text}`.", ""]
        constant = not res.seed_share.empty and (res.seed_share.set_index("output")
                                                 .get("total_variance", {}).get(text.split(" [")[0]) == 0)
        if table.empty:
            lines += [f"_{text} takes the same value in every run: there is no variance to share out among the "
                      "parameters._" if constant else "_Not enough complete points to estimate indices yet._", ""]
            continue
        if constant:
            lines += [f"_{text} takes the same value in every run, so every effect below is zero: no parameter "
                      "moves it over the ranges swept._", ""]
        lines += [_md(table), ""]
        output = text.split(" [")[0]
        warning = flat_output_warning(spec, res, output, table, scenario, means.get(output)) \
            if spec.design == "sobol" else ""
        if warning:
            lines += [f"**Warning:** {warning}", ""]
        stem = f"{spec.design}_{_slug(text)}"
        if spec.design == "oat":
            fig = plots.tornado(table, olabel(text), label)
        elif spec.design == "sobol":
            fig = plots.sobol_bars(table, olabel(text), label, warning)
        elif spec.design == "morris":
            fig = plots.morris_plot(table, olabel(text), label)
        else:
            continue
        lines += [figures.add(fig, stem, f"{spec.design} {text}"), ""]
    return lines


def _plane_section(spec: SweepSpec, res: SweepAnalysis, store, pts: pd.DataFrame, figures: _Figures, label,
                   olabel, scenario) -> list[str]:
    """A line with bands for a one-parameter grid; a heatmap over the two most influential parameters for
    designs that fill the plane (never for one-at-a-time sweeps, whose points lie on two crossing lines)."""
    from sim.plots.labels import natural_range
    from sim.sweeps import plots

    if not res.runs_done:
        return []
    lines: list[str] = []
    under = f" under {spec.arm_labels[0]}" if spec.arm_list else ""
    if len(spec.parameters) == 1 and spec.design == "grid":
        name = spec.names[0]
        for o in spec.outputs:
            rows = pts[pts[spec.arm_factor] == spec.arm_labels[0]] if spec.arm_list else pts
            band = interval_columns(rows, o)
            fig = plots.line_with_band(band, name, "mean", "low", "high", olabel(o.text) + under, label,
                                       natural_range(o.text, scenario))
            lines += [f"## {olabel(o.text)} along {label(name)}{under}", "", f"Output `{o.text}`, parameter "
                      f"`{name}`.", "",
                      figures.add(fig, f"line_{_slug(o.text)}", f"{o.text} along {name}"), ""]
        return lines
    if len(spec.parameters) < 2 or spec.design == "oat":
        return lines
    first = next((o for o in spec.outputs if o.fn == "mean"), spec.outputs[0]).text
    x, y = _heat_axes(spec, res, first)
    table = heatmap_table(store, first, x, y)
    if table.empty:
        return lines
    note = seed_note(res, first)
    fig = plots.heatmap(table, olabel(first) + under, label, natural_range(first, scenario), note)
    lines += [f"## Heatmap of {olabel(first)} over {label(x)} x {label(y)}{under}", "",
              f"Output `{first}` over `{x}` (x) and `{y}` (y). The colour scale spans the output's natural range"
              + (f" ({natural_range(first, scenario)[0]:g} to {natural_range(first, scenario)[1]:g})"
                 if natural_range(first, scenario) else "") + ".", ""]
    if spec.design != "grid":
        lines += [f"The {spec.design} design does not hold the other parameters fixed: each cell is the mean over "
                  "the runs whose two plotted parameters fall in it, with every other parameter varying as the "
                  "design drew it.", ""]
    if note:
        lines += [f"**Note:** {note}", ""]
    lines += [figures.add(fig, f"heatmap_{_slug(first)}", "heatmap"), ""]
    return lines


def _discovery_section(spec: SweepSpec, store, figures: _Figures, label) -> list[str]:
    from sim.sweeps import plots
    from sim.sweeps.outputs import parse_output

    try:
        disc = discover_sweep(store)
    except ImportError:
        return ["## Scenario discovery", "", "No scenario discovery: it needs scikit-learn "
                "(pip install 'syria-bases-sim[sweeps]').", ""]
    if disc is None or disc.boxes.empty or not 0 < disc.base_rate < 1:
        reason = discovery_absent(spec, store, disc)
        return ["## Scenario discovery", "", reason, ""] if reason else []
    best = disc.best
    cols = ["box", "density", "coverage", "support", "points"]
    lines = [f"## Scenario discovery: where does `{disc.target}` happen?", "",
             f"Base rate over all points: {disc.base_rate:.3f}. Boxes are the leaves of a depth-3 "
             f"regression tree on the per-point probability, densest first.{_arm_legend(spec)}", "",
             _md(disc.boxes[cols].head(5)), "", "```", disc.rules.strip(), "```", ""]
    o = parse_output(f"P({disc.target})")
    pp = point_results(store, [o]).dropna(subset=[o.name])
    if len(spec.parameters) >= 2:
        fig = plots.discovery_plot(pp[list(disc.features)], pp[o.name].to_numpy(), best,
                                   f"{disc.target}: best box", label)
        lines += [figures.add(fig, "discovery", "discovery"), ""]
    return lines


def _arm_legend(spec) -> str:
    """In a mechanism or scenario comparison, what the ``arm`` factor's values mean."""
    if not spec.arm_list:
        return ""
    return (f" The {spec.arm_factor} is a factor: `arm` "
            + ", ".join(f"{k} = {m}" for k, m in enumerate(spec.arm_labels)) + ".")


def _heat_axes(spec, res, output: str) -> tuple[str, str]:
    """The two most influential parameters for ``output`` (the first two declared if unknown)."""
    names = spec.names
    table = res.indices.get(f"{output} [{spec.arm_labels[0]}]" if spec.arm_list else output)
    if table is not None and not table.empty:
        key = next((k for k in ("ST", "mu_star", "swing", "effect_range", "S1") if k in table), None)
        if key:
            ranked = list(table.sort_values(key, ascending=False)["parameter"])
            return ranked[0], ranked[1]
    return names[0], names[1]
