"""Experiments: seeded replications, run manifests (sweeps live in ``sim.sweeps``).

Names load on first use, so ``sim --version`` (which reads :mod:`sim.experiments.manifest`) does not import the
engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.core.seeds import replication_seed
    from sim.experiments.replication import ReplicationResult, run_replication
    from sim.experiments.runner import RunResult, run

_PUBLIC: dict[str, str] = {
    "replication_seed": "sim.core.seeds",
    "ReplicationResult": "sim.experiments.replication",
    "run_replication": "sim.experiments.replication",
    "RunResult": "sim.experiments.runner",
    "run": "sim.experiments.runner",
}

__all__ = ["ReplicationResult", "RunResult", "replication_seed", "run", "run_replication"]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim.experiments' has no attribute {name!r}")
