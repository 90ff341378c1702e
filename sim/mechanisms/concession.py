"""Time-dependent concession tactics (Faratin, Sierra & Jennings 1998, "Negotiation decision functions for
autonomous agents", Robotics and Autonomous Systems 24(3-4), sec. 4.2.1).

The polynomial family: alpha(t) = k + (1 - k) * (min(t, T) / T) ** (1 / beta), in [k, 1]. The offer on an issue
moves from the agent's ideal value to its reservation value as alpha goes from 0 to 1:

    x_j(t) = p_j + alpha(t) * (r_j - p_j)

beta < 1 is Boulware (holds out, concedes near the deadline), beta = 1 linear, beta > 1 conceder.
"""

from __future__ import annotations

import numpy as np

TACTICS = {"boulware": 0.2, "linear": 1.0, "conceder": 5.0}
"""Representative beta values for the three named tactics."""


def alpha(time_fraction: float | np.ndarray, beta: np.ndarray, k: float | np.ndarray = 0.0) -> np.ndarray:
    """Concession level in [k, 1] at ``time_fraction`` (t / T, clipped to [0, 1]) for exponents ``beta``."""
    if isinstance(time_fraction, float | int):
        tau = min(1.0, max(0.0, float(time_fraction)))
    else:
        tau = np.minimum(np.maximum(time_fraction, 0.0), 1.0)
    return k + (1.0 - k) * np.power(tau, 1.0 / np.asarray(beta, dtype=float))


def offers(ideal: np.ndarray, reservation: np.ndarray, time_fraction: float, beta: np.ndarray,
           k: float | np.ndarray = 0.0) -> np.ndarray:
    """Every actor's own offer (..., N, M) at ``time_fraction``: ideal moved toward reservation by alpha."""
    a = alpha(time_fraction, beta, k)[..., None]
    return ideal + a * (reservation - ideal)
