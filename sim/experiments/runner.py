"""Monte Carlo replications of one scenario: the engine behind ``sim run`` and ``sim.run``."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.core.seeds import replication_seed
from sim.core.utility import utilities
from sim.errors import SimError
from sim.experiments.batch import RoundHistory, run_batch_recorded
from sim.experiments.manifest import make_manifest, resolved_scenario
from sim.experiments.processes import warm_context
from sim.experiments.replication import run_replication
from sim.experiments.tables import issue_means, month_table, outcome_table
from sim.experiments.tables_io import write_table
from sim.mechanisms.registry import check_scenario_mechanism
from sim.mechanisms.registry import get as get_mechanism
from sim.scenario.compiled import CompiledScenario, compile_scenario
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

Progress = Callable[[int, int], None]
BATCH_SIZE = 4096
"""Replications per numpy batch. Each simulated month costs a fixed ~5-10 ms of numpy calls whatever the batch
size (the equilibrium solve), and runs still talking keep the batch going for every month, so large batches
amortise it: 0.85 ms per baseline replication at 5,000 against 1.25 ms at 1,024 and 6 ms at 60 (CPU, load ~12)."""
TRAJECTORY_RUNS = 200
"""Replications whose per-round tables ``sim run`` keeps by default (all rows come from the batch path)."""


@dataclass
class RunResult:
    """Everything one ``sim run`` produces, as pandas DataFrames plus the manifest."""

    scenario: Scenario
    replications: pd.DataFrame
    rounds: pd.DataFrame
    trajectories: pd.DataFrame
    manifest: dict[str, Any]
    horizon: int | None = None
    months: tuple[int, ...] = ()
    table: pd.DataFrame = field(init=False)
    means: pd.DataFrame = field(init=False)
    by_month: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.table = outcome_table(self.replications, month=self.horizon)
        self.means = issue_means(self.replications)
        self.by_month = month_table(self.replications, list(self.months))

    def save(self, out: str | Path, formats: tuple[str, ...] = ("parquet",)) -> Path:
        """Write the tables (Parquet, plus ``csv`` / ``xlsx`` when asked), the outcome table as CSV and the
        manifest as JSON into ``out``. The per-round tables are left out when they are empty."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        formats = tuple(dict.fromkeys(("parquet", *formats)))
        tables = {"replications": self.replications, "rounds": self.rounds, "trajectories": self.trajectories}
        for name, frame in tables.items():
            if name == "replications" or len(frame):  # no empty per-round files from a --no-trajectories run
                write_table(frame, out / name, formats)
        self.table.to_csv(out / "outcome_table.csv", index=False)
        if not self.by_month.empty:
            self.by_month.to_csv(out / "month_table.csv", index=False)
        self.means.to_csv(out / "issue_means.csv", index=False)
        (out / "manifest.json").write_text(json.dumps(self.manifest, indent=2, default=str) + "\n")
        return out


def run(scenario: str | Path | Scenario, n: int = 1000, seed: int = 0, mechanism: str | None = None,
        out: str | Path | None = None, overrides: dict[str, float] | None = None, trajectories: bool = True,
        progress: Progress | None = None, workers: int = 1, diagnostics: bool = False,
        months: tuple[int, ...] | list[int] = (), horizon: int | None = None,
        mechanism_params: dict[str, Any] | None = None, trajectory_runs: int = TRAJECTORY_RUNS,
        formats: tuple[str, ...] = ("parquet",)) -> RunResult:
    """Run ``n`` seeded replications of ``scenario`` and return (and, with ``out``, save) the results.

    Replication ``r`` always uses seed ``SeedSequence(seed, spawn_key=(r,))``, so ``workers`` (local processes)
    changes the speed, never the rows. Summary rows come from the batch path; ``trajectories`` adds per-round
    tables (rounds, positions) for the first ``trajectory_runs`` replications (their rows are identical on both
    paths). ``months`` adds the state at those months (``by_month``); ``horizon`` makes the outcome table the state
    at that month instead of at the end of the run - the game is the same either way. ``diagnostics=True`` adds
    Pareto-optimality and distance-to-Nash-point columns (slower). ``formats`` names the table formats written to
    ``out`` besides Parquet (``"csv"``, ``"xlsx"``).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if mechanism is not None:
        get_mechanism(mechanism)
    else:
        check_scenario_mechanism(scenario)  # the file's options, located, before any worker starts
    months = tuple(sorted({int(m) for m in months} | ({int(horizon)} if horizon else set())))
    bad = [m for m in months if not 1 <= m <= scenario.rounds]
    if bad:
        raise SimError(f"months {bad} lie outside the {scenario.rounds} months the scenario simulates "
                       "(raise `rounds` in the scenario to look further)")
    job = _Chunk(scenario, seed, mechanism, overrides, trajectories, diagnostics, months, mechanism_params,
                 trajectory_runs)
    bounds = _chunk_bounds(n, workers)
    parts: list[_ChunkResult] = []
    if workers == 1:
        parts = [job(start, stop, progress, n) for start, stop in bounds]
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_process_context()) as pool:
            futures = [pool.submit(job, start, stop) for start, stop in bounds]
            if progress is not None:
                progress(0, n)  # the workers are running: a caller may use the wait (e.g. to load its plotting)
            done = 0
            for future in futures:
                part = future.result()
                parts.append(part)
                done += len(part.frame)
                if progress is not None:
                    progress(done, n)
    compiled = job.compiled
    manifest = make_manifest(
        scenario=scenario.name, scenario_path=scenario.path, scenario_hash=scenario.hash, seed=seed,
        replications=n, mechanism=mechanism or scenario.mechanism.name, overrides=overrides or {},
        seed_scheme="SeedSequence(entropy=seed, spawn_key=(replication,))",
        mechanism_params=mechanism_params or {}, months=list(months), horizon=horizon,
        resolved_scenario=resolved_scenario(scenario))
    frames = [part.frame for part in parts]
    replications = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    round_rows = [row for part in parts for row in part.round_rows]
    positions = [p for part in parts for p in part.positions]
    result = RunResult(scenario, replications, pd.DataFrame(round_rows),
                       _trajectory_frame(positions, compiled), manifest, horizon, months)
    if out is not None:
        result.save(out, formats)
    return result


@dataclass
class _ChunkResult:
    rows: list[dict[str, Any]]  # one-model rows (diagnostics)
    round_rows: list[dict[str, Any]]
    positions: list[np.ndarray]
    tables: list[pd.DataFrame] = field(default_factory=list)  # batch-path rows, one table per batch
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)  # all rows as one table (what travels back)

    def add_history(self, rep: int, history: RoundHistory, compiled: CompiledScenario) -> None:
        """Replication ``rep``'s per-round rows and positions."""
        self.round_rows.extend(_round_rows(rep, history, compiled))
        self.positions.append(np.stack([r.positions for r in history.records]))

    def close(self) -> _ChunkResult:
        """All rows as one table (built where they were made: a table pickles far faster than dicts)."""
        tables = self.tables + ([pd.DataFrame(self.rows)] if self.rows else [])
        self.frame = tables[0] if len(tables) == 1 else pd.concat(tables, ignore_index=True)
        self.rows, self.tables = [], []
        return self


