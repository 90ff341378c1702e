"""Stakeholder negotiation simulator: the fate of Russia's bases in Syria after Assad.

Public API (pandas out): :func:`load_scenario`, :func:`run`, :func:`compare`, :func:`compile_scenario`.

The names are loaded on first use (module ``__getattr__``), so ``import sim`` and ``sim --help`` stay light:
the engine (Mesa, pandas, SciPy, networkx) is imported only when a run needs it.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.lazy import lazy_names

if TYPE_CHECKING:
    from sim.experiments.compare import Comparison, compare
    from sim.experiments.runner import RunResult, run
    from sim.scenario import compile_scenario, evidence_report, load_scenario

#: public name -> the module that defines it
_PUBLIC: dict[str, str] = {
    "Comparison": "sim.experiments.compare",
    "compare": "sim.experiments.compare",
    "RunResult": "sim.experiments.runner",
    "run": "sim.experiments.runner",
    "compile_scenario": "sim.scenario",
    "evidence_report": "sim.scenario",
    "load_scenario": "sim.scenario",
}

_public = lazy_names(__name__, _PUBLIC)

__all__ = ["Comparison", "RunResult", "__version__", "compare", "compile_scenario", "evidence_report", "load_scenario",
           "run"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from sim.experiments.manifest import package_version

        return package_version()
    if name in _PUBLIC:
        return _public(name)
    if not name.startswith("_") and (Path(__file__).parent / name).is_dir():  # `sim.scenario.X` without an import
        return import_module(f"sim.{name}")
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
