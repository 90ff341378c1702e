"""The documentation: generated pages are current, every CLI command / option and every scenario field is
documented, and the site builds with ``mkdocs build --strict``."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
import yaml
from pydantic import BaseModel

from sim.cli import docs_gen
from sim.cli.main import app
from sim.scenario import schema

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _commands(group, prefix: str = "sim"):  # typer's click group
    """Walk the typer app independently of the generator: every command, sub-groups included."""
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix} {name}")


def _schema_models() -> list[type[BaseModel]]:
    return [obj for obj in vars(schema).values()
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == schema.__name__
            and obj.model_fields and obj is not schema.Strict]


def _section(text: str, heading: str) -> str:
    """The text under ``### heading`` up to the next heading of level <= 3."""
    match = re.search(rf"^### {re.escape(heading)}\s*$(.*?)(?=^#{{1,3}} |\Z)", text, flags=re.M | re.S)
    assert match, f"no section '### {heading}'"
    return match.group(1)


def test_generated_pages_are_up_to_date() -> None:
    stale = [str(p.relative_to(ROOT)) for p in docs_gen.stale_pages()]
    assert stale == [], f"run `python -m sim.cli.docs_gen` to regenerate: {stale}"


def test_check_mode_detects_a_stale_page(tmp_path: Path) -> None:
    """The --check machinery really fails: a page whose block was edited by hand is reported."""
    for target, text in docs_gen.generate(tmp_path).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    assert docs_gen.stale_pages(tmp_path) == []
    page = tmp_path / "scenarios.md"
    page.write_text(page.read_text().replace("| `capability` |", "| `capabilities` |"))
    assert docs_gen.stale_pages(tmp_path) == [page]


def test_hand_written_text_survives_regeneration() -> None:
    text = "# Title\n\nintro\n\n" + docs_gen.render("", "x", "old").strip() + "\n\noutro\n"
    new = docs_gen.render(text, "x", "new body")
    assert "intro" in new and "outro" in new and "new body" in new and "old" not in new


def test_every_cli_command_and_option_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    commands = list(_commands(typer.main.get_command(app)))
    assert {name for name, _ in commands} >= {"sim run", "sim validate", "sim scenarios", "sim mechanisms"}
    for name, command in commands:
        assert f"### `{name}`" in text, f"{name} is not documented in docs/cli.md"
        section = _section(text, f"`{name}`")
        for param in command.params:
            if getattr(param, "hidden", False):
                continue
            for opt in (*param.opts, *param.secondary_opts):
                shown = f"`{opt}`" if opt.startswith("-") else f"`{param.name.upper()}`"
                assert shown in section, f"{name}: {opt} is not documented"


def test_every_scenario_field_is_documented() -> None:
    text = (DOCS / "scenarios.md").read_text()
    models = _schema_models()
    assert schema.Scenario in models and schema.Actor in models and len(models) >= 10
    for model in models:
        section = _section(text, model.__name__)
        for name, info in model.model_fields.items():
            key = info.alias or name
            row = re.search(rf"^\| `{re.escape(key)}` \|(.*)$", section, flags=re.M)
            assert row, f"{model.__name__}.{key} is missing from docs/scenarios.md"
            meaning = row.group(1).rsplit("|", 2)[-2].strip()
            assert meaning, f"{model.__name__}.{key} has no meaning (add a description to the schema)"


def test_every_parameter_kind_has_bounds_documented() -> None:
    text = (DOCS / "scenarios.md").read_text()
    for kind in schema.BOUNDS:
        if kind == "mechanism":
            assert "`mechanism.params.<name>`" in text
        else:
            assert re.search(rf"`[^`]*\b{kind}\b[^`]*` \| ", text), f"bounds of '{kind}' not documented"


def test_evidence_ledger_lists_every_baseline_parameter() -> None:
    from sim.scenario import load_scenario
    from sim.scenario.parameters import given_parameters

    text = (DOCS / "evidence.md").read_text()
    baseline = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    missing = [p for p in given_parameters(baseline) if f"| `{p}` |" not in text]
    assert missing == []
    assert "**bare**" not in text.split("## What the library scenarios change")[0]


def _nav_pages(nav) -> list[str]:  # YAML structure
    pages = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_nav_is_organised_and_points_at_pages() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    sections = [next(iter(e)) for e in config["nav"] if isinstance(e, dict)]
    assert sections[1:] == ["Tutorials", "How-to guides", "Reference", "Background"]
    pages = _nav_pages(config["nav"])
    assert {"model.md", "mechanisms.md", "validation.md", "sweeps.md", "classroom.md"} <= set(pages)
    missing = [p for p in pages if not (DOCS / p).exists()]
    assert missing == [], f"pages in the nav of mkdocs.yml that do not exist: {missing}"
    listed = set(pages)
    unlisted = [str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md") if str(p.relative_to(DOCS)) not in listed]
    assert unlisted == [], f"pages missing from the nav in mkdocs.yml: {unlisted}"


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None,
                    reason="MKDOCS NOT INSTALLED: site build not checked (pip install -e '.[docs]')")
def test_site_builds_strictly(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "scenarios" / "index.html").exists()
