"""The explorer's state, free of any web framework: settings, the two runs, and the file they write.

An :class:`Explorer` holds the original scenario and the explored settings (changed parameter values, mechanism,
mechanism options, replications, seed). :meth:`Explorer.compute` runs the explored scenario and the original with
the same seeds through the public API (:func:`sim.run`) and returns a :class:`~sim.explore.results.Comparison`;
:meth:`Explorer.submit` does the same in a background thread, reports progress and drops a run that newer
settings have made stale. The explored scenario that is run is loaded from exactly the document
:meth:`Explorer.write` saves, so the written file reproduces the explored numbers.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from sim import RunResult
from sim.errors import SimError
from sim.explore.child import child_document, write_child
from sim.explore.results import Comparison, compare
from sim.explore.sliders import Slider, sliders
from sim.mechanisms.registry import available
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario

NOTIFY_INTERVAL = 0.2  # seconds between progress reports to listeners


class Superseded(Exception):
    """Raised inside a background run whose settings are no longer the current ones."""


@dataclass
class Status:
    """What the page shows about the latest computation."""

    running: bool = False
    done: int = 0
    total: int = 0
    generation: int = 0  # settings version the shown result belongs to
    error: str | None = None


@dataclass
class Explorer:
    """Explored settings for one scenario file, and the latest comparison with the original."""

    path: Path
    n: int = 100
    seed: int = 0
    values: dict[str, float] = field(default_factory=dict)  # slider positions that differ from the scenario
    mechanism: str | None = None  # a mechanism other than the scenario's
    options: dict[str, Any] = field(default_factory=dict)  # mechanism settings that differ from the default
    shown: list[str] = field(default_factory=list)  # paths with a slider on the page
    status: Status = field(default_factory=Status)
    result: Comparison | None = None

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.scenario: Scenario = load_scenario(self.path)
        self.sliders: dict[str, Slider] = sliders(self.scenario)
        if not self.shown:
            self.shown = default_paths(self.scenario)
        self._lock = threading.RLock()
        self._generation = 0
        self._originals: dict[tuple[int, int, str], RunResult] = {}
        self._listeners: list[Callable[[], None]] = []
        self._thread: threading.Thread | None = None

    # settings -------------------------------------------------------------------------------------------------
    def set_value(self, path: str, value: float) -> None:
        """Move the slider of ``path``; within half a step of the scenario's own value it counts as unchanged."""
        slider = self._slider(path)
        value = min(slider.high, max(slider.low, float(value)))
        with self._lock:
            if abs(value - slider.start) < slider.step / 2:
                self.values.pop(path, None)
            else:
                self.values[path] = value
            if path not in self.shown:
                self.shown.append(path)
            self._touch()

    def value(self, path: str) -> float:
        return self.values.get(path, self._slider(path).start)

    def show(self, path: str) -> None:
        """Add a slider for ``path`` (the parameter picker)."""
        self._slider(path)
        with self._lock:
            if path not in self.shown:
                self.shown.append(path)

    def hide(self, path: str) -> None:
        """Remove a slider and undo its change."""
        with self._lock:
            if path in self.shown:
                self.shown.remove(path)
            if self.values.pop(path, None) is not None:
                self._touch()

    def reset(self) -> None:
        with self._lock:
            self.values.clear()
            self.mechanism = None
            self.options.clear()
            self._touch()

    def set_mechanism(self, name: str) -> None:
        """Choose a registered mechanism; its options start at the mechanism's defaults."""
        if name not in available():
            raise SimError(f"unknown mechanism '{name}'; expected one of: {', '.join(available())}")
        with self._lock:
            self.mechanism = None if name == self.scenario.mechanism.name else name
            self.options.clear()
            if self.mechanism is not None:  # the old mechanism's numbers do not apply to the new one
                for path in [p for p in self.values if p.startswith("mechanism.")]:
                    self.values.pop(path)
            self._touch()

    def set_option(self, name: str, value: Any) -> None:
        choices = self.option_choices()
        if name not in choices or value not in choices[name]:
            raise SimError(f"mechanism option {name}={value!r}: expected one of {choices.get(name, [])}")
        with self._lock:
            if value == self._default_option(name):
                self.options.pop(name, None)
            else:
                self.options[name] = value
            self._touch()

    def set_replications(self, n: int) -> None:
        if int(n) < 2:
            raise SimError("replications: at least 2 are needed for an interval")
        with self._lock:
            self.n = int(n)
            self._touch()

    @property
    def mechanism_name(self) -> str:
        return self.mechanism or self.scenario.mechanism.name

    def option_choices(self) -> dict[str, list[Any]]:
        """The current mechanism's settings with a fixed set of choices (Literal or bool fields)."""
        params = available()[self.mechanism_name].Params
        choices = {}
        for name, info in params.model_fields.items():
            if get_origin(info.annotation) is not None and str(get_origin(info.annotation)).endswith("Literal"):
                choices[name] = list(get_args(info.annotation))
            elif info.annotation is bool:
                choices[name] = [True, False]
        return choices

    def option(self, name: str) -> Any:
        return self.options.get(name, self._default_option(name))

    def pickable(self) -> list[str]:
        """Paths the picker offers (the old mechanism's numbers are gone once another mechanism is chosen)."""
        return [p for p in self.sliders if not (self.mechanism and p.startswith("mechanism."))]

    # the explored scenario ------------------------------------------------------------------------------------
    def document(self, extends: str | None = None, name: str | None = None) -> dict[str, Any]:
        values = {path: self.sliders[path].scenario_value(v) for path, v in self.values.items()}
        return child_document(self.scenario, extends or str(self.path.resolve()), values, self.mechanism,
                              self.options, name=name)

    def write(self, out: str | Path, name: str | None = None) -> Path:
        """Save the explored settings as a scenario that ``extends:`` the original (only the changes)."""
        out = Path(out)
        with self._lock:
            doc = self.document(name=name or out.stem.replace("-", "_"))
        written = write_child(doc, self.path, out)
        load_scenario(written)  # a file the explorer writes always validates; fail here, not later
        return written

    def explored_scenario(self) -> Scenario:
        """The explored settings loaded exactly as ``sim run`` would load the written file."""
        with self._lock:
            doc = self.document()
        with tempfile.TemporaryDirectory(prefix="sim-explore-") as folder:
            path = write_child(doc, self.path, Path(folder) / "explored.yaml")
            return load_scenario(path)

    # running --------------------------------------------------------------------------------------------------
    def compute(self, progress: Callable[[int, int], None] | None = None) -> Comparison:
        """Run the original and the explored scenario with the same ``n`` and ``seed`` and compare them."""
        import sim

        with self._lock:
            n, seed, changed = self.n, self.seed, bool(self.values or self.mechanism or self.options)
        explored_scenario = self.explored_scenario() if changed else self.scenario
        total = 2 * n if changed else n

        def original_progress(done: int, _: int) -> None:
            if progress:
                progress(done, total)

        original = self._original(n, seed, original_progress)
        if not changed:
            return compare(original, original)
        explored = sim.run(explored_scenario, n=n, seed=seed, trajectories=False, months=_months(explored_scenario),
                           progress=(lambda done, _: progress(n + done, total)) if progress else None)
        return compare(explored, original)

    def submit(self) -> int:
        """Compute in a background thread; returns the settings generation it serves. Newer settings make it
        stop at its next progress report; listeners hear about progress and the result."""
        with self._lock:
            generation = self._generation
            self.status = Status(running=True, generation=self.status.generation, total=2 * self.n)
        thread = threading.Thread(target=self._work, args=(generation,), name="sim-explore", daemon=True)
        self._thread = thread
        thread.start()
        return generation

    def wait(self, timeout: float | None = None) -> None:
        """Block until the latest background run has finished (tests, scripts)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    @property
    def stale(self) -> bool:
        """True while the result shown is not the one of the current settings."""
        return self.result is None or self.status.generation != self._generation

    def _work(self, generation: int) -> None:
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if generation != self._generation:
                raise Superseded
            self.status.done, self.status.total = done, total
            if time.monotonic() - last[0] >= NOTIFY_INTERVAL:  # the page re-renders at most ~5 times a second
                last[0] = time.monotonic()
                self._notify()

        try:
            result = self.compute(progress)
        except Superseded:
            return
        except Exception as exc:  # shown on the page instead of killing the server
            with self._lock:
                if generation == self._generation:
                    self.status = Status(generation=self.status.generation, error=f"{type(exc).__name__}: {exc}")
            self._notify()
            return
        with self._lock:
            if generation != self._generation:
                return
            self.result = result
            self.status = Status(done=self.status.total, total=self.status.total, generation=generation)
        self._notify()

    def _original(self, n: int, seed: int, progress: Callable[[int, int], None]) -> RunResult:
        import sim

        key = (n, seed, self.scenario.hash)
        if key not in self._originals:
            self._originals[key] = sim.run(self.scenario, n=n, seed=seed, trajectories=False,
                                           months=_months(self.scenario), progress=progress)
        return self._originals[key]

    def _touch(self) -> None:
        self._generation += 1

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def _slider(self, path: str) -> Slider:
        try:
            return self.sliders[path]
        except KeyError:
            raise SimError(f"unknown parameter path '{path}'; `sim validate --paths` lists them") from None

    def _default_option(self, name: str) -> Any:
        if self.mechanism is None and name in self.scenario.mechanism.params:
            return self.scenario.mechanism.params[name]
        info = available()[self.mechanism_name].Params.model_fields.get(name)
        return info.default if info is not None else None


def _months(scenario: Scenario) -> tuple[int, ...]:
    """Every simulated month, for the month-by-month view."""
    return tuple(range(1, scenario.rounds + 1))


def default_paths(scenario: Scenario) -> list[str]:
    """Sliders shown at start: each veto player's position and bottom line (reservation value) on each base issue,
    and its outside option (what decides whether coercive bargaining signs, stalls or breaks down)."""
    veto = [a for a, actor in scenario.actors.items() if actor.role == "veto"]
    bases = [i for i, issue in scenario.issues.items() if issue.base]
    return [f"actors.{a}.{field}.{i}" for field in ("positions", "reservation") for a in veto for i in bases] + \
        [f"actors.{a}.outside_option" for a in veto]
