"""Build a :class:`NegotiationState` from plain arrays (one decision table -> one state)."""

from __future__ import annotations

import numpy as np

from sim.core.state import NegotiationState


def state_from_arrays(position: np.ndarray, capability: np.ndarray, salience: np.ndarray,
                      status_quo: np.ndarray | None = None, *, n_rounds: int = 10,
                      actor_ids: tuple[str, ...] | None = None,
                      issue_ids: tuple[str, ...] | None = None) -> NegotiationState:
    """A neutral state: positions (N, M) on 0-100, capability (N,), salience (N, M) in [0, 1].

    Everything the forecast mechanisms do not read gets a neutral value (risk 0, no veto players, no relations,
    reservation = own position, disagreement = status quo, or the mean position when there is none).
    """
    pos = np.atleast_2d(np.asarray(position, dtype=float))
    if pos.shape[0] == 1 and np.ndim(position) == 1:
        pos = pos.T
    n, m = pos.shape
    sal = np.asarray(salience, dtype=float).reshape(n, m)
    cap = np.asarray(capability, dtype=float).reshape(n)
    sq = pos.mean(axis=0) if status_quo is None else np.asarray(status_quo, dtype=float).reshape(m)
    return NegotiationState(
        actor_ids=actor_ids or tuple(f"A{i}" for i in range(n)),
        issue_ids=issue_ids or tuple(f"I{j}" for j in range(m)),
        position=pos.copy(), salience=sal.copy(), capability=cap.copy(),
        risk=np.zeros(n), outside_option=np.zeros(n), reservation=pos.copy(),
        concession_beta=np.ones(n), veto=np.zeros(n, dtype=bool),
        influence=np.zeros((n, n)), alignment=np.zeros((n, n)),
        status_quo=sq.copy(), disagreement=sq.copy(), is_base_issue=np.zeros(m, dtype=bool),
        n_rounds=n_rounds)
