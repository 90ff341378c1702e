"""Experiments: seeded replications, run manifests (sweeps live in ``sim.sweeps``).

Names load on first use, so ``sim --version`` (which reads :mod:`sim.experiments.manifest`) does not import the
engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.lazy import lazy_names

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
__getattr__ = lazy_names(__name__, _PUBLIC)
