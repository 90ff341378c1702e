"""The all-model baseline: the same scenario played by the model alone, run in a background thread.

It uses the session's seed stream: replication ``k`` gets ``SeedSequence(seed, spawn_key=(k,))``, and the
class's game is played on replication 0's draw, so baseline replication 0 is the model-alone counterfactual of
the very game the class played, and the others give the distribution the class's outcome is compared with.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.seeds import replication_seed


def game_seed(seed: int) -> np.random.SeedSequence:
    """Seed of the class's own game: replication 0 of the session's seed stream."""
    return replication_seed(seed, 0)


class Baseline(threading.Thread):
    """``sim.run(scenario, n, seed)`` in the background; ``replications`` is None until it is done."""

    def __init__(self, scenario: str | Path, seed: int, n: int = 200) -> None:
        super().__init__(name="classroom-baseline", daemon=True)
        self.scenario, self.seed, self.n = Path(scenario), int(seed), int(n)
        self.done_count = 0
        self.replications: pd.DataFrame | None = None
        self.error: str | None = None

    def run(self) -> None:
        import sim

        try:
            result = sim.run(self.scenario, n=self.n, seed=self.seed, trajectories=False,
                             progress=self._progress)
            self.replications = result.replications
        except Exception as exc:  # shown on the debrief page instead of crashing the server
            self.error = f"{type(exc).__name__}: {exc}"

    def _progress(self, done: int, total: int) -> None:
        self.done_count = done

    @property
    def ready(self) -> bool:
        return self.replications is not None

    def status(self) -> dict[str, Any]:
        return {"n": self.n, "done": self.done_count, "ready": self.ready, "error": self.error}
