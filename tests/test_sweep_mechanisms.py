"""Sweeping the mechanism itself: ``mechanisms: [...]`` runs every design point under each one, same seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.errors import ScenarioErrors
from sim.sweeps import compare_mechanisms, load_sweep, run_sweep
from sim.sweeps.analysis import analyze, load_results
from sim.sweeps.report import render_report
from sim.sweeps.spec import SweepSpecError

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
PARAMETERS = {"actors.TUR.capability": [0.3, 0.8], "actors.RUS.salience.tartus": [0.6, 1.0]}
OUTPUTS = ["mean(outcome.tartus)", "P(category.tartus >= new_terms)", "mean(agreement_round)"]
ARMS = ["bargaining", "compromise", {"name": "bdm", "params": {"choice": "scholz_code"}, "label": "bdm_scholz"}]
OUTCOME_COLUMNS = ["agreed", "agreement_round", "outcome.tartus", "outcome.hmeimim", "category.tartus"]


def write_sweep(tmp: Path, name: str = "cmp", **keys) -> Path:
    spec = {"scenario": str(BASELINE), "design": "oat", "samples": 2, "replications": 2, "seed": 5,
            "parameters": PARAMETERS, "outputs": OUTPUTS, **keys}
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("arms")
    run_sweep(write_sweep(tmp, mechanisms=ARMS, discovery="category.tartus <= reduced_presence"), tmp / "out",
              chunk_size=7)  # chunks mix arms
    return tmp / "out"


def test_spec_arms_and_labels(tmp_path):
    spec = load_sweep(write_sweep(tmp_path, mechanisms=ARMS))
    assert spec.arm_labels == ["bargaining", "compromise", "bdm_scholz"] and spec.arms == 3
    assert spec.mechanisms[2] == {"label": "bdm_scholz", "name": "bdm", "params": {"choice": "scholz_code"}}
    assert "mechanisms" in spec.identity()
    plain = load_sweep(write_sweep(tmp_path, "plain"))
    assert "mechanisms" not in plain.identity() and plain.arms == 1  # single-mechanism hashes unchanged


@pytest.mark.parametrize(("keys", "message"), [
    ({"mechanisms": ["bargaining"]}, "at least two"),
    ({"mechanisms": "bargaining"}, "at least two"),
    ({"mechanisms": ["bargaining", "bargaining"]}, "used twice"),
    ({"mechanisms": ["bargaining", "nosuch"]}, "nosuch"),
    ({"mechanisms": ["bargaining", {"name": "bdm", "params": {"choice": "nosuch"}}]}, "choice"),
    ({"mechanisms": ["bargaining", {"name": "bdm", "colour": "red"}]}, "unknown key"),
    ({"mechanisms": ["bargaining", "bdm"], "mechanism": "compromise"}, "not both"),
])
def test_bad_mechanism_lists_name_the_field(tmp_path, keys, message):
    with pytest.raises((SweepSpecError, ScenarioErrors)) as info:
        load_sweep(write_sweep(tmp_path, **keys))
    text = str(info.value)
    assert message in text and "mechanism" in text and "cmp.yaml" in text


def test_shipped_example_declares_all_five_mechanisms():
    spec = load_sweep(ROOT / "scenarios" / "sweeps" / "mechanisms_compared.yaml")
    assert spec.arm_labels == ["bargaining", "compromise", "bdm_scholz", "ktab", "exchange"]


def test_mechanisms_need_the_model(tmp_path):
    path = tmp_path / "ishi.yaml"
    path.write_text("evaluator: ishigami\nparameters: {x1: [-3, 3], x2: [-3, 3]}\noutputs: [mean(y)]\n"
                    "mechanisms: [bargaining, bdm]\n")
    with pytest.raises(SweepSpecError, match="model evaluator"):
        load_sweep(path)


def test_every_point_runs_under_every_mechanism_with_the_same_seeds(comparison):
    df = load_results(comparison)
    points = 1 + 2 * len(PARAMETERS)  # OAT: baseline + low/high per parameter
    assert len(df) == 3 * points * 2 and df["run_id"].is_unique
    assert list(dict.fromkeys(df["mechanism"])) == ["bargaining", "compromise", "bdm_scholz"]
    seeds = df.pivot_table(index=[df["point"] % points, "rep"], columns="mechanism", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()  # common random numbers
    design = df.groupby("mechanism")[list(PARAMETERS)].apply(lambda g: g.to_numpy().tolist())
    assert design["bargaining"] == design["compromise"] == design["bdm_scholz"]
    tartus = df.groupby("mechanism")["outcome.tartus"].mean()
    assert tartus["compromise"] != pytest.approx(tartus["bargaining"])  # the arms really differ


@pytest.mark.parametrize("arm", [0, 2])
def test_each_arm_equals_a_sweep_with_that_mechanism_alone(comparison, tmp_path, arm):
    """Comparison rows are exactly those of a plain sweep with ``mechanism:`` set to that arm."""
    item = ARMS[arm]
    mech = item if isinstance(item, str) else {"name": item["name"], "params": item["params"]}
    run_sweep(write_sweep(tmp_path, "alone", mechanism=mech), tmp_path / "alone", chunk_size=4)
    alone = load_results(tmp_path / "alone")
    both = load_results(comparison)
    label = item if isinstance(item, str) else item["label"]
    mine = both[both["mechanism"] == label].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine[["seed", *OUTCOME_COLUMNS]], alone[["seed", *OUTCOME_COLUMNS]])


def test_arm_order_does_not_change_an_arms_rows(comparison, tmp_path):
    run_sweep(write_sweep(tmp_path, "rev", mechanisms=ARMS[::-1]), tmp_path / "rev", chunk_size=11)
    a, b = load_results(comparison), load_results(tmp_path / "rev")
    for label in ("bargaining", "bdm_scholz"):
        x = a[a["mechanism"] == label].reset_index(drop=True)
        y = b[b["mechanism"] == label].reset_index(drop=True)
        pd.testing.assert_frame_equal(x[["seed", *OUTCOME_COLUMNS]], y[["seed", *OUTCOME_COLUMNS]])


def test_worker_processes_give_the_same_rows(comparison, tmp_path):
    """The arms travel to worker processes inside the evaluator recipe (arms_json), not as shared state."""
    path = write_sweep(tmp_path, mechanisms=ARMS, discovery="category.tartus <= reduced_presence")
    run_sweep(path, tmp_path / "proc", executor="processes", workers=2, chunk_size=7)
    cols = ["run_id", "seed", "mechanism", *OUTCOME_COLUMNS]
    pd.testing.assert_frame_equal(load_results(tmp_path / "proc")[cols], load_results(comparison)[cols])


def test_resumed_comparison_matches_one_pass(comparison, tmp_path):
    path = write_sweep(tmp_path, mechanisms=ARMS)
    first = run_sweep(path, tmp_path / "res", chunk_size=7, max_runs=13)
    assert first.n_ran < first.n_runs
    run_sweep(path, tmp_path / "res", chunk_size=5)
    cols = ["run_id", "seed", "mechanism", *OUTCOME_COLUMNS]
    pd.testing.assert_frame_equal(load_results(tmp_path / "res")[cols], load_results(comparison)[cols])


def test_paired_comparison_agrees_with_a_direct_computation(comparison):
    table = compare_mechanisms(comparison)
    assert len(table) == len(OUTPUTS) * 3
    df = load_results(comparison)
    points = 1 + 2 * len(PARAMETERS)
    df["base"] = df["point"] % points
    wide = df.pivot_table(index=["base", "rep"], columns="mechanism", values="outcome.tartus")
    diff = wide["compromise"] - wide["bargaining"]
    row = table[(table["output"] == "mean(outcome.tartus)") & (table["mechanism"] == "compromise")].iloc[0]
    assert row["minus bargaining"] == pytest.approx(diff.mean())
    half = 1.959963984540054 * diff.std(ddof=1) / np.sqrt(len(diff))
    assert (row["diff_low"], row["diff_high"]) == pytest.approx((diff.mean() - half, diff.mean() + half))
    assert row["value"] == pytest.approx(df.loc[df["mechanism"] == "compromise", "outcome.tartus"].mean())
    p = table[table["output"] == "P(category.tartus >= new_terms)"]
    assert ((p["low"] >= 0) & (p["low"] <= p["value"]) & (p["value"] <= p["high"]) & (p["high"] <= 1)).all()


def test_indices_per_mechanism_and_report(comparison):
    a = analyze(comparison)
    assert set(a.indices) == {f"{o} [{m}]" for o in OUTPUTS for m in ("bargaining", "compromise", "bdm_scholz")}
    assert set(a.indices["mean(outcome.tartus) [bdm_scholz]"]["parameter"]) == set(PARAMETERS)
    assert not a.mechanisms.empty and a.complete
    text = render_report(comparison).read_text()
    assert "## Mechanisms compared" in text and "minus bargaining" in text
    assert "## Heatmap" not in text  # one-at-a-time points lie on crossing lines, not over a plane
    assert "`arm` 0 = bargaining, 1 = compromise, 2 = bdm_scholz" in text  # discovery uses the arm as a factor
    assert (comparison / "report" / "mechanisms.png").stat().st_size > 5000
