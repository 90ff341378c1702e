"""The one session a server process hosts, with the lock, hub, ticker and baseline run around it.

``sim play`` calls :func:`start`; the Solara pages call :func:`act` and :func:`view`. When the app is served
without ``sim play`` (``solara run sim.classroom.app``), :func:`current` opens the session named by the
environment: ``SIM_CLASSROOM_LOG`` (resumed if it exists) and, for a new one, ``SIM_CLASSROOM_SCENARIO``,
``SIM_CLASSROOM_ROLES`` (comma-separated actor ids, default all) and ``SIM_CLASSROOM_SEED``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sim.classroom.baseline import Baseline
from sim.classroom.live import Hub, Ticker
from sim.classroom.session import ExerciseSession, Settings

T = TypeVar("T")

hub = Hub(threaded=True)
_lock = threading.RLock()
_state: dict[str, Any] = {"session": None, "ticker": None, "baseline": None, "exports": None, "urls": []}


def open_session(scenario: str | Path | None, log: str | Path, roles: list[str] | None = None, seed: int = 0,
                 settings: Settings | None = None) -> tuple[ExerciseSession, bool]:
    """Resume the session in ``log`` if it exists, else create one. Returns (session, resumed)."""
    log = Path(log)
    if log.exists() and log.stat().st_size:
        return ExerciseSession.resume(log), True
    if scenario is None:
        raise FileNotFoundError(f"{log} does not exist and no scenario was given")
    if roles is None:
        from sim.scenario import load_scenario

        roles = list(load_scenario(scenario).actors)
    return ExerciseSession.create(scenario, roles, log, seed=seed, settings=settings), False


def start(session: ExerciseSession, baseline_n: int = 200, exports: str | Path | None = None,
          urls: list[str] | None = None) -> None:
    """Host ``session`` in this process: start the ticker and the background baseline run. ``urls`` are the
    addresses students open (printed on the code slips)."""
    with _lock:
        _state["session"] = session
        _state["urls"] = list(urls or [])
        _state["exports"] = Path(exports) if exports else session.log.path.with_suffix("") if session.log \
            else Path("classroom_exports")
        if _state["ticker"] is None:
            ticker = Ticker(_tick)
            ticker.start()
            _state["ticker"] = ticker
        baseline = Baseline(session.scenario_path, session.seed, n=baseline_n)
        baseline.start()
        _state["baseline"] = baseline


def current() -> ExerciseSession:
    """The hosted session (opened from the environment on first use if ``start`` was not called)."""
    with _lock:
        if _state["session"] is None:
            log = os.environ.get("SIM_CLASSROOM_LOG")
            if not log:
                raise RuntimeError("no classroom session: start the app with `sim play SCENARIO`")
            roles = os.environ.get("SIM_CLASSROOM_ROLES")
            session, _ = open_session(os.environ.get("SIM_CLASSROOM_SCENARIO"), log,
                                      roles.split(",") if roles else None,
                                      int(os.environ.get("SIM_CLASSROOM_SEED", "0")))
            start(session, int(os.environ.get("SIM_CLASSROOM_BASELINE_N", "200")))
        return _state["session"]


def urls() -> list[str]:
    """Where students open the app (empty when unknown, e.g. under ``solara run``)."""
    return list(_state["urls"])


def baseline() -> Baseline | None:
    return _state["baseline"]


def exports_dir() -> Path:
    current()
    return _state["exports"]


def act(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a session action under the lock, then tell every tab (outside the lock, so no tab can deadlock)."""
    with _lock:
        result = fn(*args, **kwargs)
    hub.notify("state")
    return result


def read(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Read from the session under the lock (views are plain dicts, safe to use after release)."""
    with _lock:
        return fn(*args, **kwargs)


def _tick() -> None:
    session = _state["session"]
    if session is None:
        return
    with _lock:
        advanced = session.tick()
    if advanced:
        hub.notify("state")
    hub.notify("clock")
