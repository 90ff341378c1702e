"""`sim compare` and sim.experiments.compare: common random numbers, paired intervals, table and figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import sim
from sim.cli.main import app
from sim.experiments.compare import compare, defining_change_effects, paired_differences
from sim.experiments.paired import paired_mean_difference, paired_proportion_difference
from tests.conftest import BASELINE, minimal_scenario, write_scenario

runner = CliRunner()

pairs = st.integers(1, 60).flatmap(lambda n: st.tuples(st.lists(st.booleans(), min_size=n, max_size=n),
                                                      st.lists(st.booleans(), min_size=n, max_size=n)))


@given(pairs)
def test_paired_interval_contains_the_estimate_and_is_antisymmetric(xy):
    x, y = (np.array(v) for v in xy)
    diff, low, high = paired_proportion_difference(x, y)
    assert -1.0 <= low <= diff <= high <= 1.0
    assert diff == pytest.approx(y.mean() - x.mean())
    back = paired_proportion_difference(y, x)
    assert back[0] == pytest.approx(-diff) and back[1] == pytest.approx(-high) and back[2] == pytest.approx(-low)


@given(st.lists(st.booleans(), min_size=1, max_size=80))
def test_identical_pairs_give_zero_inside_the_interval(x):
    diff, low, high = paired_proportion_difference(np.array(x), np.array(x))
    assert diff == 0.0 and low <= 0.0 <= high


def test_paired_interval_is_narrower_than_the_unpaired_one_for_correlated_runs():
    rng = np.random.default_rng(1)
    x = rng.random(400) < 0.5
    y = x.copy()
    y[:20] = ~y[:20]  # 5% of the runs change
    _, low, high = paired_proportion_difference(x, y)
    p1, p2 = y.mean(), x.mean()
    unpaired = 1.96 * np.sqrt(p1 * (1 - p1) / 400 + p2 * (1 - p2) / 400)
    assert (high - low) / 2 < unpaired / 2


def test_paired_mean_difference_skips_missing_pairs():
    diff, low, high, n = paired_mean_difference(np.array([1.0, np.nan, 3.0, 5.0]), np.array([2.0, 1.0, np.nan, 7.0]))
    assert n == 2 and diff == pytest.approx(1.5) and low < diff < high


def _pair(tmp_path):
    a = write_scenario(tmp_path, minimal_scenario(name="low_pull"), "a.yaml")
    data = minimal_scenario(name="high_pull")
    data["actors"]["A1"]["positions"]["i0"] = 0.0  # the second veto player now wants withdrawal too
    data["actors"]["A0"]["capability"] = {"uniform": [0.4, 0.6]}
    b = write_scenario(tmp_path, data, "b.yaml")
    return a, b


def test_compare_uses_the_seeds_of_sim_run_for_every_scenario(tmp_path):
    a, b = _pair(tmp_path)
    result = compare([a, b], n=40, seed=7)
    for path, name in ((a, "low_pull"), (b, "high_pull")):
        alone = sim.run(path, n=40, seed=7, trajectories=False).replications
        mine = result.replications[result.replications["scenario"] == name].drop(columns="scenario")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), alone, check_dtype=False)
    assert result.manifest["seed"] == 7 and "common random numbers" in result.manifest["seed_scheme"]


def test_a_scenario_against_itself_differs_by_exactly_zero(tmp_path):
    a, _ = _pair(tmp_path)
    result = compare([a, a], n=30)
    assert list(result.differences["scenario"].unique()) == ["low_pull#2"]
    assert (result.differences["difference"].fillna(0) == 0).all()
    assert result.significant().empty


def test_a_real_change_is_detected_per_category(tmp_path):
    a, b = _pair(tmp_path)
    result = compare([a, b], n=60)
    cats = result.category_differences()
    assert set(cats["value"]) >= {"withdrawal", "access_only", "reduced_presence", "new_terms", "terms_2017"}
    mean = result.differences.set_index(["outcome", "value"]).loc[("outcome.i0", "mean")]
    assert mean["ci_high"] < 0  # both veto players now want 0: the outcome falls
    assert not result.significant().empty


def test_new_outcome_columns_are_compared_without_code_changes():
    rows = pd.DataFrame({"scenario": ["a"] * 3 + ["b"] * 3, "replication": [0, 1, 2] * 2,
                         "state.tartus.m12": ["signed:new_terms", "unresolved:reduced_presence", "signed:new_terms",
                                              "breakdown:withdrawal", "unresolved:reduced_presence",
                                              "signed:new_terms"],
                         "presence.tartus.m12": [60.0, 50.0, 70.0, 10.0, 50.0, 70.0]})
    diffs = paired_differences(rows)
    states = diffs[diffs["outcome"] == "state.tartus.m12"].set_index("value")
    assert states.loc["breakdown:withdrawal", "difference"] == pytest.approx(1 / 3)
    assert diffs.set_index("outcome").loc["presence.tartus.m12", "difference"] == pytest.approx(-50 / 3)


def test_cli_compare_writes_table_csv_and_figures(tmp_path):
    a, b = _pair(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", str(a), str(b), "-n", "30", "--seed", "3", "--out", str(out),
                                 "--format", "csv,png,svg"])
    assert result.exit_code == 0, result.output
    assert "high_pull minus low_pull" in result.output and "95% interval" in result.output
    frame = pd.read_csv(out / "differences.csv")
    assert {"reference", "scenario", "outcome", "value", "difference", "ci_low", "ci_high"} <= set(frame.columns)
    assert (out / "replications.csv").exists() and (out / "replications.parquet").exists()
    assert (out / "plots" / "differences.png").stat().st_size > 10_000
    assert (out / "plots" / "differences.svg").read_text().lstrip().startswith("<?xml")


def test_cli_compare_needs_two_scenarios_and_known_formats(tmp_path):
    a, b = _pair(tmp_path)
    assert runner.invoke(app, ["compare", str(a)]).exit_code == 2
    bad = runner.invoke(app, ["compare", str(a), str(b), "-n", "2", "--format", "gif"])
    assert bad.exit_code == 2 and "unknown format 'gif'" in bad.output


def test_sim_scenarios_flags_a_change_that_moves_nothing(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    parent = minimal_scenario(name="parent", n_actors=3)
    parent["actors"]["A0"]["capability"] = {"uniform": [0.3, 0.7]}
    write_scenario(folder, parent, "parent.yaml")
    for name, body in (("flat", {"actors": {"A2": {"salience": {"i0": 0.9}}}}),  # an influencer with no ties
                       ("moves", {"actors": {"A1": {"positions": {"i0": 0.0}}}})):
        (folder / f"{name}.yaml").write_text(yaml_dump({"extends": "parent.yaml", "name": name, **body}))
    effects = defining_change_effects(sorted(folder.glob("*.yaml")), n=40)
    assert set(effects) == {str(folder / "flat.yaml"), str(folder / "moves.yaml")}
    assert not effects[str(folder / "flat.yaml")].moved and effects[str(folder / "moves.yaml")].moved
    listing = runner.invoke(app, ["scenarios", str(folder), "-n", "40"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0, listing.output
    assert "flat: its change over parent moves no base outcome beyond seed noise" in listing.output
    assert "moves: its change" not in listing.output
    quick = runner.invoke(app, ["scenarios", str(folder), "-n", "0"])
    assert quick.exit_code == 0 and "beyond seed noise" not in quick.output


def yaml_dump(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


def test_figure_leaves_out_outcomes_no_run_reached():
    from sim.core.categories import CATEGORY_LABELS
    from sim.plots.compare_plots import difference_plot

    rows = [("category.tartus", v, r, s) for v, r, s in
            (("withdrawal", 0.0, 0.0), ("new_terms", 0.6, 0.7), ("terms_2017", 0.4, 0.3))]
    rows += [("status", "signed", 1.0, 1.0), ("status", "breakdown", 0.0, 0.0)]
    frame = pd.DataFrame([{"scenario": "b", "outcome": o, "value": v, "kind": "probability", "reference_value": r,
                           "scenario_value": s, "difference": s - r, "ci_low": s - r - 0.05,
                           "ci_high": s - r + 0.05} for o, v, r, s in rows])
    fig = difference_plot(frame, sim.load_scenario(BASELINE), 50)
    labels = [[t.get_text().replace("\n", " ") for t in ax.get_yticklabels()] for ax in fig.axes]
    assert CATEGORY_LABELS["withdrawal"] not in sum(labels, []) and "breakdown" not in sum(labels, [])
    assert CATEGORY_LABELS["new_terms"] in sum(labels, []) and ["signed"] in labels


@pytest.mark.parametrize(("given", "expected"), [([], 7), (["-w", "1"], 1)])
def test_cli_compare_uses_the_run_default_for_workers(monkeypatch, tmp_path, given, expected):
    """Without --workers, `sim compare` takes `sim run`'s default for its replications per scenario."""
    import sim.experiments.compare as compare_module
    import sim.experiments.runner as runner_module
    from sim.errors import SimError

    seen: dict[str, object] = {}
    monkeypatch.setattr(runner_module, "default_workers", lambda n: seen.setdefault("n", n) and 7)

    def fake(scenarios, **kwargs):
        seen["workers"] = kwargs["workers"]
        raise SimError("stopped here")

    monkeypatch.setattr(compare_module, "compare", fake)
    result = runner.invoke(app, ["compare", str(BASELINE), str(BASELINE), "-n", "2500", *given,
                                 "--out", str(tmp_path / "c")])
    assert "stopped here" in result.output
    assert seen["workers"] == expected
