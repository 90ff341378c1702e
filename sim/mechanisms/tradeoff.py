"""Trade-off offers: at a given aspiration level, the package the other side values most.

Faratin, Sierra & Jennings (2002, "Using similarity criteria to make issue trade-offs in automated negotiations",
Artificial Intelligence 142(2)) let a proposer keep its own utility (its *aspiration*, set by its concession
tactic) while moving along its iso-utility curve toward what the opponent wants. With complete information and
the additive utilities of ``sim.core.utility`` this is a separable concave resource allocation (Raiffa 1982,
*The Art and Science of Negotiation*, ch. 12, on efficient contracts with additive values):

    maximise  sum_r U_r(x)   subject to  U_p(x) >= u*,   0 <= x <= 100

over the responders r. Moving issue j away from the proposer's ideal costs it w_pj per point; the responders
gain sum_r w_rj * sign(p_rj - x_j) per point, a slope that falls each time x_j passes a responder's ideal. Taking
the segments of all issues in decreasing order of gain/cost until the proposer's utility budget 1 - u* is spent
solves the programme exactly (the greedy rule for a fractional knapsack with concave returns). Cheap issues for
the proposer that matter to the others are conceded first: logrolling.
"""

from __future__ import annotations

import numpy as np

from sim.core.utility import issue_weights


def tradeoff_offer(ideal: np.ndarray, salience: np.ndarray, proposer: int, responders: np.ndarray,
                   aspiration: float) -> np.ndarray:
    """Package (M,) maximising the responders' summed utility with the proposer's utility >= ``aspiration``."""
    own = ideal[proposer].astype(float)
    offer = own.copy()
    if len(responders) == 0:
        return offer
    cost = issue_weights(salience[proposer:proposer + 1])[0]
    others = ideal[responders]
    gain = issue_weights(salience[responders])
    budget = max(0.0, 1.0 - aspiration) * 100.0  # sum_j cost_j * |x_j - own_j| may not exceed this
    segments: list[tuple[float, int, float, float]] = []  # (ratio, issue, direction, length)
    for j in range(own.size):
        for direction in (1.0, -1.0):
            ahead = (others[:, j] - own[j]) * direction
            slope = gain[ahead > 0, j].sum() - gain[ahead <= 0, j].sum()
            reached = 0.0
            for r in np.argsort(ahead, kind="stable"):
                if ahead[r] <= 0:
                    continue
                if slope <= 0:
                    break
                segments.append((slope / cost[j] if cost[j] > 0 else np.inf, j, direction, ahead[r] - reached))
                reached = ahead[r]
                slope -= 2.0 * gain[r, j]
    segments.sort(key=lambda seg: -seg[0])
    for _, j, direction, length in segments:
        if cost[j] > 0:
            if budget <= 0:
                break
            length = min(length, budget / cost[j])
            budget -= length * cost[j]
        offer[j] += direction * length
    return np.clip(offer, 0.0, 100.0)
