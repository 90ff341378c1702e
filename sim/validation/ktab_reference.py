"""Replay KTAB's own SMP reference runs and compare with KTAB's logged results.

The fixtures (``tests/fixtures/ktab/*.json``, see the README there) hold the inputs and the logged results of
three reference runs shipped with KTAB (github.com/lsyaseen/KTAB, commit 3b5b0635, ``examples/smp/doc``, MIT):
``SOE-Pol-Comp`` (13 actors, 2 dimensions) and ``dummyData_3Dim`` (7 actors, 3 dimensions), both deterministic,
and ``smpExample`` (5 actors, 3 dimensions, ideals that lag positions, stochastic state transitions with seed
03507583219545544127). KTAB runs actors on threads, so a stochastic run is fixed by its seed *and* its thread
schedule (the order of each actor's bargain list and of the actors' draws); the smpExample log records that
schedule and :func:`replay` follows it, drawing from KTAB's own generator (:mod:`sim.mechanisms.ktab_prng`).

Compared per run: every actor's final position on every dimension, and the expected outcome (the
probability-weighted mean of the distinct final positions, with KTAB's outcome probabilities). KTAB's log gives
positions to 0.1 and probabilities to 1e-4, so the reference expected outcome is formed from those printed values;
actors with the same printed probability and positions within printing error count as one position.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import SimError
from sim.mechanisms.ktab_engine import (
    Bargain,
    SMPActors,
    SMPOptions,
    SMPTurnState,
    StopRule,
    TurnRecord,
    run,
)
from sim.mechanisms.ktab_prng import KTABStream, prob_sel

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNS = ("SOE-Pol-Comp", "dummyData_3Dim", "smpExample")
CITATION = "KTAB (KAPSARC), github.com/lsyaseen/KTAB commit 3b5b0635, examples/smp/doc reference runs, MIT licence"
_PARAM_FIELDS = {"VictoryProbModel": "victory_prob_model", "PCEModel": "pce_model",
                 "StateTransitions": "state_transitions", "VotingRule": "voting_rule", "BigRRange": "big_r_range",
                 "BigRAdjust": "big_r_adjust", "ThirdPartyCommit": "third_party_commit",
                 "InterVecBrgn": "inter_vec_brgn", "BargnModel": "bargn_model"}


def default_dir() -> Path:
    return REPO_ROOT / "tests" / "fixtures" / "ktab"


@dataclass
class ReferenceRun:
    """One KTAB reference run: inputs (0-100 scales), KTAB's parameters and its logged results."""

    name: str
    dimensions: list[str]
    actors: list[str]
    capability: np.ndarray
    position: np.ndarray  # (N, D), 0-100
    salience: np.ndarray  # (N, D), 0-100 (shares of attention)
    accommodation: np.ndarray  # (N, N)
    options: SMPOptions
    seed: int
    steps: int  # turns KTAB played before its stopping rule fired
    ref_positions: np.ndarray  # (N, D, steps + 1), as logged (0.1 resolution)
    ref_win_probability: np.ndarray  # (N, steps + 1), as logged
    schedule: list[dict[str, Any]] = field(default_factory=list)

    def initial_state(self) -> SMPTurnState:
        actors = SMPActors(self.capability, self.salience / 100.0, self.accommodation)
        pos = self.position / 100.0
        return SMPTurnState(pos, pos.copy(), actors, self.options)


def load_run(name: str, folder: Path | None = None) -> ReferenceRun:
    path = (folder or default_dir()) / f"{name}.json"
    if not path.is_file():
        raise SimError(f"KTAB reference fixture not found: {path}")
    raw = json.loads(path.read_text())
    n = len(raw["actors"])
    acc = np.eye(n)
    for i, j, value in raw["accommodation"]:
        acc[i, j] = value
    ref = raw["reference"]
    return ReferenceRun(
        name=raw["name"], dimensions=raw["dimensions"], actors=[a["name"] for a in raw["actors"]],
        capability=np.array([a["capability"] for a in raw["actors"]], dtype=float),
        position=np.array([a["position"] for a in raw["actors"]], dtype=float),
        salience=np.array([a["salience"] for a in raw["actors"]], dtype=float),
        accommodation=acc,
        options=SMPOptions(**{_PARAM_FIELDS[k]: v for k, v in raw["parameters"].items()}),
        seed=int(raw["seed"]), steps=int(ref["steps"]),
        ref_positions=np.array(ref["positions"], dtype=float),
        ref_win_probability=np.array(ref["win_probability"], dtype=float),
        schedule=raw.get("schedule", []))


