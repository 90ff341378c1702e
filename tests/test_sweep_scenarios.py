"""Sweeping over scenario files: ``scenarios: [...]`` runs every design point in each file, on the same seeds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.sweeps import compare_mechanisms, load_sweep, run_sweep
from sim.sweeps.analysis import load_results
from sim.sweeps.report import render_report
from sim.sweeps.spec import SweepSpecError

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "scenarios"
FILES = [str(LIBRARY / "baseline.yaml"), str(LIBRARY / "turkey_rising.yaml"),
         {"file": str(LIBRARY / "recognition_for_access.yaml"), "label": "recognition"}]
PARAMETERS = {"actors.RUS.salience.tartus": [0.6, 1.0]}
OUTPUTS = ["mean(outcome.hmeimim)", "P(category.hmeimim >= new_terms)"]
COLUMNS = ["seed", "agreed", "outcome.tartus", "outcome.hmeimim", "category.hmeimim"]


def write_sweep(tmp: Path, name: str = "scen", **keys) -> Path:
    spec = {"design": "oat", "samples": 2, "replications": 3, "seed": 4, "parameters": PARAMETERS,
            "outputs": OUTPUTS, **keys}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("scen")
    run_sweep(write_sweep(tmp, scenarios=FILES), tmp / "out", chunk_size=5)
    return tmp / "out"


def test_spec_reads_scenario_arms(tmp_path):
    spec = load_sweep(write_sweep(tmp_path, scenarios=FILES))
    assert spec.arm_labels == ["baseline", "turkey_rising", "recognition"] and spec.arms == 3
    assert spec.arm_factor == "scenario" and spec.scenario == FILES[0]  # the first file is the sweep's scenario
    assert all(len(a["hash"]) == 64 for a in spec.scenarios) and "scenarios" in spec.identity()


@pytest.mark.parametrize(("keys", "message"), [
    ({"scenarios": [FILES[0]]}, "at least two"),
    ({"scenarios": [FILES[0], FILES[0]]}, "used twice"),
    ({"scenarios": [FILES[0], "nope.yaml"]}, "not found"),
    ({"scenarios": FILES[:2], "mechanisms": ["bargaining", "bdm"]}, "not both"),
    ({"scenarios": [FILES[0], {"file": FILES[1], "colour": "red"}]}, "unknown key"),
])
def test_bad_scenario_lists_name_the_field(tmp_path, keys, message):
    with pytest.raises((SweepSpecError, Exception), match=message):
        load_sweep(write_sweep(tmp_path, **keys))


def test_a_path_missing_from_one_scenario_is_refused(tmp_path):
    with pytest.raises(SweepSpecError, match="not a sweepable numeric path"):
        load_sweep(write_sweep(tmp_path, scenarios=[FILES[0], str(LIBRARY / "expanded_cast.yaml")],
                               parameters={"actors.IRN.capability": [0.1, 0.3]}))


def test_every_point_runs_in_every_scenario_with_the_same_seeds(comparison):
    df = load_results(comparison)
    points = 1 + 2 * len(PARAMETERS)
    assert len(df) == 3 * points * 3 and list(dict.fromkeys(df["scenario"])) == \
        ["baseline", "turkey_rising", "recognition"]
    seeds = df.pivot_table(index=[df["point"] % points, "rep"], columns="scenario", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()
    means = df.groupby("scenario")["outcome.hmeimim"].mean()
    assert means["recognition"] != pytest.approx(means["baseline"])


def test_each_arm_equals_a_sweep_of_that_scenario_alone(comparison, tmp_path):
    run_sweep(write_sweep(tmp_path, "alone", scenario=FILES[1]), tmp_path / "alone", chunk_size=4)
    alone = load_results(tmp_path / "alone")
    both = load_results(comparison)
    mine = both[both["scenario"] == "turkey_rising"].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine[COLUMNS], alone[COLUMNS])


def test_paired_table_and_report_name_the_scenarios(comparison):
    table = compare_mechanisms(comparison)
    assert list(table["scenario"].unique()) == ["baseline", "turkey_rising", "recognition"]
    assert "minus baseline" in table.columns
    text = render_report(comparison).read_text()
    assert "## Scenarios compared" in text and "each scenario with the same seeds" in text
    assert (comparison / "report" / "scenarios.png").stat().st_size > 5000
