"""Experiments: seeded replications, run manifests (sweeps live in ``sim.experiments.sweeps``)."""

from sim.experiments.replication import ReplicationResult, run_replication
from sim.experiments.runner import RunResult, run
from sim.experiments.seeds import replication_seed

__all__ = ["ReplicationResult", "RunResult", "replication_seed", "run", "run_replication"]