@dataclass
class Replay:
    """Our run of a reference case."""

    run: ReferenceRun
    history: list[SMPTurnState]
    records: list[TurnRecord]

    @property
    def positions(self) -> np.ndarray:
        """(N, D, turns + 1) on 0-100."""
        return np.stack([s.position for s in self.history], axis=2) * 100.0

    @property
    def win_probability(self) -> np.ndarray:
        return np.stack([s.win_probabilities() for s in self.history], axis=1)

    def expected_outcome(self) -> np.ndarray:
        return self.history[-1].expected_outcome() * 100.0

    def lists_mismatched(self) -> int:
        """Turns x actors where our bargain list (as initiator:receiver pairs, in order) differs from the log."""
        bad = 0
        for rec, logged in zip(self.records, self.run.schedule, strict=False):
            for k, pairs in logged["lists"].items():
                ours = [[int(k), int(k)] if b is None else [b.init, b.rcvr] for b in rec.lists[int(k)]]
                bad += ours != pairs
        return bad

    def schedule_mismatches(self) -> int:
        """Turns x actors where our chosen bargain differs from the logged choice (stochastic runs only)."""
        bad = 0
        for rec, logged in zip(self.records, self.run.schedule, strict=False):
            bad += sum(rec.chosen[int(k)] != m for k, m in logged["chosen"].items())
        return bad


def replay(run_: ReferenceRun) -> Replay:
    """Run KTAB's SMP on the reference inputs with its parameters and stopping rule (and, for a stochastic run,
    its seed and logged thread schedule)."""
    chooser, schedule = None, None
    if run_.options.state_transitions == "Stochastic":
        stream = KTABStream(run_.seed)
        chooser = lambda p: prob_sel(p, stream.uniform())  # noqa: E731
        schedule = _schedule(run_.schedule)
    history, records = run(run_.initial_state(), StopRule(), chooser, schedule)
    return Replay(run_, history, records)


def _schedule(logged: list[dict[str, Any]]):
    def for_turn(turn: int) -> tuple:
        if turn >= len(logged):
            return None, None
        lists = logged[turn]["lists"]

        def order(k: int, lst: list[Bargain | None]) -> list[Bargain | None]:
            key = {((k, k) if b is None else (b.init, b.rcvr)): b for b in lst}
            wanted = [tuple(pair) for pair in lists[str(k)]]
            if sorted(wanted) != sorted(key):
                return lst  # our bargains differ from the logged ones: keep ours (shows up as a mismatch)
            return [key[pair] for pair in wanted]

        return order, logged[turn]["draw_order"]

    return for_turn


def reference_expected_outcome(run_: ReferenceRun) -> np.ndarray:
    """Expected outcome from the logged final positions and probabilities (see the module docstring)."""
    x, p = run_.ref_positions[:, :, -1], run_.ref_win_probability[:, -1]
    slack = 0.1 + 0.1 * np.sqrt(x.shape[1])  # KTAB's 0.1 equivalence plus printing error of two points
    uniq: list[int] = []
    for i in range(len(p)):
        if not any(p[i] == p[k] and np.linalg.norm(x[i] - x[k]) < slack for k in uniq):
            uniq.append(i)
    return p[uniq] @ x[uniq] / p[uniq].sum()


def compare(run_: ReferenceRun, ours: Replay | None = None) -> pd.DataFrame:
    """One row per (run, dimension, quantity): reference, ours, difference (0-100 scale)."""
    ours = ours or replay(run_)
    rows = []
    final = ours.positions[:, :, -1]
    for d, dim in enumerate(run_.dimensions):
        rows.append({"run": run_.name, "dimension": dim, "quantity": "expected outcome",
                     "reference": float(reference_expected_outcome(run_)[d]),
                     "ours": float(ours.expected_outcome()[d])})
        for i, actor in enumerate(run_.actors):
            rows.append({"run": run_.name, "dimension": dim, "quantity": f"final position {actor}",
                         "reference": float(run_.ref_positions[i, d, -1]), "ours": float(final[i, d])})
    table = pd.DataFrame(rows)
    table["difference"] = table["ours"] - table["reference"]
    return table


def summary(folder: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(detail, per-run summary) for every reference run: turns played, largest position difference over the
    whole logged history, largest final difference, expected-outcome difference, logged choices matched."""
    details, rows = [], []
    for name in RUNS:
        ref = load_run(name, folder)
        ours = replay(ref)
        table = compare(ref, ours)
        details.append(table)
        same_len = ours.positions.shape[2] == ref.ref_positions.shape[2]
        hist = float(np.abs(ours.positions - ref.ref_positions).max()) if same_len else float("nan")
        exp = table[table["quantity"] == "expected outcome"]
        rows.append({"run": name, "actors": len(ref.actors), "dimensions": len(ref.dimensions),
                     "turns_reference": ref.steps, "turns_ours": len(ours.records),
                     "max_abs_diff_final": float(table["difference"].abs().max()),
                     "max_abs_diff_history": hist,
                     "max_abs_diff_expected": float(exp["difference"].abs().max()),
                     "max_abs_diff_probability": float(np.abs(ours.win_probability - ref.ref_win_probability).max())
                     if same_len else float("nan"),
                     "lists_mismatched": ours.lists_mismatched(),
                     "choices_mismatched": ours.schedule_mismatches()})
    return pd.concat(details, ignore_index=True), pd.DataFrame(rows)
