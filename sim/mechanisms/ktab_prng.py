"""KTAB's pseudo-random stream, so a KTAB run with a given seed can be replayed draw for draw.

KTAB (``KTAB/kutils/libsrc/prng.cpp``, github.com/lsyaseen/KTAB, commit 3b5b0635, MIT) draws 64-bit words from
C++'s ``std::mt19937_64`` seeded with the run's seed, passes each through the bijection
q(n) = (n + 0xE08C1D668B756F83) (2n + 3) mod 2^64, and maps it to [0, 1] as q / (2^64 - 1) (computed in double
precision). ``prob_sel`` picks the first option whose cumulative probability reaches such a draw.

The generator here is the published MT19937-64 algorithm (Matsumoto & Nishimura 1998; Nishimura 2000), the
one ``std::mt19937_64`` specifies. It is used only when a mechanism is asked to replay KTAB's own stream
(``prng="ktab"``); otherwise draws come from the numpy generator the simulator passes in.
"""

from __future__ import annotations

import numpy as np

_MASK = (1 << 64) - 1
_N, _M = 312, 156
_MATRIX_A = 0xB5026F5AA96619E9
_UPPER, _LOWER = 0xFFFFFFFF80000000, 0x7FFFFFFF
_Q64C = 0xE08C1D668B756F83


class MT19937_64:
    """The 64-bit Mersenne Twister, as ``std::mt19937_64`` (default-constructed seed 5489)."""

    def __init__(self, seed: int = 5489) -> None:
        self.state = [0] * _N
        self.state[0] = seed & _MASK
        for i in range(1, _N):
            prev = self.state[i - 1]
            self.state[i] = (6364136223846793005 * (prev ^ (prev >> 62)) + i) & _MASK
        self.index = _N

    def _twist(self) -> None:
        mt = self.state
        for i in range(_N):
            x = (mt[i] & _UPPER) | (mt[(i + 1) % _N] & _LOWER)
            xa = x >> 1
            if x & 1:
                xa ^= _MATRIX_A
            mt[i] = mt[(i + _M) % _N] ^ xa
        self.index = 0

    def next64(self) -> int:
        if self.index >= _N:
            self._twist()
        y = self.state[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & _MASK


class KTABStream:
    """Uniform draws on [0, 1] exactly as KTAB's ``PRNG::uniform(0, 1)`` makes them."""

    def __init__(self, seed: int) -> None:
        self.mt = MT19937_64(seed)

    def uniform(self) -> float:
        n = self.mt.next64()
        q = ((n + _Q64C) * (2 * n + 3)) & _MASK
        return float(q) / float(_MASK)


def prob_sel(p: np.ndarray, draw: float) -> int:
    """Index of the first option whose cumulative probability is at least ``draw`` (KTAB's ``probSel``)."""
    total = 0.0
    for i, pi in enumerate(p):
        total += float(pi)
        if draw <= total:
            return i
    return len(p) - 1
