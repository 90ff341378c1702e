"""Sweep file validation: errors name file, line and field; the three ways of declaring a sweep."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.sweeps import load_sweep
from sim.sweeps.outputs import parse_output
from sim.sweeps.spec import SweepSpecError

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"

GOOD = """\
evaluator: ishigami
design: sobol
samples: 64
parameters:
  x1: [-3, 3]
  x2: [-3, 3]
outputs: [mean(y)]
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_good_file_loads(tmp_path):
    spec = load_sweep(write(tmp_path, GOOD))
    assert spec.design == "sobol" and spec.names == ["x1", "x2"] and spec.replications == 1


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [
    ("samples: 64", "samples: 100", 3, "samples", "power of 2"),
    ("design: sobol", "design: fancy", 2, "design", "unknown design"),
    ("  x2: [-3, 3]", "  x2: [3, -3]", 6, "parameters.x2.range", "low must be below high"),
    ("  x2: [-3, 3]", "  x2: [-3, oops]", 6, "parameters.x2.range.1", "finite number"),
    ("  x2: [-3, 3]", "  x9: [-3, 3]", 6, "parameters.x9", "not a sweepable"),
    ("outputs: [mean(y)]", "outputs: [median(y)]", 7, "outputs.0", "cannot read output"),
    ("samples: 64", "samples: 64\nreplicas: 3", 4, "replicas", "unknown key"),
    ("  x2: [-3, 3]", "  x2: {levels: [1, 2]}", 6, "parameters.x2", "needs a range"),
])
def test_errors_name_file_line_field(tmp_path, old, new, line, field, words):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(SweepSpecError) as info:
        load_sweep(path)
    err = info.value
    assert isinstance(err, ScenarioError)
    assert (err.file, err.line, err.field) == (str(path), line, field)
    assert words in str(err) and f"{path}:{line}:" in str(err)


def test_several_errors_reported_together(tmp_path):
    path = write(tmp_path, GOOD.replace("samples: 64", "samples: 3").replace("[mean(y)]", "[nope]"))
    with pytest.raises(ScenarioError) as info:
        load_sweep(path)
    assert len(info.value.errors) == 2


def test_unknown_scenario_path_for_the_model(tmp_path):
    text = f"scenario: {BASELINE}\ndesign: lhs\nsamples: 8\nparameters:\n  actors.TUR.capabilty: [0.1, 0.9]\n" \
           "outputs: [P(agreed)]\n"
    with pytest.raises(SweepSpecError) as info:
        load_sweep(write(tmp_path, text))
    assert info.value.line == 5 and "actors.TUR.capability" in str(info.value)  # suggests the right name


def test_missing_scenario_file(tmp_path):
    text = "scenario: nowhere.yaml\nparameters: {a: [0, 1]}\noutputs: [P(agreed)]\n"
    with pytest.raises(SweepSpecError, match="scenario file not found"):
        load_sweep(write(tmp_path, text))


def test_mapping_of_named_sweeps_and_choice(tmp_path):
    body = "".join("  " + line + "\n" for line in GOOD.splitlines())
    path = write(tmp_path, f"first:\n{body}second:\n{body}")
    assert load_sweep(path, "second").name == "second"
    with pytest.raises(SweepSpecError, match="several sweeps"):
        load_sweep(path)
    with pytest.raises(SweepSpecError, match="no sweep named 'third'"):
        load_sweep(path, "third")


def test_scenario_sweeps_section(tmp_path):
    text = BASELINE.read_text() + (
        "\nsweeps:\n  tur:\n    design: oat\n    parameters:\n      actors.TUR.capability: [0.2, 0.9]\n"
        "    outputs: [mean(outcome.tartus)]\n")
    # the scenario may use extends/relative paths: keep it next to the original
    path = BASELINE.parent / f".test_sweeps_section_{tmp_path.name}.yaml"
    try:
        path.write_text(text)
        spec = load_sweep(path)
        assert spec.scenario == str(path.resolve()) and spec.design == "oat"
    finally:
        path.unlink(missing_ok=True)


def test_example_sweeps_are_valid():
    for f in (ROOT / "scenarios" / "sweeps").glob("*.yaml"):
        spec = load_sweep(f)
        assert spec.outputs and spec.parameters
    sobol = load_sweep(ROOT / "scenarios" / "sweeps" / "baseline_sobol.yaml")
    assert sobol.design == "sobol" and len(sobol.parameters) >= 8


@given(st.sampled_from(["mean(outcome.tartus)", "P(agreed)", "P(category.tartus >= reduced_presence)",
                        "P(y > 5)", "P(level.tartus <= 1.5)", "P(category.hmeimim == withdrawal)"]),
       st.text(alphabet=" ", max_size=3))
def test_outputs_parse_whitespace_insensitively(text, pad):
    assert parse_output(pad + text + pad).name == parse_output(text).name


@pytest.mark.parametrize("bad", ["mean(y > 3)", "P(category.tartus >= nowhere)", "sum(y)", "P()"])
def test_bad_outputs(bad):
    with pytest.raises(ValueError):
        parse_output(bad)


def test_hash_ignores_outputs_but_not_parameters(tmp_path):
    a = load_sweep(write(tmp_path, GOOD))
    b = load_sweep(write(tmp_path, GOOD.replace("[mean(y)]", "[mean(y), P(y > 1)]"), "b.yaml"))
    c = load_sweep(write(tmp_path, GOOD.replace("x2: [-3, 3]", "x2: [-3, 2]"), "c.yaml"))
    assert a.hash == b.hash != c.hash


@pytest.mark.parametrize("mech", ["nosuch", "{name: bargaining, params: {nosuch_param: 1}}"])
def test_bad_mechanism_override(tmp_path, mech):
    text = f"scenario: {BASELINE}\nmechanism: {mech}\nparameters: {{actors.TUR.capability: [0, 1]}}\n" \
           "outputs: [P(agreed)]\n"
    with pytest.raises(SweepSpecError) as info:
        load_sweep(write(tmp_path, text))
    assert info.value.line == 2 and info.value.field == "mechanism"
