"""The one explorer a server process hosts, and the hub that pushes its progress to every open tab.

``sim explore`` calls :func:`start`; the page calls :func:`current`. Served without the CLI
(``solara run sim.explore.app``), :func:`current` opens the scenario named by ``SIM_EXPLORE_SCENARIO`` with
``SIM_EXPLORE_N`` replications, seed ``SIM_EXPLORE_SEED`` and default output file ``SIM_EXPLORE_OUT``.
Tabs are updated the way the classroom does it (:class:`sim.classroom.live.Hub`): each tab's callback runs in the
kernel context it subscribed from.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sim.classroom.live import Hub
from sim.explore.state import Explorer

hub = Hub(threaded=True)
_lock = threading.Lock()
_state: dict[str, object] = {"explorer": None, "out": None}


def start(explorer: Explorer, out: str | Path | None = None) -> None:
    """Host ``explorer`` in this process and compute its first result in the background."""
    with _lock:
        _state["explorer"] = explorer
        _state["out"] = Path(out) if out else default_out(explorer.path)
        explorer.subscribe(lambda: hub.notify("state"))
    explorer.submit()


def current() -> Explorer:
    with _lock:
        explorer = _state["explorer"]
    if explorer is None:
        scenario = os.environ.get("SIM_EXPLORE_SCENARIO")
        if not scenario:
            raise RuntimeError("no scenario to explore: start the page with `sim explore SCENARIO`")
        explorer = Explorer(Path(scenario), n=int(os.environ.get("SIM_EXPLORE_N", "100")),
                            seed=int(os.environ.get("SIM_EXPLORE_SEED", "0")))
        start(explorer, os.environ.get("SIM_EXPLORE_OUT"))
    return explorer  # type: ignore[return-value]


def out_path() -> Path:
    current()
    return _state["out"]  # type: ignore[return-value]


def default_out(scenario: Path) -> Path:
    """Where the explored scenario is written unless the user says otherwise: explored/<name>_explored.yaml."""
    return Path("explored") / f"{Path(scenario).stem}_explored.yaml"
