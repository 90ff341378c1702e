"""How local worker processes start, for ``sim run``'s chunks and the sweep executors alike.

``fork`` where it is safe (Linux, and this process runs no other Python thread: a fork copies only the calling
thread, so a lock another thread holds, say a progress bar writing to stderr, would stay locked in the child
forever), else a ``forkserver`` (one clean server process imports the stack once and forks each worker), else
``spawn``. Always chosen explicitly: Mesa's batchrunner switches the global default to spawn on import.
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import threading
from collections.abc import Sequence


def start_method() -> str:
    """``fork``, ``forkserver`` or ``spawn``, by the rule above."""
    methods = mp.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def warm_context(preload: Sequence[str], method: str | None = None) -> mp.context.BaseContext:
    """The multiprocessing context for worker processes (``method`` or :func:`start_method`); a forkserver
    imports ``preload`` once, so each worker starts with those modules imported."""
    ctx = mp.get_context(method or start_method())
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(list(preload))
    return ctx
