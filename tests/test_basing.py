"""The basing-rights benchmark: every case is a valid, fully evidenced scenario that follows the coding protocol;
the outcome file is consistent with the scenarios; the scores and the naive baselines compute what they claim."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sim
from sim.core.categories import categorize
from sim.errors import ScenarioError
from sim.scenario import evidence_report, load_scenario
from sim.validation.basing import (
    DEFAULT_FOLDER,
    OUTCOMES_FILE,
    STATES,
    base_rate_baseline,
    load_benchmark,
    status_quo_baseline,
)
from sim.validation.basing_score import (
    LOG_FLOOR,
    ForecastError,
    brier,
    case_bootstrap,
    difference,
    log_loss,
    score,
    score_table,
)

CASES = sorted(p for p in DEFAULT_FOLDER.glob("*.yaml") if p.name != OUTCOMES_FILE)


@pytest.fixture(scope="module")
def bench():
    return load_benchmark()


# --- the cases -------------------------------------------------------------------------------------------------

def test_the_benchmark_has_at_least_fifteen_cases(bench) -> None:
    assert len(CASES) >= 15
    assert len(bench.cases) == len(CASES)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_validates_strictly(path: Path) -> None:
    """The equivalent of ``sim validate --strict``: loads, and no parameter is bare."""
    scenario = load_scenario(path)
    report = evidence_report(scenario)
    assert report.bare == [] and report.coverage == 1.0
    assert scenario.name == path.stem and scenario.question.rstrip().endswith("?")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_follows_the_protocol(path: Path) -> None:
    """Actor set, issues, horizon and events as docs/validation.md prescribes; every source can be found."""
    s = load_scenario(path)
    assert 2 <= len(s.actors) <= 5
    assert len(s.veto_players) == 2, "veto = the host government and the basing power"
    assert len(s.actors) - len(s.veto_players) <= 3, "at most three third parties"
    assert 1 <= len(s.issues) <= 3 and len(s.base_issues) == 1
    base = s.issues[s.base_issues[0]]
    assert set(base.anchors) == {0, 25, 50, 75, 100} and "withdrawal" in base.anchors[0]
    assert s.rounds == 36, "a run must cover both horizons"
    assert all(e.at_round is not None for e in s.events.values()), "only events scheduled at month 0"
    assert s.sources and all(src.url and src.title for src in s.sources.values())
    assert "extends" not in yaml.safe_load(path.read_text())


@pytest.mark.parametrize("path", [*CASES, DEFAULT_FOLDER / OUTCOMES_FILE], ids=lambda p: p.stem)
def test_no_long_quotation(path: Path) -> None:
    """Notes paraphrase: a quotation inside any text of the file is a short phrase (under 12 words)."""
    def texts(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)
        elif isinstance(node, str):
            yield node

    for text in texts(yaml.safe_load(path.read_text())):
        for span in re.findall(r'"([^"]*)"|\u201c([^\u201d]*)\u201d', text):
            words = " ".join(span).split()
            assert len(words) < 12, f"long quotation in {path.name}: {' '.join(words)[:60]}..."


def test_sim_validate_strict_passes_on_every_case() -> None:
    """The command itself: evidence complete and no veto player's bottom line pointing the wrong way."""
    from typer.testing import CliRunner

    from sim.cli.main import app

    runner = CliRunner()
    for path in CASES:
        done = runner.invoke(app, ["validate", "--strict", str(path)])
        assert done.exit_code == 0, done.output


def test_cases_run_through_the_simulator() -> None:
    for path in CASES:
        result = sim.run(path, n=2, seed=3, trajectories=False)
        assert len(result.replications) == 2


# --- the outcome file ------------------------------------------------------------------------------------------

