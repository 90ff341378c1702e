"""A citable, reproducible release: licence, citation file, changelog and version agree; `sim --version`; the
run manifest; table formats; notebooks run under `jupyter nbconvert`; the docs site needs no network."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli.main import app
from sim.experiments.manifest import git_state
from sim.scenario.schema import Scenario
from tests.conftest import SCENARIOS, minimal_scenario, write_scenario

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
runner = CliRunner()


def test_licence_is_the_mit_licence_pyproject_declares():
    assert PYPROJECT["license"]["text"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text


def test_citation_file_is_valid_cff_with_the_package_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "license"} <= set(cff)
    assert str(cff["version"]) == PYPROJECT["version"] and cff["license"] == "MIT"
    assert all("name" in a or "family-names" in a for a in cff["authors"])


def test_changelog_states_the_scheme_and_has_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## Version scheme" in text and "## [Unreleased]" in text
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", text, flags=re.M)
    assert PYPROJECT["version"] in versions


def test_version_flag_prints_the_package_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith(f"syria-bases-sim {PYPROJECT['version']}")
    if git_state() is not None:
        assert f"git {git_state()['commit'][:12]}" in result.output


def test_help_shows_no_bool_placeholder():
    for command in ("run", "validate", "compare", "sweep"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "160"})
        assert result.exit_code == 0 and "<bool>" not in result.output, command
    assert "<int range>" in runner.invoke(app, ["run", "--help"], env={"COLUMNS": "160"}).output  # others keep types


def test_manifest_records_commit_command_and_resolved_scenario(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", str(SCENARIOS / "turkey_rising.yaml"), "-n", "3", "--out", str(out),
                                 "--no-plots", "--no-trajectories"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    state = git_state()
    if state is not None:  # run from a checkout (the tests always are, except from an unpacked sdist)
        assert manifest["git"] == state and re.fullmatch(r"[0-9a-f]{40}", manifest["git"]["commit"])
    assert isinstance(manifest["command"], str) and manifest["command"]
    resolved = manifest["resolved_scenario"]
    assert resolved["name"] == "turkey_rising"
    assert resolved["actors"]["TUR"]["capability"] == {"uniform": [0.65, 0.85]}  # the child's value
    assert "RUS" in resolved["actors"] and resolved["sources"]  # inherited from the baseline
    assert Scenario.model_validate(resolved).name == "turkey_rising"


def test_git_state_reads_commit_and_dirty_flag(tmp_path):
    assert git_state(tmp_path) is None
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "f.txt").write_text("a")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "add", "f.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    clean = git_state(tmp_path)
    assert clean is not None and clean["dirty"] is False and len(clean["commit"]) == 40
    (tmp_path / "f.txt").write_text("b")
    assert git_state(tmp_path)["dirty"] is True


def test_no_trajectories_writes_no_empty_per_round_files(tmp_path):
    path = write_scenario(tmp_path, minimal_scenario())
    result = runner.invoke(app, ["run", str(path), "-n", "4", "--out", str(tmp_path / "o"), "--no-plots",
                                 "--no-trajectories", "--format", "csv"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert "rounds.parquet" not in names and "trajectories.parquet" not in names and "rounds.csv" not in names
    assert {"replications.parquet", "replications.csv", "manifest.json", "outcome_table.csv"} <= set(names)
    csv = pd.read_csv(tmp_path / "o" / "replications.csv")
    parquet = pd.read_parquet(tmp_path / "o" / "replications.parquet")
    assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet) == 4
    assert (csv["outcome.i0"].to_numpy() == parquet["outcome.i0"].to_numpy()).all()


def test_trajectory_tables_in_csv_and_figures_in_every_format(tmp_path):
    path = write_scenario(tmp_path, minimal_scenario())
    result = runner.invoke(app, ["run", str(path), "-n", "3", "--out", str(tmp_path / "o"),
                                 "--format", "csv,png,pdf,svg"])
    assert result.exit_code == 0, result.output
    for name in ("rounds", "trajectories"):
        assert len(pd.read_csv(tmp_path / "o" / f"{name}.csv")) == len(pd.read_parquet(tmp_path / "o" /
                                                                                         f"{name}.parquet"))
    for figure in ("outcomes", "trajectories", "network"):
        for suffix, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF"), ("svg", b"<?xml")):
            assert (tmp_path / "o" / "plots" / f"{figure}.{suffix}").read_bytes().startswith(magic)


@pytest.mark.skipif(importlib.util.find_spec("openpyxl") is None, reason="openpyxl not installed (excel extra)")
def test_xlsx_tables(tmp_path):
    path = write_scenario(tmp_path, minimal_scenario())
    result = runner.invoke(app, ["run", str(path), "-n", "3", "--out", str(tmp_path / "o"), "--no-plots",
                                 "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    sheet = pd.read_excel(tmp_path / "o" / "replications.xlsx")
    assert len(sheet) == 3 and "category.i0" in sheet.columns
    assert set(pd.read_excel(tmp_path / "o" / "trajectories.xlsx")["actor"]) == {"A0", "A1"}


def test_unknown_format_is_a_one_line_error(tmp_path):
    path = write_scenario(tmp_path, minimal_scenario())
    result = runner.invoke(app, ["run", str(path), "-n", "1", "--format", "csv,docx"])
    assert result.exit_code == 2 and "unknown format 'docx'" in result.output


def test_notebooks_extra_provides_nbconvert():
    extra = " ".join(PYPROJECT["optional-dependencies"]["notebooks"])
    assert "nbconvert" in extra


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("nbconvert") is None, reason="nbconvert not installed")
def test_jupyter_nbconvert_executes_a_notebook(tmp_path):
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import sim\nresult = sim.run('scenario.yaml', n=3, trajectories=False)\nprint(len(result.replications))")])
    write_scenario(tmp_path, minimal_scenario())
    nbformat.write(book, tmp_path / "small.ipynb")
    env = {"PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
           "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                           "--output", "done.ipynb", "small.ipynb"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    outputs = nbformat.read(tmp_path / "done.ipynb", as_version=4).cells[0].outputs
    assert any(o.get("text", "").strip() == "3" for o in outputs)


def test_docs_config_loads_nothing_from_a_cdn():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    assert config["theme"].get("highlightjs") is False
    assert (ROOT / "docs" / "css" / "pygments.css").read_text().count(".highlight") > 10


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="mkdocs not installed (docs extra)")
def test_built_site_has_no_external_scripts_or_stylesheets(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    external = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=\"(?:https?:)?//", re.I)
    offenders = [p.name for p in tmp_path.rglob("*.html") if external.search(p.read_text())]
    assert offenders == []
    page = (tmp_path / "tutorials" / "quickstart" / "index.html").read_text()
    assert '<div class="highlight">' in page and 'class="kn"' in page  # coloured by Pygments at build time


def test_command_line_reads_as_typed(monkeypatch):
    from sim.experiments.manifest import command_line

    monkeypatch.setattr("sys.argv", ["/repo/sim/__main__.py", "run", "my scenario.yaml", "-n", "5"])
    assert command_line() == "python -m sim run 'my scenario.yaml' -n 5"
    monkeypatch.setattr("sys.argv", ["/venv/bin/sim", "compare", "a.yaml", "b.yaml"])
    assert command_line() == "sim compare a.yaml b.yaml"
