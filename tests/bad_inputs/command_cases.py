"""Bad command lines and bad sweep files: ``sim run`` options, ``sim sweep`` and ``sim report``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests.bad_inputs.harness import Case
from tests.bad_inputs.scenario_cases import _bomb, base, dump

RUN = ["run", "{d}/s.yaml", "-n", "20", "--no-plots"]


def _write(rel: str, text: str) -> Callable[[Path], None]:
    def setup(folder: Path) -> None:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return setup


def _run_folder(folder: Path) -> None:
    """A folder as ``sim run`` leaves it (a run manifest, no sweep generations)."""
    run = folder / "runfolder"
    run.mkdir()
    (run / "manifest.json").write_text(json.dumps({"scenario": "mini", "seed": 0, "replications": 20}))
    (run / "outcome_table.csv").write_text("issue,label,probability\n")


def _truncated_manifest(folder: Path) -> None:
    (folder / "sw").mkdir()
    (folder / "sw" / "manifest.json").write_text('{"format": 1, "sweep_hash": "ab')


def run_cases() -> list[Case]:
    files = {"s.yaml": dump(base())}
    return [
        Case("run-seed_negative", [*RUN, "--seed", "-1", "--out", "{d}/o"], files, field="--seed", line=False,
             absent=("{d}/o",)),
        Case("run-out_is_file", [*RUN, "--out", "{d}/s.yaml"], files, field="--out", line=False),
        Case("run-out_under_file", [*RUN, "--out", "{d}/s.yaml/sub"], files, field="--out", line=False),
        Case("run-out_unwritable", [*RUN, "--out", "/sys/simtest"], files, field="--out", line=False),
        Case("run-n_zero", ["run", "{d}/s.yaml", "-n", "0"], files, field="-n", usage=True),
        Case("run-n_huge", ["run", "{d}/s.yaml", "-n", str(10**9), "--out", "{d}/o"], files, field="-n",
             line=False, contains=("GiB",), subprocess=True, absent=("{d}/o",)),
        Case("run-workers_zero", ["run", "{d}/s.yaml", "-w", "0"], files, field="--workers", usage=True),
        Case("run-mechanism_unknown", [*RUN, "-m", "coin_toss", "--out", "{d}/o"], files, field="coin_toss",
             line=False),
        Case("run-mechanism_markup", [*RUN, "-m", "[/x]", "--out", "{d}/o"], files, field="[/x]", line=False),
        Case("run-sweep_file", ["run", "{d}/w.yaml", "-n", "20", "--out", "{d}/o"],
             {**files, "w.yaml": dump(_sweep())}, field="sim sweep"),
        Case("run-existing_results_no_force", [*RUN, "--out", "{d}/o"], files, field="--out", line=False,
             contains=("--force",), setup=_write("o/plots/old.png", "stale")),
    ]


def _sweep(**changes: Any) -> dict[str, Any]:
    sweep = {"scenario": "s.yaml", "design": "grid", "samples": 2, "replications": 1, "seed": 1,
             "parameters": {"actors.A0.salience.i0": [0.2, 0.8]}, "outputs": ["P(agreed)"]}
    for key, value in changes.items():
        if value is None:
            sweep.pop(key, None)
        else:
            sweep[key] = value
    return sweep


def _sweep_case(cid: str, field: str | None, contains: tuple[str, ...] = (), subprocess: bool = False,
                line: bool = True, **changes: Any) -> Case:
    files = {"s.yaml": dump(base()), "w.yaml": yaml.safe_dump(_sweep(**changes), sort_keys=False)}
    return Case(f"sweep-{cid}", ["sweep", "{d}/w.yaml", "--out", "{d}/sw", "--no-report"], files, field=field,
                contains=contains, subprocess=subprocess, line=line, absent=("{d}/sw/parts",))


def sweep_cases() -> list[Case]:
    p = "parameters"
    files = {"s.yaml": dump(base()), "w.yaml": yaml.safe_dump(_sweep(), sort_keys=False)}
    sweep = ["sweep", "{d}/w.yaml", "--no-report"]
    return [
        _sweep_case("salience_above_bound", f"{p}.actors.A0.salience.i0", ("[0, 1]",),
                    parameters={"actors.A0.salience.i0": [0.5, 1.5]}),
        _sweep_case("probability_below_bound", f"{p}.events.shock.probability",
                    parameters={"events.shock.probability": [-0.5, 0.1]}),
        _sweep_case("capability_negative", f"{p}.actors.A1.capability",
                    parameters={"actors.A1.capability": [-1, 1]}),
        _sweep_case("levels_outside", f"{p}.actors.A0.positions.i0",
                    parameters={"actors.A0.positions.i0": {"levels": [0, 50, 120]}}),
        _sweep_case("baseline_outside_bound", f"{p}.actors.A0.risk",
                    parameters={"actors.A0.risk": {"range": [-1, 1], "baseline": 3}}),
        _sweep_case("range_nan", f"{p}.actors.A0.salience.i0", parameters={"actors.A0.salience.i0": [".nan", 1]}),
        _sweep_case("range_reversed", f"{p}.actors.A0.salience.i0", parameters={"actors.A0.salience.i0": [1, 0]}),
        _sweep_case("unknown_path", f"{p}.actors.ZZ.capability", parameters={"actors.ZZ.capability": [0, 1]}),
        _sweep_case("output_unknown_column", "outputs.0", ("outcome.nope",), outputs=["mean(outcome.nope)"]),
        _sweep_case("output_unknown_category_column", "outputs.0",
                    outputs=["P(category.nope >= access_only)"]),
        _sweep_case("output_garbage", "outputs.0", outputs=["average of everything"]),
        _sweep_case("output_markup", "outputs.0", outputs=["[/bold] oops"]),
        _sweep_case("outputs_empty", "outputs", outputs=[]),
        _sweep_case("discovery_garbage", "discovery", discovery="blah blah"),
        _sweep_case("discovery_unknown_column", "discovery", discovery="category.nope <= access_only"),
        _sweep_case("discovery_not_text", "discovery", discovery=[1, 2]),
        _sweep_case("option_unknown", "options", options={"frobnicate": 1}),
        _sweep_case("option_bad_value", "options", design="sobol", samples=4, options={"calc_second_order": "maybe"}),
        _sweep_case("option_not_mapping", "options", options="fast"),
        _sweep_case("sobol_2_24", "samples", ("runs", "GiB"), subprocess=True, design="sobol", samples=2**24),
        _sweep_case("replications_1e9", "replications", ("runs",), subprocess=True, replications=10**9),
        _sweep_case("name_parent_dirs", "name", name="../../escaped"),
        _sweep_case("name_absolute", "name", name="/tmp/escaped-sweep"),
        _sweep_case("design_unknown", "design", design="random"),
        _sweep_case("sobol_not_power_of_two", "samples", design="sobol", samples=100),
        _sweep_case("seed_negative", "seed", seed=-1),
        _sweep_case("chunk_zero", "chunk_size", chunk_size=0),
        _sweep_case("mechanism_unknown", "mechanism", mechanism="coin_toss"),
        _sweep_case("scenario_missing", "scenario", scenario="nope.yaml"),
        _sweep_case("evaluator_unknown", "evaluator", scenario=None, evaluator="nope"),
        _sweep_case("unknown_key", "colour", colour="red"),
        Case("sweep-alias_bomb", ["sweep", "{d}/w.yaml", "--no-report"], {"w.yaml": _bomb()}, contains=("alias",),
             subprocess=True),
        Case("sweep-out_is_file", [*sweep, "--out", "{d}/s.yaml"], files, field="--out", line=False),
        Case("sweep-out_run_folder", [*sweep, "--out", "{d}/runfolder"], files, field="runfolder", line=False,
             setup=_run_folder, absent=("{d}/runfolder/parts",)),
        Case("sweep-out_unwritable", [*sweep, "--out", "/sys/simtest"], files, field="--out", line=False),
        Case("sweep-folder_as_file", ["sweep", "{d}", "--no-report"], files, line=False),
        Case("sweep-missing_file", ["sweep", "{d}/nope.yaml", "--no-report"], line=False),
        Case("sweep-executor_bogus", [*sweep, "-e", "bogus"], files, field="--executor", usage=True),
        Case("report-run_folder", ["report", "{d}/runfolder"], field="runfolder", line=False, setup=_run_folder),
        Case("report-missing", ["report", "{d}/nope"], field="nope", line=False),
        Case("report-truncated_manifest", ["report", "{d}/sw"], field="manifest.json", line=False,
             setup=_truncated_manifest),
        Case("report-file", ["report", "{d}/s.yaml"], {"s.yaml": "x: 1\n"}, field="s.yaml", line=False),
    ]
