"""Seed derivation, all of it: every random draw flows from one integer seed through numpy's SeedSequence.

The scheme (docs/sweeps.md, "Seeds", says the same for users):

* ``sim run`` / :func:`sim.run`, ``sim compare``, the explorer and the classroom baseline: replication ``r``
  draws from :func:`replication_seed` ``(seed, r)`` = ``SeedSequence(seed, spawn_key=(r,))``.
* a sweep: run ``(point, rep)`` draws from the integer :func:`sweep_run_seed` ``(seed, point, rep)`` =
  ``SeedSequence(seed, spawn_key=(point, rep)).generate_state(1, uint64)[0] >> 1``, stored in the run's ``seed``
  column so any row can be re-run alone (mechanism arms share their design point's seeds).
* the external validation (DEU): :func:`spawned` children of ``SeedSequence(seed)``, one per proposal, each
  spawning one per method.

Keys address a stream by its place, never by scheduling order, so any executor or worker count gives the same
rows. A one-point sweep and ``sim run`` do not share streams (key ``(0, r)`` against ``(r,)``); docs/sweeps.md
says why.
"""

from __future__ import annotations

import numpy as np

Seed = int | np.random.SeedSequence


def replication_seed(seed: int, *key: int) -> np.random.SeedSequence:
    """Child seed for replication ``key`` (e.g. (rep,) or (point, rep)) of a run seeded with ``seed``.

    Equal to ``SeedSequence(seed).spawn(...)`` children, but addressable by key, so results never depend on the
    order in which replications are scheduled.
    """
    return np.random.SeedSequence(entropy=seed, spawn_key=tuple(int(k) for k in key))


def sweep_run_seed(sweep_seed: int, point: int, rep: int) -> int:
    """The seed of one sweep run: a non-negative 63-bit integer from ``(sweep_seed, point, rep)``."""
    state = replication_seed(sweep_seed, point, rep).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def spawned(seed: int | np.random.SeedSequence, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent children of ``seed`` (in order)."""
    parent = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return parent.spawn(n)


def replication_generator(seed: Seed | None) -> np.random.Generator:
    """The generator every draw of one replication comes from (sampling, events, proposers).

    A SeedSequence or an integer always gives the same stream; None draws fresh entropy.
    """
    return np.random.default_rng(seed)
