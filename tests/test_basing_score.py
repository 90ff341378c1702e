"""Scoring the mechanisms on the basing-rights benchmark: `sim validate-external basing` end to end on a small
subset, forecasts read from the project's own month-by-month states, scores in range and reproducible."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from sim.cli.main import app
from sim.errors import SimError
from sim.validation.basing import STATES, forecast_frame, load_benchmark
from sim.validation.basing_forecast import case_seeds, forecast_benchmark, scored_state, settings
from sim.validation.basing_report import score_forecasts
from sim.validation.basing_score import LOG_FLOOR

CASES = ("subic_1990", "k2_2005")
runner = CliRunner()


@pytest.fixture(scope="module")
def bench():
    return load_benchmark()


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """The command on two cases, three settings, three replications (run once for the module)."""
    out = tmp_path_factory.mktemp("basing")
    args = ["validate-external", "basing", "--cases", ",".join(CASES), "--mechanisms", "coercive,compromise",
            "--replications", "3", "--bootstrap", "200", "--seed", "7"]
    result = runner.invoke(app, [*args, "--out", str(out / "a")])
    return args, out, result


def test_cli_scores_a_subset_end_to_end(cli_run) -> None:
    _, out, result = cli_run
    assert result.exit_code == 0, result.output
    assert "Basing-rights benchmark: 2 cases, 3 replications" in result.output
    assert "better naive baseline" in result.output
    for name in ("scores.csv", "differences.csv", "forecasts.csv", "replications.csv", "basing_scores.png"):
        assert (out / "a" / name).stat().st_size > 0
    scores = pd.read_csv(out / "a" / "scores.csv")
    named = {"coercive:complete", "coercive:private", "compromise", "status quo persists",
             "base rate (leave-one-out)"}
    assert set(scores["forecast"]) == named
    assert set(scores["horizon"].astype(str)) == {"all", "12", "36"} and (scores["n_cases"] == 2).all()
    for metric, top in (("brier", 2.0), ("log_loss", -math.log(LOG_FLOOR)), ("mae", 100.0)):
        assert scores[metric].between(0, top + 1e-9).all()
        assert (scores[f"{metric}_lo"] <= scores[metric] + 1e-9).all()
        assert (scores[metric] <= scores[f"{metric}_hi"] + 1e-9).all()
    diffs = pd.read_csv(out / "a" / "differences.csv")
    assert len(diffs) == 3 * 3 * 3  # settings x horizon groups x metrics
    assert ((diffs["lo"] <= diffs["difference"] + 1e-9) & (diffs["difference"] <= diffs["hi"] + 1e-9)).all()
    reps = pd.read_csv(out / "a" / "replications.csv")
    assert len(reps) == 2 * 3 * 3 * 2  # cases x settings x replications x horizons
    assert set(reps["state"]) <= set(STATES)


def test_same_seed_same_table(cli_run) -> None:
    args, out, _ = cli_run
    again = runner.invoke(app, [*args, "--out", str(out / "b")])
    assert again.exit_code == 0, again.output
    pd.testing.assert_frame_equal(pd.read_csv(out / "a" / "scores.csv"), pd.read_csv(out / "b" / "scores.csv"))
    pd.testing.assert_frame_equal(pd.read_csv(out / "a" / "replications.csv"),
                                  pd.read_csv(out / "b" / "replications.csv"))


def test_status_quo_row_equals_a_direct_computation(cli_run, bench) -> None:
    _, out, _ = cli_run
    scores = pd.read_csv(out / "a" / "scores.csv").astype({"horizon": str})
    row = scores[(scores["forecast"] == "status quo persists") & (scores["horizon"] == "all")].iloc[0]
    table = bench.table[bench.table["case"].isin(CASES)]
    scenario_state = {c: f"unresolved:{_category(bench, c)}" for c in CASES}
    hit = table["state"] == table["case"].map(scenario_state)
    assert row["brier"] == pytest.approx(2 * (~hit).mean())
    assert row["log_loss"] == pytest.approx(-math.log(LOG_FLOOR) * (~hit).mean())
    assert row["mae"] == pytest.approx((table["presence"] - table["status_quo"]).abs().mean())


def _category(bench, case: str) -> str:
    from sim.core.categories import categorize

    scenario = bench.scenarios[case]
    return categorize(float(bench.table.loc[bench.table["case"] == case, "status_quo"].iloc[0]),
                      scenario.outcomes.thresholds)


def test_a_perfect_forecast_scores_zero_and_beats_both_baselines(bench) -> None:
    rows = [{"case": r.case, "horizon": r.horizon, **{s: float(s == r.state) for s in STATES},
             "presence": r.presence} for r in bench.table.itertuples()]
    scores, diffs = score_forecasts({"oracle": forecast_frame(rows)}, bench, n_boot=200, seed=1)
    oracle = scores[scores["forecast"] == "oracle"]
    assert len(oracle) == 1 + len(bench.horizons)
    assert (oracle[["brier", "log_loss", "mae"]].abs().to_numpy() < 1e-12).all()
    assert (diffs["difference"] < 0).all() and (diffs["hi"] < 0).all()
    assert set(diffs["baseline"]) <= {"status quo persists", "base rate (leave-one-out)"}


def test_forecasts_come_from_the_run_states_at_each_month(bench) -> None:
    case = CASES[0]
    issue = bench.outcomes.cases[case].issue
    fc = forecast_benchmark(bench, settings(["compromise", "coercive:complete"]), replications=4, seed=3,
                            cases=[case])
    seed = case_seeds(bench.cases, 3)[case]
    run = sim.run(bench.scenarios[case], n=4, seed=seed, mechanism="coercive", months=(12, 36),
                  mechanism_params={"information": "complete"}, trajectories=False).replications
    got = fc.forecasts["coercive:complete"].set_index("horizon")
    for h in (12, 36):
        shares = run[f"state.{issue}.m{h}"].value_counts(normalize=True)
        for state in STATES:
            assert got.at[h, state] == pytest.approx(shares.get(state, 0.0))
        assert got.at[h, "presence"] == pytest.approx(run[f"presence.{issue}.m{h}"].mean())
    # a forecast mechanism's "forecast:<category>" is scored as "signed:<category>" (the stated mapping)
    raw = fc.replications[fc.replications["setting"] == "compromise"]
    assert raw["label"].str.startswith("forecast:").all()
    assert (raw["state"] == "signed:" + raw["label"].str.removeprefix("forecast:")).all()


def test_a_case_runs_the_same_alone_or_with_others(bench) -> None:
    chosen = settings(["compromise"])
    alone = forecast_benchmark(bench, chosen, replications=3, seed=5, cases=[CASES[1]]).replications
    both = forecast_benchmark(bench, chosen, replications=3, seed=5, cases=list(CASES)).replications
    pd.testing.assert_frame_equal(alone.reset_index(drop=True),
                                  both[both["case"] == CASES[1]].reset_index(drop=True))
    other = forecast_benchmark(bench, chosen, replications=3, seed=6, cases=[CASES[1]]).replications
    assert not np.allclose(alone["final_value"], other["final_value"])


def test_a_mechanism_that_cannot_run_a_case_is_skipped_and_reported(bench, monkeypatch) -> None:
    import sim.validation.basing_forecast as bf

    real = bf.run_case

    def fails_on_k2(bench, case, setting, replications, seed, workers=1):  # noqa: ANN001, ANN202
        if case == "k2_2005" and setting.name == "compromise":
            raise SimError("needs at most 1 actor")
        return real(bench, case, setting, replications, seed, workers)

    monkeypatch.setattr(bf, "run_case", fails_on_k2)
    told = []
    fc = bf.forecast_benchmark(bench, settings(["compromise"]), replications=2, seed=0, cases=list(CASES),
                               on_skip=lambda *a: told.append(a))
    assert told == [("k2_2005", "compromise", "needs at most 1 actor")] == fc.skipped
    assert set(fc.forecasts["compromise"]["case"]) == {"subic_1990"}
    scores, _ = score_forecasts(fc.forecasts, bench, n_boot=50)
    assert (scores["n_cases"] == 1).all()


def test_settings_and_state_mapping() -> None:
    names = [s.name for s in settings()]
    assert names[:2] == ["coercive:complete", "coercive:private"] and "ktab_smp" in names
    assert [s.params for s in settings(["coercive:private"])] == [{"information": "private"}]
    assert [s.name for s in settings(["bdm", "coercive", "bdm"])] == ["bdm", "coercive:complete",
                                                                      "coercive:private"]
    with pytest.raises(SimError, match="unknown mechanism 'nope'"):
        settings(["nope"])
    assert scored_state("forecast:new_terms") == "signed:new_terms"
    assert scored_state("breakdown:withdrawal") == "breakdown:withdrawal"
    with pytest.raises(SimError, match="not a benchmark state"):
        scored_state("unobserved")


@pytest.mark.parametrize(("extra", "message"), [
    (["--mechanisms", "nope"], "unknown mechanism 'nope'"),
    (["--cases", "atlantis_1999"], "unknown case 'atlantis_1999'"),
    (["--replications", "0"], "--replications must be at least 1"),
    (["--mechanisms", ","], "--mechanisms is empty"),
    (["--data", "no/such/folder"], "no such benchmark folder"),
])
def test_bad_input_is_a_one_line_error(extra, message, tmp_path) -> None:
    result = runner.invoke(app, ["validate-external", "basing", "--cases", CASES[0], "--replications", "1",
                                 "--out", str(tmp_path), *extra])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert "Traceback" not in result.output


def test_end_forecast_reading_uses_the_final_forecast_at_every_month() -> None:
    from sim.validation.basing_forecast import forecasts_from_replications

    rows = []
    for setting, labels, finals in (("iterative", ["unresolved:terms_2017", "forecast:access_only"],
                                     "forecast:access_only"),
                                    ("timed", ["unresolved:terms_2017", "breakdown:withdrawal"],
                                     "breakdown:withdrawal")):
        for h, label in zip((12, 36), labels, strict=True):
            rows.append({"case": "c", "setting": setting, "replication": 0, "horizon": h, "label": label,
                         "state": scored_state(label), "presence": 90.0 if h == 12 else 30.0,
                         "final_label": finals, "final_value": 30.0})
    long = pd.DataFrame(rows)
    as_run = forecasts_from_replications(long)
    assert as_run["iterative"].set_index("horizon").at[12, "unresolved:terms_2017"] == 1.0
    end = forecasts_from_replications(long, reading="end_forecast")
    assert set(end) == {"iterative"}  # a mechanism with a timed path keeps its as-run reading only
    table = end["iterative"].set_index("horizon")
    assert (table["signed:access_only"] == 1.0).all() and (table["presence"] == 30.0).all()
    with pytest.raises(SimError, match="unknown reading"):
        forecasts_from_replications(long, reading="sometimes")
