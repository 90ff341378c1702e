"""The tutorial notebooks run top to bottom on a python3 kernel, and are stored without outputs."""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))

# Optional modules a notebook needs beyond the core install (extra in pyproject in brackets).
REQUIRES: dict[str, list[str]] = {
    "03_sensitivity": ["SALib", "duckdb"],  # [sweeps]
}
RUNNER = ["nbclient", "nbformat", "ipykernel"]  # [notebooks]
TIMEOUT = 1800  # per cell: a guard against a hung kernel, not a speed target (speed lives in benchmarks/)


def _missing(modules: list[str]) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is None]


def _skip_loudly(reason: str) -> None:
    warnings.warn(reason, stacklevel=2)
    pytest.skip(reason)


def test_there_are_four_tutorials() -> None:
    assert {p.stem[:2] for p in PATHS} >= {"01", "02", "03", "04"}


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    book = json.loads(path.read_text())
    dirty = [i for i, cell in enumerate(book["cells"])
             if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert dirty == [], f"{path.name}: cells {dirty} carry outputs; strip them before committing"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_uses_only_the_public_api(path: Path) -> None:
    """Notebooks import the documented faces, never the internals (underscored names)."""
    book = json.loads(path.read_text())
    source = "\n".join("".join(c["source"]) for c in book["cells"] if c["cell_type"] == "code")
    assert "import _" not in source and "._" not in source.replace("__version__", "")


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    missing = _missing(RUNNER)
    if missing:
        _skip_loudly(f"NOTEBOOK NOT EXECUTED: {path.name} needs {missing} (pip install -e '.[notebooks]')")
    missing = _missing(REQUIRES.get(path.stem, []))
    if missing:
        _skip_loudly(f"NOTEBOOK NOT EXECUTED: {path.name} needs optional modules {missing} "
                     "(pip install -e '.[sweeps]')")
    import nbformat
    from nbclient import NotebookClient

    book = nbformat.read(path, as_version=4)
    client = NotebookClient(book, timeout=TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in book.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []
