"""Seed derivation: every random draw flows from one integer seed through numpy's SeedSequence."""

from __future__ import annotations

import numpy as np


def replication_seed(seed: int, *key: int) -> np.random.SeedSequence:
    """Child seed for replication ``key`` (e.g. (rep,) or (point, rep)) of a run seeded with ``seed``.

    Equal to ``SeedSequence(seed).spawn(...)`` children, but addressable by key, so results never depend on the
    order in which replications are scheduled.
    """
    return np.random.SeedSequence(entropy=seed, spawn_key=tuple(int(k) for k in key))
