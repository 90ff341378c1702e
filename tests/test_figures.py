"""Figures for a paper: readable labels, every format, honest scales and warnings in sweep reports."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli.main import app
from sim.plots.labels import natural_range, output_label, parameter_label
from sim.plots.run_plots import relation_network, save_run_plots, save_trajectories, trajectories
from sim.sweeps import plots as sweep_plots
from sim.sweeps import run_sweep
from sim.sweeps.analysis import analyze, heatmap_table
from sim.sweeps.outputs import parse_output
from sim.sweeps.report import render_report
from sim.sweeps.report_notes import seed_note
from tests.conftest import BASELINE, minimal_scenario, write_scenario

runner = CliRunner()
PI = math.pi


def test_parameter_and_output_labels_come_from_the_scenario():
    scenario = sim.load_scenario(BASELINE)
    assert parameter_label("actors.TUR.capability", scenario) == "Turkey: capability"
    assert parameter_label("actors.RUS.salience.tartus", scenario) == "Russia: salience of Tartus"
    assert parameter_label("relations.TUR->SYR.influence", scenario) == \
        "influence of Turkey on Syrian government (HTS-led)"
    assert parameter_label("events.guarantee_lapses.probability", scenario) == \
        "The security guarantee for the bases lapses: chance per month"
    assert parameter_label("x1") == "x1"  # not a scenario path: kept as written
    assert output_label("P(signed.m12)", scenario) == "share of runs with a new agreement signed at month 12"
    assert output_label("P(category.tartus.m24 >= new_terms)", scenario) == \
        "share of runs with Tartus at 'retained on modified terms' or better for Russia at month 24"
    assert output_label("mean(presence.hmeimim.m12)", scenario) == "mean presence at Hmeimim at month 12 (0-100)"
    assert natural_range("mean(presence.hmeimim.m12)", scenario) == (0.0, 100.0)
    assert output_label("mean(outcome.tartus)", scenario) == "mean final value of Tartus (0-100)"
    assert "retained on modified terms" in output_label("P(category.tartus >= new_terms)", scenario)
    assert natural_range("P(agreed)") == (0.0, 1.0) and natural_range("mean(outcome.hmeimim)") == (0.0, 100.0)
    assert natural_range("mean(agreement_round)", scenario) == (1.0, float(scenario.rounds))


def test_run_trajectories_have_integer_month_ticks_labels_and_a_legend_off_the_data():
    result = sim.run(BASELINE, n=3, seed=0)
    fig = trajectories(result.trajectories, scenario=result.scenario)
    axes = [ax for ax in fig.axes if ax.get_xlabel() == "month"]
    assert axes and all(float(t).is_integer() for ax in axes for t in ax.get_xticks())
    titles = {ax.get_title() for ax in axes}
    assert "Russian access to the Tartus naval facility" in titles
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert len(legends) == 1 and not legends[0].axes.has_data()  # drawn in the spare panel, not over lines
    assert "Russia" in [t.get_text() for t in legends[0].get_texts()]


def ishigami(tmp: Path, name: str, design: str, samples: int, parameters: dict, outputs: list[str],
             replications: int = 1, options: dict | None = None, **extra) -> Path:
    spec = {"name": name, "evaluator": {"ishigami": options or {}}, "design": design, "samples": samples,
            "replications": replications, "seed": 3, "parameters": parameters, "outputs": outputs, **extra}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_network_names_the_actors_and_keeps_every_edge_visible():
    scenario = sim.load_scenario(BASELINE)
    fig = relation_network(scenario)
    texts = {" ".join(t.get_text().split()) for t in fig.axes[0].texts}
    assert {"Russia", "Syrian government (HTS-led)", "Turkey", "United States", "Israel"} <= texts
    assert not texts & set(scenario.actors)  # no bare ids
    edges = [p for p in fig.axes[0].patches if p.get_edgecolor()[:3] != (1.0, 1.0, 1.0)]
    assert edges and all(max(p.get_edgecolor()[:3]) < 0.9 for p in edges)  # a neutral edge is grey, not white


def test_sobol_report_warns_about_a_constant_output_and_clips_the_bars(tmp_path):
    box = {"x1": [-PI, PI], "x2": [-PI, PI], "x3": [-PI, PI]}
    run_sweep(ishigami(tmp_path, "flat", "sobol", 64, box, ["P(y > 15)", "P(y > 100)"]), tmp_path / "s")
    text = render_report(tmp_path / "s").read_text()
    assert "**Warning:** P(y > 15) is nearly constant" in text
    assert "_P(y > 100) takes the same value in every run" in text
    table = analyze(tmp_path / "s").indices["P(y > 15)"]
    fig = sweep_plots.sobol_bars(table, "flat", warning="constant")
    assert fig.axes[0].get_ylim() == (-0.25, 1.25)
    assert not fig.axes[0].texts and any("constant" in t.get_text() for t in fig.texts)  # warning off the data


def test_sobol_bars_off_the_axis_are_marked_and_a_flat_tornado_says_why_it_is_empty():
    table = pd.DataFrame({"parameter": ["a", "b"], "S1": [0.1, -0.6], "S1_conf": [0.9, 0.9], "ST": [3.0, 0.5],
                          "ST_conf": [2.0, 0.9]})
    ax = sweep_plots.sobol_bars(table, "noisy", warning="wide").axes[0]
    marks = [(line.get_marker(), line.get_ydata()[0]) for line in ax.lines if line.get_marker() in ("^", "v")]
    assert sorted(marks) == [("^", 1.25), ("v", -0.25)]
    flat = pd.DataFrame({"parameter": ["a", "b"], "baseline": [1.0, 1.0], "output_low": [1.0, 1.0],
                         "output_high": [1.0, 1.0], "swing": [0.0, 0.0]})
    assert any("same value" in t.get_text() for t in sweep_plots.tornado(flat, "P").axes[0].texts)
    flat.loc[0, "output_high"] = 0.9
    assert not sweep_plots.tornado(flat, "P").axes[0].texts


def test_heatmap_uses_the_natural_range_and_says_when_noise_dominates(tmp_path):
    plane = {"x1": [-PI, PI], "x2": [-PI, PI]}
    run_sweep(ishigami(tmp_path, "noisy", "grid", 4, plane, ["P(y > 3)"], replications=6,
                       options={"noise": 50.0}), tmp_path / "g")
    res = analyze(tmp_path / "g")
    note = seed_note(res, "P(y > 3)")
    assert note.startswith("Seed noise dominates") and "%" in note
    table = heatmap_table(tmp_path / "g", "P(y > 3)", "x1", "x2")
    fig = sweep_plots.heatmap(table, "P(y > 3)", value_range=(0.0, 1.0), note=note)
    assert fig.axes[0].images[0].get_clim() == (0.0, 1.0)
    assert any("Seed noise dominates" in t.get_text() for t in fig.texts)
    text = render_report(tmp_path / "g").read_text()
    assert "natural range (0 to 1)" in text and "**Note:** Seed noise dominates" in text


def test_noise_beyond_the_spread_of_means_is_not_a_percentage_over_100():
    from types import SimpleNamespace

    table = pd.DataFrame([{"output": "m", "seed_share_runs": 0.92, "noise_in_means": 1.13, "replications": 10}])
    note = seed_note(SimpleNamespace(seed_share=table), "m")
    assert "113%" not in note and "no more than seed noise alone" in note and "1.13" in note
    table.loc[0, "noise_in_means"] = 0.59
    assert "59% of the variance between the cell means" in seed_note(SimpleNamespace(seed_share=table), "m")


def test_quiet_plane_gets_no_noise_note(tmp_path):
    plane = {"x1": [-PI, PI], "x2": [-PI, PI]}
    run_sweep(ishigami(tmp_path, "quiet", "grid", 4, plane, ["mean(y)"], replications=3,
                       options={"noise": 0.01}), tmp_path / "q")
    assert seed_note(analyze(tmp_path / "q"), "mean(y)") == ""


def test_one_parameter_grid_gets_a_line_with_bands_and_oat_no_heatmap(tmp_path):
    run_sweep(ishigami(tmp_path, "one", "grid", 5, {"x1": [-PI, PI]}, ["mean(y)"], replications=4,
                       options={"noise": 1.0}), tmp_path / "one")
    text = render_report(tmp_path / "one", formats=("png", "svg")).read_text()
    assert "Output `mean(y)`, parameter `x1`" in text and (tmp_path / "one" / "report" / "line_mean_y.svg").exists()
    assert "Heatmap" not in text
    box = {"x1": [-PI, PI], "x2": [-PI, PI], "x3": [-PI, PI]}
    run_sweep(ishigami(tmp_path, "oat", "oat", 3, box, ["mean(y)"]), tmp_path / "oat")
    text = render_report(tmp_path / "oat").read_text()
    assert "Heatmap" not in text and "![oat mean(y)](oat_mean_y.png)" in text


def test_empty_discovery_says_why(tmp_path):
    path = write_scenario(tmp_path, minimal_scenario(n_actors=3))
    sweep = {"scenario": str(path), "design": "grid", "samples": 4, "replications": 2, "seed": 1,
             "parameters": {"actors.A2.capability": [0.1, 0.9], "actors.A0.capability": [0.3, 0.7]},
             "outputs": ["mean(outcome.i0)"], "discovery": "category.i0 == terms_2017"}
    (tmp_path / "sw.yaml").write_text(yaml.safe_dump(sweep))
    run_sweep(tmp_path / "sw.yaml", tmp_path / "d")
    text = render_report(tmp_path / "d").read_text()
    assert "## Scenario discovery" in text
    assert "`category.i0 == terms_2017` happens in none of the runs" in text


def test_nan_in_a_mean_output_is_missing_not_nan(tmp_path):
    """DuckDB folds isnan() to false from Parquet statistics (which leave NaN out); the SQL must not rely on it."""
    pq.write_table(pa.table({"agreement_round": [3.0, np.nan, 5.0, np.nan], "point": [0, 0, 1, 1]}),
                   tmp_path / "part.parquet")
    e = parse_output("mean(agreement_round)").sql()
    con = duckdb.connect()
    n, mean, var = con.execute(f"SELECT COUNT({e}), AVG({e}), VAR_POP({e}) "
                               f"FROM '{tmp_path / 'part.parquet'}'").fetchone()
    assert (n, mean, var) == (2, 4.0, 1.0)


@pytest.mark.slow
def test_sim_report_writes_every_format(tmp_path):
    box = {"x1": [-PI, PI], "x2": [-PI, PI], "x3": [-PI, PI]}
    run_sweep(ishigami(tmp_path, "fmt", "morris", 4, box, ["mean(y)"]), tmp_path / "m")
    result = runner.invoke(app, ["report", str(tmp_path / "m"), "--format", "png,pdf,svg"])
    assert result.exit_code == 0, result.output
    for suffix, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF"), ("svg", b"<?xml")):
        assert (tmp_path / "m" / "report" / f"morris_mean_y.{suffix}").read_bytes().startswith(magic)
    bad = runner.invoke(app, ["report", str(tmp_path / "m"), "--format", "jpg"])
    assert bad.exit_code == 2 and "unknown format 'jpg'" in bad.output


def test_sim_report_writes_the_sweep_tables_as_csv(tmp_path):
    box = {"x1": [-PI, PI], "x2": [-PI, PI], "x3": [-PI, PI]}
    result = run_sweep(ishigami(tmp_path, "tab", "morris", 4, box, ["mean(y)"]), tmp_path / "m")
    cli = runner.invoke(app, ["report", str(tmp_path / "m"), "--format", "csv"])
    assert cli.exit_code == 0, cli.output
    folder = tmp_path / "m" / "report"
    points, runs = pd.read_csv(folder / "points.csv"), pd.read_csv(folder / "runs.csv")
    assert (folder / "morris_mean_y.png").exists()  # png when no figure format is named
    assert list(runs["run_id"]) == list(range(result.n_ran))
    assert {"x1", "x2", "x3", "n", "mean(y)"} <= set(points.columns) and points["n"].sum() == result.n_ran


def test_heatmap_says_what_a_blank_cell_is():
    table = pd.DataFrame([[1.0, np.nan], [2.0, 3.0]], index=pd.Index([0.1, 0.2], name="a"),
                         columns=pd.Index([1.0, 2.0], name="b"))
    assert any("Blank cells" in t.get_text() for t in sweep_plots.heatmap(table, "m").texts)
    assert not sweep_plots.heatmap(table.fillna(4.0), "m").texts


def test_a_share_of_exactly_one_stays_inside_the_frame():
    points = pd.DataFrame({"x": [0.1, 0.5, 0.9], "m": [1.0, 1.0, 1.0], "lo": [0.84, 0.84, 0.84],
                           "hi": [1.0, 1.0, 1.0]})
    low, high = sweep_plots.line_with_band(points, "x", "m", "lo", "hi", "P", value_range=(0.0, 1.0)).axes[0].get_ylim()
    assert low < 0.0 and high > 1.0


def test_run_plots_with_the_trajectories_figure_drawn_early(tmp_path):
    """``sim run`` draws the trajectories figure while workers run; save_run_plots then draws the outcomes (in a
    forked process where safe) and the network, and returns the three paths in the usual order."""
    result = sim.run(BASELINE, n=40, seed=1, trajectory_runs=10)
    early = save_trajectories(result.trajectories, result.scenario, tmp_path, ("png", "svg"))
    ran: list[bool] = []
    paths = save_run_plots(result, tmp_path, ("png", "svg"), trajectories=early, meanwhile=lambda: ran.append(True))
    assert [p.name for p in paths] == ["outcomes.png", "trajectories.png", "network.png"]
    assert ran == [True]
    assert all(p.stat().st_size > 10_000 and p.with_suffix(".svg").exists() for p in paths)
    plain = save_run_plots(result, tmp_path / "plain", ("png",), parallel=False)
    assert [p.name for p in plain] == ["outcomes.png", "trajectories.png", "network.png"]


@pytest.mark.parametrize("labels", [1, 3])
def test_outcome_figure_fits_its_canvas_without_a_tight_save(labels):
    """The outcomes figure is saved as laid out: every text, the legend and the axes lie inside the canvas, also
    with long wrapped base labels and a long title."""
    from sim.plots.run_plots import outcome_distribution

    scenario = sim.load_scenario(BASELINE)
    table = sim.run(BASELINE, n=40, seed=2, trajectories=False).table
    if labels == 3:
        for issue in scenario.issues.values():
            issue.label = "a considerably longer label for this base that wraps over several lines " + issue.label
    fig = outcome_distribution(table, "A long title " * 8, scenario)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    artists = [*fig.texts, *fig.legends, *fig.axes, *[t for ax in fig.axes for t in ax.texts]]
    for artist in artists:
        box = artist.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= canvas.x1 + 1 and box.y1 <= canvas.y1 + 1, artist
    for ax in fig.axes:
        box = ax.get_tightbbox(renderer)
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= canvas.x1 + 1 and box.y1 <= canvas.y1 + 1
