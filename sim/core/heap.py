"""Keep freed memory in the process heap (glibc), so numpy's per-round temporaries stop page-faulting.

The vectorised mechanisms (bdm, ktab, exchange) build several (M, N, N) temporaries every round: about 200 kB
each at 50 actors x 10 issues. glibc's malloc serves blocks this large from fresh memory maps or trims them from
the heap top when they are freed, so every round touches new pages: on the project's 2-core machine one ktab
replication at 50 x 10 took about 20,000 minor page faults and a third of its CPU time in the kernel.
:func:`retain_freed_memory` sets the two malloc thresholds to the ceiling that glibc's own adaptive rule can
reach (blocks below 32 MB come from the heap; up to 64 MB of free heap is kept), once per process; after it the
same replication takes about 50 faults. It changes no result, only where memory comes from; on other C
libraries (macOS, Windows, musl) it does nothing.
"""

from __future__ import annotations

import ctypes

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (glibc malloc.h)
MMAP_THRESHOLD = 32 << 20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # what glibc itself pairs with a raised mmap threshold
_done: list[bool] = []


def retain_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds (once per process); True if they are set."""
    if _done:
        return _done[0]
    ok = False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on (no library search)
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is not None:
        ok = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    _done.append(ok)
    return ok
