"""A contiguous range of ``sim run``'s replications, run where it is sent (this process or a worker)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.core.seeds import replication_seed
from sim.core.utility import utilities
from sim.experiments.batch import RoundHistory, run_batch_recorded
from sim.scenario.compiled import CompiledScenario, compile_scenario
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[int, int], None]
BATCH_SIZE = 4096
"""Replications per numpy batch. Each simulated month costs a fixed ~5-10 ms of numpy calls whatever the batch
size (the equilibrium solve), and runs still talking keep the batch going for every month, so large batches
amortise it: 0.85 ms per baseline replication at 5,000 against 1.25 ms at 1,024 and 6 ms at 60 (CPU, load ~12)."""
TRAJECTORY_RUNS = 200
"""Replications whose per-round tables ``sim run`` keeps by default (all rows come from the batch path)."""


@dataclass
class ChunkResult:
    """What one chunk sends back: its rows as plain columns (one mapping per batch), per-round rows and positions
    of its recorded replications. No pandas here: worker processes start before the main process has loaded it,
    and :meth:`frame` builds the table there."""

    round_rows: list[dict[str, Any]] = field(default_factory=list)
    positions: list[np.ndarray] = field(default_factory=list)
    tables: list[dict[str, list[Any]]] = field(default_factory=list)  # batch-path columns, one mapping per batch
    count: int = 0  # replications in the chunk

    def add_history(self, rep: int, history: RoundHistory, compiled: CompiledScenario) -> None:
        """Replication ``rep``'s per-round rows and positions."""
        self.round_rows.extend(round_rows(rep, history, compiled))
        self.positions.append(np.stack([r.positions for r in history.records]))

    def frame(self) -> pd.DataFrame:
        """All rows as one table (one table per batch, then joined)."""
        import pandas as pd

        tables = [pd.DataFrame(columns) for columns in self.tables]
        return tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)


class Chunk:
    """Runs a contiguous range of replications (picklable, for worker processes)."""

    def __init__(self, scenario: Scenario, seed: int, mechanism: str | None, overrides: dict[str, float] | None,
                 trajectories: bool, diagnostics: bool = False, months: tuple[int, ...] = (),
                 mechanism_params: dict[str, Any] | None = None, trajectory_runs: int = TRAJECTORY_RUNS) -> None:
        self.scenario, self.seed, self.mechanism = scenario, seed, mechanism
        self.overrides, self.trajectories, self.diagnostics = overrides, trajectories, diagnostics
        self.months, self.mechanism_params, self.trajectory_runs = months, mechanism_params, trajectory_runs
        self._compiled: CompiledScenario | None = None

    @property
    def compiled(self) -> CompiledScenario:
        if self._compiled is None:
            self._compiled = compile_scenario(self.scenario)
        return self._compiled

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_compiled": None}

    def __call__(self, start: int, stop: int, progress: Progress | None = None, total: int = 0) -> ChunkResult:
        part = ChunkResult(count=stop - start)
        recorded = min(stop, self.trajectory_runs) if self.trajectories else start
        for first in range(start, stop, BATCH_SIZE):
            reps = range(first, min(stop, first + BATCH_SIZE))
            seeds = [replication_seed(self.seed, rep) for rep in reps]
            columns, histories = run_batch_recorded(
                self.compiled, seeds, [self.overrides] * len(seeds), mechanism=self.mechanism,
                mechanism_params=self.mechanism_params, months=self.months, record=max(0, recorded - first),
                diagnostics=self.diagnostics)
            part.tables.append({"replication": list(reps), **columns})
            for rep, history in zip(reps, histories, strict=False):
                part.add_history(rep, history, self.compiled)
            if progress is not None:
                progress(reps[-1] + 1, total)
        return part


def round_rows(rep: int, history: RoundHistory, compiled: CompiledScenario) -> list[dict[str, Any]]:
    """Replication ``rep``'s per-round rows: proposer, offer, each actor's utility of it, events, status."""
    rows = []
    initial, salience = history.initial_position, history.salience
    for record in history.records:
        row: dict[str, Any] = {
            "replication": rep, "round": record.round, "agreed": record.agreed, "status": record.status,
            "proposer": compiled.actor_ids[record.proposer] if record.proposer is not None else None,
            "events": ";".join(e.event_id for e in record.events),
        }
        for j, issue in enumerate(compiled.issue_ids):
            row[f"offer.{issue}"] = float(record.offer[j]) if record.offer is not None else np.nan
        if record.offer is not None:
            values = utilities(initial, salience, record.offer)
            for i, actor in enumerate(compiled.actor_ids):
                row[f"offer_utility.{actor}"] = float(values[i])
        rows.append(row)
    return rows