class _Chunk:
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

    def __call__(self, start: int, stop: int, progress: Progress | None = None, total: int = 0) -> _ChunkResult:
        if self.diagnostics:
            return self._detailed(start, stop, progress, total)
        part = _ChunkResult([], [], [])
        recorded = min(stop, self.trajectory_runs) if self.trajectories else start
        for first in range(start, stop, BATCH_SIZE):
            reps = range(first, min(stop, first + BATCH_SIZE))
            seeds = [replication_seed(self.seed, rep) for rep in reps]
            columns, histories = run_batch_recorded(
                self.compiled, seeds, [self.overrides] * len(seeds), mechanism=self.mechanism,
                mechanism_params=self.mechanism_params, months=self.months, record=max(0, recorded - first))
            part.tables.append(pd.DataFrame({"replication": list(reps), **columns}))
            for rep, history in zip(reps, histories, strict=False):
                part.add_history(rep, history, self.compiled)
            if progress is not None:
                progress(reps[-1] + 1, total)
        return part.close()

    def _detailed(self, start: int, stop: int, progress: Progress | None, total: int) -> _ChunkResult:
        """One model per replication, for the Pareto and Nash diagnostics (they need each run's end state)."""
        part = _ChunkResult([], [], [])
        for rep in range(start, stop):
            result = run_replication(self.compiled, replication_seed(self.seed, rep), overrides=self.overrides,
                                     mechanism=self.mechanism, record=self.trajectories,
                                     mechanism_params=self.mechanism_params)
            part.rows.append({"replication": rep, **result.summary(self.months), **result.diagnostics()})
            if self.trajectories:
                part.add_history(rep, RoundHistory(result.history, result.initial_position, result.salience),
                                 self.compiled)
            if progress is not None:
                progress(rep + 1, total)
        return part.close()


WARM_MODULES = ("sim.experiments.runner", "sim.experiments.batch", "sim.mechanisms.coercive", "sim.scenario")
"""What a forkserver imports once before it forks each worker (when forking this process is not safe)."""


def _process_context() -> multiprocessing.context.BaseContext:
    """Workers' start method by ``sim.experiments.processes``' rule (fork only with no other thread running)."""
    return warm_context(WARM_MODULES)


PARALLEL_FROM = 2000
"""Replications from which ``sim run`` uses every available core by default (below, starting processes costs more
than it saves)."""


def default_workers(n: int) -> int:
    """Worker processes ``sim run`` uses when none are named: one per available core for large runs, else one."""
    if n < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 8))


def _chunk_bounds(n: int, workers: int) -> list[tuple[int, int]]:
    if workers == 1:
        return [(0, n)]
    size = max(min(n, 1000), -(-n // (workers * 2)))  # two chunks per worker (balance), none tiny (fixed costs)
    return [(start, min(n, start + size)) for start in range(0, n, size)]


def _round_rows(rep: int, history: RoundHistory, compiled: CompiledScenario) -> list[dict[str, Any]]:
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


def _trajectory_frame(positions: list[np.ndarray], compiled: CompiledScenario) -> pd.DataFrame:
    """Long table: replication, round, actor, issue, position."""
    columns = ["replication", "round", "actor", "issue", "position"]
    if not positions:
        return pd.DataFrame(columns=columns)
    n_actors, n_issues = len(compiled.actor_ids), len(compiled.issue_ids)
    cells = n_actors * n_issues
    reps = np.concatenate([np.full(len(p) * cells, rep) for rep, p in enumerate(positions)])
    rounds = np.concatenate([np.repeat(np.arange(1, len(p) + 1), cells) for p in positions])
    flat = np.concatenate([p.reshape(-1) for p in positions])
    total_rows = flat.size // cells
    actors = np.tile(np.repeat(np.array(compiled.actor_ids, dtype=object), n_issues), total_rows)
    issues = np.tile(np.array(compiled.issue_ids, dtype=object), total_rows * n_actors)
    return pd.DataFrame({"replication": reps, "round": rounds,
                         "actor": pd.Categorical(actors, categories=list(compiled.actor_ids)),
                         "issue": pd.Categorical(issues, categories=list(compiled.issue_ids)), "position": flat})
