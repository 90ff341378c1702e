"""The package graph: imports point down the layers only, faces stay on top, and the CLI starts without the engine.

Imports are read from the source (ast), every ``import`` counted, also those inside functions and under
``TYPE_CHECKING``: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"

#: Bottom to top. A unit is a package or module under ``sim`` (the longest listed prefix wins); a unit may import
#: units of its own layer or below, never above. ``sim`` itself is the public API (``sim/__init__.py``).
LAYERS: list[set[str]] = [
    {"sim.core", "sim.errors", "sim.names", "sim.lazy"},  # ground floor
    {"sim.scenario"},
    {"sim.policies", "sim.outcomes"},
    {"sim.mechanisms"},
    {"sim.model"},
    {"sim.experiments", "sim.sweeps"},
    {"sim"},  # the public API (run, compare, load_scenario, ...), which analyses and faces may use
    {"sim.sweeps.plots", "sim.sweeps.report", "sim.sweeps.report_notes", "sim.plots", "sim.validation"},
    {"sim.classroom", "sim.explore"},
    {"sim.cli", "sim.__main__"},  # `python -m sim` is the CLI's entry
]
LEVEL = {unit: level for level, units in enumerate(LAYERS) for unit in units}
#: the engine a bare ``import`` of the CLI or the public API must not load
HEAVY = ("mesa", "pandas", "scipy", "networkx", "matplotlib")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str | None:
    parts = module.split(".")
    for cut in range(len(parts), 0, -1):
        if ".".join(parts[:cut]) in LEVEL:
            return ".".join(parts[:cut])
    return None


def _sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(SIM.rglob("*.py"))}


def _imports(path: Path, text: str) -> list[tuple[str, int]]:
    """(imported module, line) for every import in ``text`` (the source of ``path``) that names a ``sim`` module."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from sim.x import y` may name a submodule y: count the deeper unit when there is one
            names = [f"{base}.{alias.name}" if _unit(f"{base}.{alias.name}") != _unit(base) else base
                     for alias in node.names]
        else:
            continue
        found += [(name, node.lineno) for name in names if name == "sim" or name.startswith("sim.")]
    return found


def _edges(sources: dict[Path, str] | None = None) -> list[tuple[str, str, str]]:
    """(importing unit, imported unit, where) for every import between two different units."""
    edges = []
    for path, text in (sources or _sources()).items():
        source = _unit(_module_name(path))
        for target, line in _imports(path, text):
            unit = _unit(target)
            if unit != source:
                edges.append((source, unit, f"{path.relative_to(ROOT)}:{line} imports {target}"))
    return edges


def test_every_module_belongs_to_a_layer():
    strays = [str(p.relative_to(ROOT)) for p in SIM.rglob("*.py") if _unit(_module_name(p)) is None]
    assert not strays, f"add these to a layer in LAYERS: {strays}"


def test_imports_point_down_the_layers_only():
    upward = [where for source, target, where in _edges() if LEVEL[target] > LEVEL[source]]
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_units_on_one_layer_form_no_loop():
    graph: dict[str, set[str]] = {}
    for source, target, _ in _edges():
        graph.setdefault(source, set()).add(target)

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    loops = sorted(unit for unit in graph if unit in reachable(unit))
    assert not loops, f"package loops through: {loops}"


def test_nothing_outside_the_cli_imports_the_cli():
    outside = [where for source, target, where in _edges()
               if target == "sim.cli" and source not in ("sim.cli", "sim.__main__")]
    assert not outside, "\n".join(outside)


def test_the_layer_test_sees_an_upward_import():
    """The checker itself: a module that reaches up is reported (so a pass above means something)."""
    probe = {SIM / "scenario" / "probe.py": "def f():\n    from sim.mechanisms.registry import create\n",
             SIM / "core" / "probe.py": "from .. import cli\n"}
    upward = [where for source, target, where in _edges(probe) if LEVEL[target] > LEVEL[source]]
    assert upward == ["sim/scenario/probe.py:2 imports sim.mechanisms.registry", "sim/core/probe.py:1 imports sim.cli"]


@pytest.mark.parametrize("statement", [
    "import sim", "import sim.cli.main", "import sim.experiments.manifest",
    "import sim.cli.run_cmd, sim.experiments.runner; sim.cli.formats.split_formats('parquet,csv,xlsx,png,pdf')"])
def test_light_imports_do_not_load_the_engine(statement):
    """``sim --help`` / ``--version`` and ``import sim`` must not pull in Mesa, pandas, SciPy, networkx, matplotlib;
    nor may what ``sim run`` does before its worker processes start (they are forked before pandas is loaded)."""
    code = f"import sys; {statement}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120, check=True)
    loaded = set(proc.stdout.split())
    assert "sim" in loaded
    assert not loaded & set(HEAVY), f"{statement} loads {sorted(loaded & set(HEAVY))}"


def test_public_api_names_still_resolve():
    import sim

    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
    assert sim.outcomes.CATEGORIES  # a subpackage is reachable as an attribute, imported on first use
    with pytest.raises(AttributeError):
        sim.no_such_name  # noqa: B018
