"""The random stream of one replication."""

from __future__ import annotations

import numpy as np


def replication_generator(seed: int | np.random.SeedSequence | None) -> np.random.Generator:
    """The generator every draw of one replication comes from (sampling, events, proposers).

    A SeedSequence or an integer always gives the same stream; None draws fresh entropy.
    """
    return np.random.default_rng(seed)
