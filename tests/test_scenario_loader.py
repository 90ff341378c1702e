"""Scenario loading: the baseline, clear errors with file/line/field, extends, and fuzzed malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.scenario import compile_scenario, evidence_report, load_scenario
from tests.conftest import BASELINE, minimal_scenario, write_scenario


def test_baseline_loads_with_full_evidence_coverage():
    scenario = load_scenario(BASELINE)
    assert set(scenario.actors) == {"RUS", "SYR", "TUR", "USA", "ISR"}
    assert {"tartus", "hmeimim", "recognition", "economy", "assad"} <= set(scenario.issues)
    assert scenario.base_issues == ["tartus", "hmeimim"]
    report = evidence_report(scenario)
    assert report.bare == []
    assert report.coverage == 1.0
    assert len(report.cited) > 0 and len(report.assumed) > 0


def test_every_baseline_source_names_an_existing_seed_file():
    seeds = BASELINE.parents[2] / "shared" / "seeds"
    scenario = load_scenario(BASELINE)
    for source in scenario.sources.values():
        assert source.file
        if seeds.exists():
            assert (seeds / source.file).exists(), source.file


def _error(tmp_path: Path, text: str) -> ScenarioError:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def test_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_invalid_yaml_names_the_line(tmp_path):
    err = _error(tmp_path, "name: x\ntitle: [unclosed\n")
    assert err.file.endswith("bad.yaml") and err.line is not None
    assert "invalid YAML" in str(err)


def test_unknown_key_names_file_line_and_field(tmp_path):
    data = minimal_scenario()
    data["actors"]["A1"]["capabilty"] = 0.3
    text = yaml.safe_dump(data, sort_keys=False)
    path = write_scenario(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    expected_line = next(i for i, line in enumerate(text.splitlines(), 1) if "capabilty" in line)
    assert f"scenario.yaml:{expected_line}:" in message
    assert "actors.A1.capabilty" in message and "unknown key" in message


def test_out_of_bounds_value_is_reported_with_its_bounds(tmp_path):
    data = minimal_scenario()
    data["actors"]["A0"]["salience"]["i0"] = 1.5
    with pytest.raises(ScenarioError, match=r"actors\.A0\.salience\.i0.*\[0, 1\]"):
        load_scenario(write_scenario(tmp_path, data))


def test_bad_distribution_says_what_was_expected(tmp_path):
    data = minimal_scenario()
    data["actors"]["A0"]["capability"] = {"uniform": [0.9, 0.1]}
    with pytest.raises(ScenarioError, match="uniform"):
        load_scenario(write_scenario(tmp_path, data))
    data["actors"]["A0"]["capability"] = "strong"
    with pytest.raises(ScenarioError, match="expected a number or a distribution"):
        load_scenario(write_scenario(tmp_path, data))


def test_cross_references_are_checked(tmp_path):
    data = minimal_scenario(relations={"A0->ZZ": {"influence": 0.5}})
    data["actors"]["A1"]["positions"]["nope"] = 10
    data["evidence"] = {"actors.A0.capability": {"source": "missing", "note": "x"}}
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(tmp_path, data))
    message = str(info.value)
    assert "unknown actor 'ZZ'" in message
    assert "unknown issue 'nope'" in message
    assert "unknown source 'missing'" in message


def test_missing_issue_value_and_no_veto_player(tmp_path):
    data = minimal_scenario(n_issues=2)
    del data["actors"]["A0"]["salience"]["i1"]
    for actor in data["actors"].values():
        actor["role"] = "influencer"
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(tmp_path, data))
    assert "no value for issue 'i1'" in str(info.value)
    assert "veto" in str(info.value)


def test_duplicate_keys_are_rejected(tmp_path):
    err = _error(tmp_path, "name: a\nname: b\n")
    assert "duplicate key 'name'" in str(err) and err.line == 2


def test_extends_merges_overrides_and_deletes(tmp_path):
    base = minimal_scenario(n_actors=3)
    write_scenario(tmp_path, base, "base.yaml")
    child = {"extends": "base.yaml", "name": "child", "actors": {"A2": None, "A0": {"capability": 0.9}}}
    scenario = load_scenario(write_scenario(tmp_path, child, "child.yaml"))
    assert scenario.name == "child"
    assert set(scenario.actors) == {"A0", "A1"}
    assert scenario.actors["A0"].capability == 0.9
    assert scenario.actors["A0"].positions == base["actors"]["A0"]["positions"]


def test_extends_errors_point_at_the_file_that_wrote_the_value(tmp_path):
    base = minimal_scenario()
    base["actors"]["A0"]["salience"]["i0"] = 7
    write_scenario(tmp_path, base, "base.yaml")
    child = {"extends": "base.yaml", "name": "child"}
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(tmp_path, child, "child.yaml"))
    assert "base.yaml:" in str(info.value)


def test_extends_cycle_is_reported(tmp_path):
    write_scenario(tmp_path, {"extends": "b.yaml"}, "a.yaml")
    write_scenario(tmp_path, {"extends": "a.yaml"}, "b.yaml")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")


def test_unsafe_yaml_tags_are_refused(tmp_path):
    err = _error(tmp_path, "name: !!python/object/apply:os.system ['echo hi']\n")
    assert "invalid YAML" in str(err)


def test_parameter_paths_cover_every_cell():
    compiled = compile_scenario(load_scenario(BASELINE))
    paths = compiled.parameter_paths()
    assert "actors.RUS.positions.tartus" in paths
    assert "relations.TUR->SYR.influence" in paths
    assert "events.guarantee_lapses.probability" in paths
    assert len(set(compiled.cells.values())) == len(paths)


BASELINE_TEXT = BASELINE.read_text()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(BASELINE_TEXT)), junk=st.text(max_size=40), drop=st.integers(0, 400))
def test_mangled_baseline_raises_only_scenario_errors(tmp_path, cut, junk, drop):
    """Random damage to a real scenario: it either loads or fails with the project's own error type."""
    mangled = BASELINE_TEXT[:cut] + junk + BASELINE_TEXT[cut + drop % 50:]
    path = tmp_path / "mangled.yaml"
    path.write_text(mangled)
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert str(exc)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(["schema", "name", "title", "question", "as_of", "issues", "actors",
                                             "relations", "events", "mechanism", "rounds", "evidence", "extends",
                                             "outcomes", "dynamics", "sources", "bogus"]), yaml_values, max_size=10))
def test_random_structures_raise_only_scenario_errors(tmp_path, data):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ScenarioError):
        load_scenario(path)


def test_evidence_may_cover_a_whole_event(tmp_path):
    data = minimal_scenario(events={"shock": {"label": "shock", "at_round": 2, "effects": [
        {"path": "issues.i0.disagreement", "set": 5}]}})
    data["evidence"] = {"events.shock": {"assumption": "a shock in month two, for the test"}}
    assert "events.shock" in load_scenario(write_scenario(tmp_path, data)).evidence
    data["evidence"] = {"events.nope": {"assumption": "x"}}
    with pytest.raises(ScenarioError, match="events.<id>"):
        load_scenario(write_scenario(tmp_path, data))
