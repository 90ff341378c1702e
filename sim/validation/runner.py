"""Run mechanisms and simple baselines on single-issue decision tables (e.g. every DEU issue)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from sim.core.seeds import replication_generator, spawned
from sim.core.state import NegotiationState
from sim.mechanisms.base import Mechanism
from sim.mechanisms.compromise import weighted_median as issue_weighted_median
from sim.mechanisms.registry import available, create
from sim.policies.base import Policy
from sim.validation.deu import DEUIssue
from sim.validation.states import state_from_arrays

BASELINES = ("mean", "median", "weighted_median", "weighted_mean")


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """Smallest x at which the cumulative weight reaches half the total (plain median if weights are 0); the
    compromise model's per-issue weighted median on one issue."""
    if w.sum() <= 0:
        return float(np.median(x))
    return float(issue_weighted_median(x[:, None], w[:, None])[0])


def baselines(issue: DEUIssue) -> dict[str, float]:
    """Forecasts that need no mechanism: plain mean and median, capability x salience weighted ones."""
    w = issue.capability * issue.salience
    x = issue.position
    wmean = float(np.dot(w, x) / w.sum()) if w.sum() > 0 else float(x.mean())
    return {"mean": float(x.mean()), "median": float(np.median(x)),
            "weighted_median": weighted_median(x, w), "weighted_mean": wmean}


def issue_state(issue: DEUIssue, n_rounds: int) -> NegotiationState:
    """N active actors x 1 issue. The reference point is the status quo and the disagreement outcome (the plain
    median when unrecorded); every active actor is a veto player (the Council's consensus norm), may concede as
    far as the status quo (reservation) and takes the status quo when talks fail (outside option)."""
    return proposal_state([issue], n_rounds)


def proposal_state(issues: list[DEUIssue], n_rounds: int) -> NegotiationState:
    """All issues of one legislative proposal as one N x M state (for mechanisms that trade across issues).

    Actors are the union of those active on any issue; an actor inactive on an issue gets salience 0 and the
    issue's weighted-mean position (so it neither pulls nor trades there)."""
    actors = tuple(dict.fromkeys(a for issue in issues for a in issue.actors))
    n, m = len(actors), len(issues)
    pos, sal, cap = np.zeros((n, m)), np.zeros((n, m)), np.zeros(n)
    sq = np.zeros(m)
    for j, issue in enumerate(issues):
        pos[:, j] = baselines(issue)["weighted_mean"]
        rows = [actors.index(a) for a in issue.actors]
        pos[rows, j], sal[rows, j], cap[rows] = issue.position, issue.salience, issue.capability
        sq[j] = issue.reference if issue.reference is not None else float(np.median(issue.position))
    state = state_from_arrays(pos, cap, sal, sq, n_rounds=n_rounds, actor_ids=actors,
                              issue_ids=tuple(i.issue_id for i in issues))
    state.veto[:] = True
    # bargaining inputs: everyone may concede as far as the status quo, and walking away means the status quo
    state.reservation[:] = sq[None, :]
    state.outside_option[:] = np.nan
    return state


def run_mechanism(mechanism: Mechanism, state: NegotiationState, rng: np.random.Generator) -> np.ndarray:
    """Play ``state.n_rounds`` rounds (stop at an agreement) without the Mesa model; return the package."""
    policies = [Policy() for _ in range(state.n_actors)]
    mechanism.start(state, rng)
    for r in range(1, state.n_rounds + 1):
        state.round = r
        result = mechanism.step(state, rng, policies)
        if result.agreement is not None:
            return np.asarray(result.agreement, dtype=float)
    return np.asarray(mechanism.finish(state, rng).package, dtype=float)


def default_mechanisms() -> dict[str, dict[str, Any]]:
    """Every listed mechanism that runs with any number of veto players (every EU actor is one), with its default
    parameters; two-party mechanisms (``coercive``) do not apply to EU legislation."""
    return {name: {} for name, cls in available().items() if cls.veto_players is None}


JOINT = frozenset({"exchange"})  # mechanisms run on each proposal's issues together


def predict_issues(issues: list[DEUIssue], mechanisms: dict[str, dict[str, Any]] | None = None, *,
                   n_rounds: int = 10, seed: int = 0, joint: frozenset[str] = JOINT,
                   progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Long table: one row per (issue, method) with the prediction, the outcome and any error message.

    Method names are the baselines plus each key of ``mechanisms`` (``name`` or ``name:label``, e.g.
    ``"bdm:median": {"forecast": "median"}``). Mechanisms in ``joint`` play all issues of a proposal at once
    (exchange needs issue pairs); the others play each issue alone. Each (proposal, mechanism) run gets its own
    random stream spawned from one SeedSequence, in file order. ``progress`` is called with the number of
    issues done.
    """
    mechanisms = default_mechanisms() if mechanisms is None else mechanisms
    groups: dict[str, list[DEUIssue]] = {}
    for issue in issues:
        groups.setdefault(issue.proposal_id, []).append(issue)
    rows: list[dict[str, Any]] = []
    done = 0
    for group, seq in zip(groups.values(), spawned(seed, len(groups)), strict=True):
        streams = dict(zip(mechanisms, spawned(seq, len(mechanisms)), strict=True))
        preds: dict[str, list[dict[str, Any]]] = {}
        for key, params in mechanisms.items():
            rng = replication_generator(streams[key])
            if key.split(":")[0] in joint:
                preds[key] = _predict(key, params, group, n_rounds, rng)
            else:
                preds[key] = [_predict(key, params, [issue], n_rounds, rng)[0] for issue in group]
        for j, issue in enumerate(group):
            base = {"issue": issue.issue_id, "proposal": issue.proposal_id, "outcome": issue.outcome,
                    "n_actors": len(issue.actors), "reference": issue.reference}
            for name, value in baselines(issue).items():
                rows.append({**base, "method": name, "prediction": value, "error": ""})
            for key in mechanisms:
                rows.append({**base, "method": key, **preds[key][j]})
        done += len(group)
        if progress:
            progress(done)
    order = {issue.issue_id: k for k, issue in enumerate(issues)}
    table = pd.DataFrame(rows)
    return table.sort_values("issue", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)


def _predict(key: str, params: dict[str, Any], group: list[DEUIssue], n_rounds: int,
             rng: np.random.Generator) -> list[dict[str, Any]]:
    try:
        mech = create(key.split(":")[0], params)
        package = run_mechanism(mech, proposal_state(group, n_rounds), rng)
        return [{"prediction": float(np.clip(v, 0.0, 100.0)), "error": ""} for v in package]
    except Exception as exc:  # a failing mechanism is reported per issue, never aborts the table
        return [{"prediction": float("nan"), "error": f"{type(exc).__name__}: {exc}"}] * len(group)


def methods_in(table: pd.DataFrame) -> Iterable[str]:
    return list(dict.fromkeys(table["method"]))
