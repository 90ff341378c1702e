"""Live updates across browser tabs: one module-level hub per server process.

``solara.reactive`` values are per tab; the session is shared. Each tab subscribes a callback together with
the kernel context it subscribed from; after any change the hub calls every callback inside its own context
(DESIGN.md, Classroom facts). Deliveries run on one hub thread that takes the tab's context lock, the lock
Solara holds while it processes that tab's own messages: so a push never races a click in the same tab, and
an action never waits for another tab (no lock cycle). A ticker thread drives countdowns and auto-advance.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def _current_context() -> Any:
    try:
        from solara.server import kernel_context
    except ImportError:  # the hub also works without solara (tests)
        return None
    return kernel_context.get_current_context() if kernel_context.has_current_context() else None


class Hub:
    """Subscribers by topic ("state" after any session change, "clock" every tick).

    With ``threaded=True`` (the server) :meth:`notify` only queues the topic and returns at once; a daemon
    thread delivers. With ``threaded=False`` (tests) it delivers before returning.
    """

    def __init__(self, threaded: bool = False) -> None:
        self._subs: dict[int, tuple[str, Any, Callable[[], None]]] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()
        self._threaded = threaded
        self._pending: list[str] = []
        self._wake = threading.Condition(self._lock)
        self._worker: threading.Thread | None = None

    def subscribe(self, topic: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Register ``callback``; returns the function that unsubscribes it."""
        key = next(self._ids)
        with self._lock:
            self._subs[key] = (topic, _current_context(), callback)

        def unsubscribe() -> None:
            with self._lock:
                self._subs.pop(key, None)
        return unsubscribe

    def notify(self, topic: str = "state") -> None:
        if not self._threaded:
            self._deliver(topic)
            return
        with self._wake:
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="classroom-hub", daemon=True)
                self._worker.start()
            if topic not in self._pending:  # coalesce: one delivery covers every change queued before it
                self._pending.append(topic)
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending:
                    self._wake.wait()
                topic = self._pending.pop(0)
            self._deliver(topic)

    def _deliver(self, topic: str) -> None:
        with self._lock:
            subs = [(k, c, cb) for k, (t, c, cb) in self._subs.items() if t == topic]
        for key, context, callback in subs:
            try:
                if context is None:
                    callback()
                    continue
                if getattr(context, "closed_event", None) is not None and context.closed_event.is_set():
                    raise RuntimeError("tab closed")
                with context.lock, context:
                    callback()
            except Exception as exc:  # a closed tab: forget it
                log.info("dropping subscriber %s (%s: %s)", key, type(exc).__name__, exc)
                with self._lock:
                    self._subs.pop(key, None)

    def __len__(self) -> int:
        return len(self._subs)


class Ticker(threading.Thread):
    """Calls ``tick`` every ``interval`` seconds until stopped."""

    def __init__(self, tick: Callable[[], None], interval: float = 1.0) -> None:
        super().__init__(name="classroom-ticker", daemon=True)
        self._tick, self._interval, self._stop_event = tick, interval, threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self._interval):
            with contextlib.suppress(Exception):
                self._tick()

    def stop(self) -> None:
        self._stop_event.set()
