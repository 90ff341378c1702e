"""Experiments: seeded replications, run manifests (sweeps live in ``sim.sweeps``)."""

from sim.core.seeds import replication_seed
from sim.experiments.replication import ReplicationResult, run_replication
from sim.experiments.runner import RunResult, run

__all__ = ["ReplicationResult", "RunResult", "replication_seed", "run", "run_replication"]