def test_recorded_table_has_one_row_per_case_and_horizon(bench) -> None:
    table = bench.table
    assert len(table) == len(bench.cases) * 2 and set(table["horizon"]) == {12, 36}
    assert not table.duplicated(["case", "horizon"]).any()
    assert set(table["state"]) <= set(STATES)
    assert table["presence"].between(0, 100).all()
    for row in table.itertuples():
        scenario = bench.scenarios[row.case]
        assert row.issue in scenario.base_issues
        if row.talks != "signed":
            assert categorize(row.presence, scenario.outcomes.thresholds) == row.category
        for source in row.sources.split(", "):
            assert source in scenario.sources


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "basing"
    shutil.copytree(DEFAULT_FOLDER, folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / OUTCOMES_FILE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("old, new, expected", [
    ("    confidence: high\n", "    confidence: high\n    extra: 1\n",
     r"outcomes\.yaml:\d+: field 'cases\.\w+\.extra': unknown key"),
    ("sources: [S9]", "sources: [S99]",
     r"outcomes\.yaml:\d+: field 'cases\.subic_1990\.horizons\.36\.sources': unknown source 'S99'"),
    ("legal: expelled, presence: 0, sources: [S9]", "legal: expelled, presence: 40, sources: [S9]",
     r"presence 40 falls in 'reduced_presence', not 'withdrawal'"),
    ("talks: breakdown, category: withdrawal, legal: expelled, presence: 0, sources: [S9]",
     "talks: unresolved, category: withdrawal, legal: expelled, presence: 0, sources: [S9]",
     r"legal status 'expelled' contradicts talks 'unresolved'"),
    ('trigger: {date: "2022-11-03"', 'trigger: {date: "2025-11-03"', r"month 36 \(2028-11\) is not yet past"),
    ("    issue: bases\n", "    issue: rent\n", r"'rent' is not a base issue of subic_1990\.yaml"),
])
def test_outcome_file_errors_name_file_line_and_field(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder, old, new)
    with pytest.raises(ScenarioError, match=expected):
        load_benchmark(folder)


def test_every_case_needs_a_scenario_and_every_scenario_an_outcome(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "libya_1969.yaml").unlink()
    with pytest.raises(ScenarioError, match=r"no scenario file libya_1969\.yaml"):
        load_benchmark(folder)
    folder = _copy(tmp_path / "b")
    shutil.copy(folder / "libya_1969.yaml", folder / "extra_case.yaml")
    with pytest.raises(ScenarioError, match=r"no recorded outcome for the scenario .*extra_case\.yaml"):
        load_benchmark(folder)


# --- scores against hand-computed values ------------------------------------------------------------------------

def test_brier_and_log_loss_by_hand() -> None:
    probs = np.zeros((3, 4))
    probs[0] = [0.5, 0.5, 0, 0]      # half on the truth (index 0)
    probs[1] = [0, 0, 1, 0]          # all on the truth (index 2)
    probs[2] = [0, 1, 0, 0]          # all on a wrong state (truth index 3)
    observed = np.array([0, 2, 3])
    assert brier(probs, observed) == pytest.approx([0.5, 0.0, 2.0])
    assert log_loss(probs, observed) == pytest.approx([np.log(2), 0.0, -np.log(LOG_FLOOR)])
    assert -np.log(LOG_FLOOR) == pytest.approx(6.9078, abs=1e-4)


def test_case_bootstrap_resamples_cases_not_rows() -> None:
    """Case A has errors 0 and 10, case B 20 and 20: a draw of cases can only average to 5 (AA), 12.5 (AB) or
    20 (BB); a row bootstrap could reach 0."""
    values = np.array([0.0, 10.0, 20.0, 20.0])
    codes = np.array([0, 0, 1, 1])
    index = np.random.default_rng(0).integers(0, 2, size=(4000, 2))
    lo, hi = case_bootstrap(values, codes, index)
    assert (lo, hi) == (5.0, 20.0)


def _one_case_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    recorded = pd.DataFrame({"case": ["a", "a", "b", "b"], "horizon": [12, 36, 12, 36],
                             "state": ["signed:new_terms", "breakdown:withdrawal", "unresolved:terms_2017",
                                       "unresolved:terms_2017"], "presence": [75.0, 0.0, 100.0, 100.0]})
    forecast = pd.DataFrame({"case": ["a", "a", "b", "b"], "horizon": [12, 36, 12, 36]})
    for s in STATES:
        forecast[s] = 0.0
    forecast.loc[0, "signed:new_terms"] = 0.25              # p(truth) = 0.25
    forecast.loc[0, "signed:terms_2017"] = 0.75
    forecast.loc[1, "breakdown:withdrawal"] = 1.0           # certain and right
    forecast.loc[2, "unresolved:terms_2017"] = 0.5          # half right
    forecast.loc[2, "breakdown:withdrawal"] = 0.5
    forecast.loc[3, "signed:new_terms"] = 1.0               # certain and wrong
    forecast["presence"] = [70.0, 10.0, 100.0, 60.0]
    return forecast, recorded


def test_score_by_hand() -> None:
    forecast, recorded = _one_case_table()
    out = score(forecast, recorded, n_boot=200, seed=1)
    briers = [0.75 ** 2 + 0.75 ** 2, 0.0, 0.5, 2.0]
    losses = [np.log(4), 0.0, np.log(2), -np.log(LOG_FLOOR)]
    assert out["brier"] == pytest.approx(np.mean(briers))
    assert out["log_loss"] == pytest.approx(np.mean(losses))
    assert out["mae"] == pytest.approx(np.mean([5, 10, 0, 40]))
    assert out["n_cases"] == 2 and out["brier_lo"] <= out["brier"] <= out["brier_hi"]
    assert score(forecast, recorded, n_boot=200, seed=1) == out          # seeded
    assert difference(forecast, forecast, recorded, "brier", n_boot=50) == (0.0, 0.0, 0.0)


def test_forecast_tables_are_checked() -> None:
    forecast, recorded = _one_case_table()
    with pytest.raises(ForecastError, match="sum to 1"):
        score(forecast.assign(**{"signed:withdrawal": 0.5}), recorded, n_boot=0)
    with pytest.raises(ForecastError, match="no row for 1 case-horizons"):
        score(forecast.iloc[:3], recorded, n_boot=0)
    with pytest.raises(ForecastError, match=r"presence must be a number in \[0, 100\]"):
        score(forecast.assign(presence=120.0), recorded, n_boot=0)


# --- the naive baselines ----------------------------------------------------------------------------------------

def test_status_quo_baseline(bench) -> None:
    frame = status_quo_baseline(bench)
    assert (frame[list(STATES)].sum(axis=1) == 1).all()
    stay = bench.table["state"] == "unresolved:terms_2017"        # every case starts at the prior terms
    assert (bench.table["status_quo"] >= 87.5).all()
    out = score(frame, bench.table, n_boot=0)
    assert out["brier"] == pytest.approx(2 * (~stay).mean())
    assert out["mae"] == pytest.approx((bench.table["presence"] - bench.table["status_quo"]).abs().mean())


def test_base_rate_baseline_is_leave_one_out(bench) -> None:
    frame = base_rate_baseline(bench).set_index(["case", "horizon"])
    table = bench.table
    for row in table.itertuples():
        others = table[(table["horizon"] == row.horizon) & (table["case"] != row.case)]
        expected = others["state"].value_counts(normalize=True)
        got = frame.loc[(row.case, row.horizon), list(STATES)]
        assert got.sum() == pytest.approx(1.0)
        for state in STATES:
            assert got[state] == pytest.approx(expected.get(state, 0.0))
        assert frame.loc[(row.case, row.horizon), "presence"] == pytest.approx(others["presence"].mean())
    # a case's own outcome never enters its forecast: change it and its row stays the same
    first = table["case"].iloc[0]
    bench_changed = type(bench)(bench.folder, bench.scenarios, bench.outcomes, table.copy())
    bench_changed.table.loc[bench_changed.table["case"] == first, ["state", "presence"]] = ["signed:access_only", 25.0]
    changed = base_rate_baseline(bench_changed).set_index(["case", "horizon"])
    pd.testing.assert_series_equal(changed.loc[first].stack(), frame.loc[first].stack())
    assert not changed.drop(index=first, level=0).equals(frame.drop(index=first, level=0))


def test_score_table_on_the_benchmark(bench) -> None:
    forecasts = {"status quo persists": status_quo_baseline(bench), "base rate": base_rate_baseline(bench)}
    table = score_table(forecasts, bench.table, n_boot=300, seed=0)
    assert list(table["horizon"].unique()) == ["all", "12", "36"]
    assert (table["n_cases"] == len(bench.cases)).all()
    for metric in ("brier", "log_loss", "mae"):
        assert (table[f"{metric}_lo"] <= table[metric] + 1e-12).all()
        assert (table[metric] <= table[f"{metric}_hi"] + 1e-12).all()
    again = score_table(forecasts, bench.table, n_boot=300, seed=0)
    pd.testing.assert_frame_equal(table, again)


def test_sim_scenarios_lists_the_cases_and_marks_the_outcome_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """`sim scenarios scenarios/basing` shows every case's question and labels outcomes.yaml as data; the
    top-level listing names the sub-folder instead of walking it."""
    from typer.testing import CliRunner

    from sim.cli.main import app

    monkeypatch.chdir(DEFAULT_FOLDER.parents[1])  # relative paths keep the file column unwrapped
    runner = CliRunner()
    listing = runner.invoke(app, ["scenarios", "scenarios/basing"])
    assert listing.exit_code == 0, listing.output
    assert "invalid" not in listing.output
    assert "recorded outcomes of a validation benchmark" in listing.output
    for path in CASES:
        assert path.name in listing.output
    top = runner.invoke(app, ["scenarios", "scenarios"])
    assert "Sub-folders, not listed here: basing" in top.output and "incirlik" not in top.output


def test_case_summary_has_one_row_per_case(bench) -> None:
    from sim.validation.basing import case_summary

    summary = case_summary(bench)
    assert list(summary["case"]) == bench.cases
    row = summary.set_index("case").loc["manas_2009"]
    assert row["month 12"].startswith("signed:new_terms") and row["veto"].endswith("United States")
    assert row["n_sources"] == len(bench.scenarios["manas_2009"].sources)


def test_forecast_row_from_replications() -> None:
    from sim.validation.basing import forecast_frame, forecast_row

    row = forecast_row("x", 12, ["signed:new_terms", "breakdown:withdrawal", "signed:new_terms", "signed:new_terms"],
                       [75, 0, 80, 70])
    assert row["signed:new_terms"] == 0.75 and row["breakdown:withdrawal"] == 0.25
    assert sum(row[s] for s in STATES) == pytest.approx(1.0) and row["presence"] == pytest.approx(56.25)
    assert list(forecast_frame([row]).columns) == ["case", "horizon", *STATES, "presence"]
    with pytest.raises(ValueError, match="unknown"):
        forecast_row("x", 12, ["signed:maybe"], [50])
