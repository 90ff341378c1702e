"""Start multiprocessing's forkserver as a fork of this process, so the workers it forks inherit every module
this process has imported (and anything it has built), instead of a fresh interpreter that imports them again.

Why: a Dask ``LocalCluster`` starts its worker processes from its event-loop thread, so they cannot be forked
from the driver safely (a fork copies only the calling thread; a lock another thread holds stays locked in the
child). A forkserver is the safe route, but Python's own starts a new interpreter that must import Dask and the
whole stack again (3-4 s of CPU on the development machine). Forked while this process still runs one thread, the
server is a clean single-threaded copy of it: each worker then starts in a fraction of a second.

The server mirrors CPython 3.11's :meth:`multiprocessing.forkserver.ForkServer.ensure_running`: the same
listening socket, "alive" pipe and ``multiprocessing.forkserver.main`` loop, only reached by ``os.fork`` instead
of ``spawnv``. Like the spawned server, it keeps only stdin/stdout/stderr and its two descriptors (so it holds no
file lock or pipe of this process). Where the interpreter's forkserver has another layout (its attributes and
``main``'s parameters are checked; Python 3.14's, for one, authenticates its clients), where one is already
running, or where this process runs other threads, nothing happens and the caller's preloaded forkserver is used
as before.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import socket
import sys
import threading
from collections.abc import Callable
from multiprocessing import connection, forkserver, resource_tracker, util

_MAIN_ARGS = ["listener_fd", "alive_r", "preload", "main_path", "sys_path"]


def _compatible(server: forkserver.ForkServer) -> bool:
    """The interpreter's forkserver has the layout this module mirrors."""
    needed = ("_forkserver_address", "_forkserver_alive_fd", "_forkserver_pid", "_lock")
    if not all(hasattr(server, name) for name in needed) or hasattr(server, "_forkserver_authkey"):
        return False
    return list(inspect.signature(forkserver.main).parameters) == _MAIN_ARGS


def _running(server: forkserver.ForkServer) -> bool:
    if server._forkserver_pid is None:
        return False
    pid, _ = os.waitpid(server._forkserver_pid, os.WNOHANG)
    return not pid


def _serve(listener_fd: int, alive_r: int, ready_w: int, prepare: Callable[[], None] | None) -> None:
    """In the forked child: keep only the std streams and the server's two descriptors, say so on ``ready_w``,
    run ``prepare`` (its failure is left to the workers to meet again), then serve until every client has gone."""
    forkserver._forkserver._lock = threading.Lock()  # the parent held it while forking; the workers may need it
    keep = sorted({0, 1, 2, listener_fd, alive_r, ready_w})
    limit = os.sysconf("SC_OPEN_MAX")
    for low, high in zip([k + 1 for k in keep], [*keep[1:], limit], strict=True):
        if low < high:  # never empty: CPython 3.11's closerange(0, 0) closes every descriptor
            os.closerange(low, high)
    os.write(ready_w, b"1")
    os.close(ready_w)
    if prepare is not None:  # while the parent goes on; a worker's request waits in the listener's backlog
        with contextlib.suppress(Exception):
            prepare()
    code = 0
    try:
        forkserver.main(listener_fd, alive_r, [])
    except SystemExit:
        pass
    except BaseException:
        code = 1
    os._exit(code)  # never return into the parent's frames, nor run its atexit handlers


def start_forked_forkserver(prepare: Callable[[], None] | None = None) -> bool:
    """Make the global forkserver a fork of this process (see the module docstring); True if it now is one.

    ``prepare`` runs in the server before it forks any worker, while this process goes on with its own work:
    whatever it imports or builds, every worker inherits (it may import modules this process has not).

    False, and nothing changed, when a forkserver already runs, this process runs other threads, the platform has
    no forkserver, or the interpreter's forkserver differs from the one mirrored here.
    """
    server = forkserver._forkserver
    if not sys.platform.startswith("linux") or threading.active_count() != 1 or not _compatible(server):
        return False
    with server._lock:
        if _running(server):
            return False
        resource_tracker.ensure_running()  # shared with the workers, as the spawned server would
        with socket.socket(socket.AF_UNIX) as listener:
            address = connection.arbitrary_address("AF_UNIX")
            listener.bind(address)
            if not util.is_abstract_socket_namespace(address):
                os.chmod(address, 0o600)
            listener.listen()
            alive_r, alive_w = os.pipe()  # every client holds the write end; the server stops at its EOF
            ready_r, ready_w = os.pipe()
            try:
                pid = os.fork()
                if pid == 0:  # the server
                    _serve(listener.fileno(), alive_r, ready_w, prepare)
            except BaseException:
                os.close(alive_w)
                os.close(ready_r)
                raise
            finally:
                os.close(alive_r)
                os.close(ready_w)
            with os.fdopen(ready_r, "rb") as ready:  # returns once the server holds none of our descriptors
                ok = ready.read(1) == b"1"
        if not ok:  # the server could not start: leave the interpreter's own to the caller
            os.close(alive_w)
            os.waitpid(pid, 0)
            if not util.is_abstract_socket_namespace(address):
                os.unlink(address)
            return False
        server._forkserver_address = address
        server._forkserver_alive_fd = alive_w
        server._forkserver_pid = pid
    return True
