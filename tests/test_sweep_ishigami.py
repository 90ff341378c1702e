"""The sensitivity machinery reproduces the Ishigami function's analytic indices through the sweep code path."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.sweeps import run_sweep
from sim.sweeps.analysis import analyze, heatmap_table, load_results, point_results
from sim.sweeps.evaluators import ishigami_indices

TRUE = ishigami_indices()

PI = math.pi


def ishigami_sweep(tmp: Path, name: str = "ishi", design: str = "sobol", samples: int = 64,
                   replications: int = 1, options: dict | None = None, **extra) -> Path:
    """Write an Ishigami sweep file into ``tmp`` and return its path."""
    spec = {"name": name, "evaluator": {"ishigami": options or {}}, "design": design, "samples": samples,
            "replications": replications, "seed": 3,
            "parameters": {"x1": [-PI, PI], "x2": [-PI, PI], "x3": [-PI, PI]},
            "outputs": ["mean(y)", "P(y > 5)"], **extra}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_sobol_indices_within_their_intervals(tmp_path):
    run_sweep(ishigami_sweep(tmp_path, samples=1024), tmp_path / "out")
    table = analyze(tmp_path / "out").indices["mean(y)"].set_index("parameter")
    for p in ("x1", "x2", "x3"):
        for k in ("S1", "ST"):
            est, conf = table.loc[p, k], table.loc[p, f"{k}_conf"]
            assert abs(est - TRUE[k][p]) <= conf, (p, k, est, conf, TRUE[k][p])
    assert table["ST"].idxmax() == "x1" and table["S1"].idxmin() == "x3"


def test_replicates_restore_total_order_under_noise(tmp_path):
    """Noise inflates ST3; averaging replicates per point brings it back, and the seed share says why."""
    noisy = {"noise": 1.5}
    run_sweep(ishigami_sweep(tmp_path, "r1", samples=512, options=noisy), tmp_path / "r1")
    run_sweep(ishigami_sweep(tmp_path, "r8", samples=512, replications=8, options=noisy), tmp_path / "r8")
    st3_1 = analyze(tmp_path / "r1").indices["mean(y)"].set_index("parameter").loc["x3", "ST"]
    a8 = analyze(tmp_path / "r8")
    st3_8 = a8.indices["mean(y)"].set_index("parameter").loc["x3", "ST"]
    assert abs(st3_8 - TRUE["ST"]["x3"]) < abs(st3_1 - TRUE["ST"]["x3"])
    share = a8.seed_share.set_index("output").loc["mean(y)"]
    var_y = 13.84  # analytic variance of the Ishigami function (a=7, b=0.1)
    assert share["seed_share_runs"] == pytest.approx(1.5**2 / (var_y + 1.5**2), abs=0.03)
    assert share["noise_in_means"] < 0.05


def test_morris_ranks_x3_lowest_first_order_but_interacting(tmp_path):
    run_sweep(ishigami_sweep(tmp_path, design="morris", samples=40), tmp_path / "m")
    t = analyze(tmp_path / "m").indices["mean(y)"].set_index("parameter")
    assert set(t.columns) >= {"mu_star", "sigma", "mu_star_conf"}
    assert t["mu_star"].idxmax() in ("x1", "x2")
    assert t.loc["x3", "sigma"] > 0  # x3 acts only through its interaction with x1


def test_lhs_rbd_fast_first_order(tmp_path):
    run_sweep(ishigami_sweep(tmp_path, design="lhs", samples=2000), tmp_path / "l")
    t = analyze(tmp_path / "l").indices["mean(y)"].set_index("parameter")
    for p in ("x1", "x2", "x3"):
        assert abs(t.loc[p, "S1"] - TRUE["S1"][p]) < 0.08


def test_oat_tornado_and_grid_heatmap(tmp_path):
    run_sweep(ishigami_sweep(tmp_path, "oat", design="oat", samples=5), tmp_path / "o")
    t = analyze(tmp_path / "o").indices["mean(y)"]
    # with x1 = x3 = 0 at baseline, only x2 moves y; x2's ends (+-pi) give sin^2 = 0 but its range is 7
    assert t.set_index("parameter").loc["x2", "range"] == pytest.approx(7.0, abs=1e-9)
    run_sweep(ishigami_sweep(tmp_path, "grid", design="grid", samples=4), tmp_path / "g")
    assert len(point_results(tmp_path / "g")) == 4**3
    hm = heatmap_table(tmp_path / "g", "mean(y)", "x1", "x2")
    assert hm.shape == (4, 4) and np.isfinite(hm.to_numpy()).all()


def test_rows_reproduce_the_function(tmp_path):
    run_sweep(ishigami_sweep(tmp_path, samples=8), tmp_path / "s")
    df = load_results(tmp_path / "s")
    y = np.sin(df.x1) + 7 * np.sin(df.x2) ** 2 + 0.1 * df.x3**4 * np.sin(df.x1)
    assert np.allclose(df.y, y) and list(df.run_id) == list(range(len(df)))
