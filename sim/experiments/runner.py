"""Monte Carlo replications of one scenario: the engine behind ``sim run`` and ``sim.run``."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.errors import SimError
from sim.experiments.chunks import BATCH_SIZE, TRAJECTORY_RUNS, Chunk, ChunkResult, Progress
from sim.experiments.manifest import make_manifest, resolved_scenario
from sim.experiments.processes import warm_context
from sim.mechanisms.registry import check_scenario_mechanism
from sim.mechanisms.registry import get as get_mechanism
from sim.scenario.compiled import CompiledScenario
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BATCH_SIZE", "TRAJECTORY_RUNS", "RunResult", "default_workers", "run"]
# pandas is imported where tables are made, after any worker process has started: forked workers need none of
# it, and the main process loads it while they run


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
        from sim.experiments.tables import issue_means, month_table, outcome_table

        self.table = outcome_table(self.replications, month=self.horizon)
        self.means = issue_means(self.replications)
        self.by_month = month_table(self.replications, list(self.months))

    def save(self, out: str | Path, formats: tuple[str, ...] = ("parquet",)) -> Path:
        """Write the tables (Parquet, plus ``csv`` / ``xlsx`` when asked), the outcome table as CSV and the
        manifest as JSON into ``out``. The per-round tables are left out when they are empty."""
        from sim.experiments.tables_io import write_table

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
        formats: tuple[str, ...] = ("parquet",),
        on_trajectories: Callable[[pd.DataFrame], object] | None = None) -> RunResult:
    """Run ``n`` seeded replications of ``scenario`` and return (and, with ``out``, save) the results.

    Replication ``r`` always uses seed ``SeedSequence(seed, spawn_key=(r,))``, so ``workers`` (local processes)
    changes the speed, never the rows. Summary rows come from the batch path; ``trajectories`` adds per-round
    tables (rounds, positions) for the first ``trajectory_runs`` replications (their rows are identical on both
    paths). ``months`` adds the state at those months (``by_month``); ``horizon`` makes the outcome table the state
    at that month instead of at the end of the run - the game is the same either way. ``diagnostics=True`` adds
    Pareto-optimality and distance-to-Nash-point columns (slower). ``formats`` names the table formats written to
    ``out`` besides Parquet (``"csv"``, ``"xlsx"``). ``on_trajectories`` is called with the positions table (the
    result's ``trajectories``) as soon as the chunks holding the recorded replications are in, while worker
    processes still run the others (``sim run`` draws its trajectories figure then).
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
    job = Chunk(scenario, seed, mechanism, overrides, trajectories, diagnostics, months, mechanism_params,
                trajectory_runs)
    bounds = _chunk_bounds(n, workers)
    recorded = sum(1 for start, _ in bounds if start < trajectory_runs) if trajectories else 0
    parts: list[ChunkResult] = []
    positions_table: list[pd.DataFrame] = []

    def arrived(part: ChunkResult) -> None:  # chunks come back in order
        parts.append(part)
        if len(parts) == recorded:
            positions_table.append(_trajectory_frame([p for done in parts for p in done.positions], job.compiled))
            if on_trajectories is not None:
                on_trajectories(positions_table[0])

    if workers == 1:
        for start, stop in bounds:
            arrived(job(start, stop, progress, n))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_process_context()) as pool:
            futures = [pool.submit(job, start, stop) for start, stop in bounds]
            if progress is not None:
                progress(0, n)  # the workers are running: a caller may use the wait (e.g. to load its plotting)
            done = 0
            for future in futures:
                part = future.result()
                done += part.count
                if progress is not None:
                    progress(done, n)
                arrived(part)
    compiled = job.compiled
    manifest = make_manifest(
        scenario=scenario.name, scenario_path=scenario.path, scenario_hash=scenario.hash, seed=seed,
        replications=n, mechanism=mechanism or scenario.mechanism.name, overrides=overrides or {},
        seed_scheme="SeedSequence(entropy=seed, spawn_key=(replication,))",
        mechanism_params=mechanism_params or {}, months=list(months), horizon=horizon,
        resolved_scenario=resolved_scenario(scenario))
    trajectory_table = positions_table[0] if positions_table else _trajectory_frame([], compiled)
    result = assemble(scenario, parts, trajectory_table, manifest, horizon, months)
    if out is not None:
        result.save(out, formats)
    return result


def assemble(scenario: Scenario, parts: list[ChunkResult], positions: pd.DataFrame, manifest: dict[str, Any],
             horizon: int | None = None, months: tuple[int, ...] = ()) -> RunResult:
    """The run's result from its chunks in order and its positions table (``_trajectory_frame``)."""
    import pandas as pd

    frames = [part.frame() for part in parts]
    replications = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    round_rows = [row for part in parts for row in part.round_rows]
    return RunResult(scenario, replications, pd.DataFrame(round_rows), positions, manifest, horizon, months)


WARM_MODULES = ("sim.experiments.chunks", "sim.experiments.batch", "sim.mechanisms.coercive", "sim.scenario")
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


def _trajectory_frame(positions: list[np.ndarray], compiled: CompiledScenario) -> pd.DataFrame:
    """Long table: replication, round, actor, issue, position."""
    import pandas as pd

    columns = ["replication", "round", "actor", "issue", "position"]
    if not positions:
        return pd.DataFrame(columns=columns)
    n_actors, n_issues = len(compiled.actor_ids), len(compiled.issue_ids)
    cells = n_actors * n_issues
    reps = np.concatenate([np.full(len(p) * cells, rep) for rep, p in enumerate(positions)])
    rounds = np.concatenate([np.repeat(np.arange(1, len(p) + 1), cells) for p in positions])
    flat = np.concatenate([p.reshape(-1) for p in positions])
    total_rows = flat.size // cells
    actors = np.tile(np.repeat(np.arange(n_actors, dtype=np.int8 if n_actors < 128 else np.int32), n_issues),
                     total_rows)  # the categories' codes: no string is hashed
    issues = np.tile(np.arange(n_issues, dtype=np.int8 if n_issues < 128 else np.int32), total_rows * n_actors)
    return pd.DataFrame({"replication": reps, "round": rounds,
                         "actor": pd.Categorical.from_codes(actors, categories=list(compiled.actor_ids)),
                         "issue": pd.Categorical.from_codes(issues, categories=list(compiled.issue_ids)),
                         "position": flat})
