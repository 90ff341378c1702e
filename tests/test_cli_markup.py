"""Text from files and paths prints as written in every command's output (issue 14 item 3): Rich markup in a
scenario title, question, path or error is escaped, so brackets neither vanish nor raise a MarkupError."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from sim.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
MARKUP = "keep [bold]the[/] bases [/x] or [red]not"
runner = CliRunner()


def child(folder: Path, name: str, **fields: object) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"schema": 1, "extends": str(BASELINE), "name": name, **fields}))
    return path


def test_scenarios_listing_prints_questions_and_errors_as_written(tmp_path):
    child(tmp_path, "marked", question=MARKUP)
    child(tmp_path, "broken", actors={"RUS": {"[/x]": 1}})
    result = runner.invoke(app, ["scenarios", str(tmp_path), "-n", "0"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "keep [bold]the[/] bases [/x] or" in flat
    assert "'[/x]'" in flat


def test_play_banner_prints_the_title_as_written(tmp_path, monkeypatch):
    from sim.classroom import server
    from sim.cli import play

    monkeypatch.setattr(server, "start", lambda *args, **kwargs: None)
    monkeypatch.setattr(play, "serve", lambda *args, **kwargs: None)
    scenario = child(tmp_path, "marked", title=MARKUP)
    result = runner.invoke(app, ["play", str(scenario), "--log", str(tmp_path / "s[/x].jsonl")])
    assert result.exit_code == 0, result.output
    assert MARKUP in result.output and "s[/x].jsonl" in result.output


def test_missing_data_is_skipped_with_its_path_as_written(tmp_path):
    missing = tmp_path / "[/x]" / "deu3.csv"
    result = runner.invoke(app, ["validate-external", "deu", "--data", str(missing), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "[/x]" in " ".join(result.stderr.split())
