"""One replication's parameter values (:class:`ParameterValues`) and many replications' values over stacked
arrays (:class:`ReplicationValues`), both writing through the compiled scenario's parameter table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from sim.core.state import NegotiationState
from sim.errors import ScenarioError
from sim.scenario.parameters import Cell
from sim.scenario.schema import BOUNDS

if TYPE_CHECKING:
    from sim.scenario.compiled import CompiledScenario


@dataclass
class ParameterValues:
    """The concrete arrays of one replication; ``state`` shares their memory."""

    arrays: dict[str, np.ndarray]
    cells: dict[str, Cell]
    kinds: dict[str, str]
    state: NegotiationState

    def get(self, path: str) -> float:
        key, index = self._cell(path)
        return float(self.arrays[key][index])

    def set(self, path: str, value: float) -> None:
        """Write ``value`` (clipped to the parameter's bounds) into the cell behind ``path``."""
        key, index = self._cell(path)
        self.arrays[key][index] = clipped(self.kinds[path], value)

    def apply(self, path: str, op: str, value: float) -> None:
        current = self.get(path)
        if np.isnan(current):
            current = self._derived(path)
        new = {"set": value, "add": current + value, "scale": current * value}[op]
        self.set(path, new)

    @property
    def influence_rate(self) -> float:
        return float(self.arrays["influence_rate"])

    @property
    def alignment_weight(self) -> float:
        return float(self.arrays["alignment_weight"])

    @property
    def event_probability(self) -> np.ndarray:
        return self.arrays["event_probability"]

    def mechanism_params(self, base: dict[str, Any]) -> dict[str, Any]:
        params = dict(base)
        for name in base:
            key = f"mechanism.{name}"
            if key in self.arrays:
                value = self.arrays[key].item()
                params[name] = int(value) if isinstance(base[name], int) and value.is_integer() else value
        return params

    def _cell(self, path: str) -> Cell:
        return cell_of(self.cells, path)

    def _derived(self, path: str) -> float:
        """Current value of a parameter the scenario left to be derived (outside option, reservation)."""
        from sim.core.utility import own_outside_options

        key, index = self._cell(path)
        if key == "outside_option":  # an event adds to the actor's own value; third-party backing stays on top
            return float(own_outside_options(self.state)[index])
        if key == "reservation":
            return float(self.state.disagreement[index[1]])
        return 0.0


def cell_of(cells: dict[str, Cell], path: str) -> Cell:
    """The cell behind ``path``; an unknown path is a one-line scenario error."""
    try:
        return cells[path]
    except KeyError:
        raise ScenarioError(f"unknown parameter path '{path}'", field=path) from None


def clipped(kind: str, value: float) -> float:
    """``value`` as a float within the bounds of its parameter kind."""
    lo, hi = BOUNDS[kind]
    return min(hi, max(lo, float(value)))


class ReplicationValues(Sequence[ParameterValues]):
    """Every replication's :class:`ParameterValues` over stacked arrays (R, ...), each built on first read.

    Values are read only after :meth:`start` (overrides before it go through :meth:`set`), so a state built late
    still reports the positions sampled at the start as its ``initial_position``: they are copied for all
    replications at once then."""

    def __init__(self, compiled: CompiledScenario, arrays: dict[str, np.ndarray], size: int) -> None:
        self._compiled, self._arrays, self._size = compiled, arrays, size
        self._built: dict[int, ParameterValues] = {}
        self.initial_position: np.ndarray | None = None  # (R, N, M), set by start()

    def start(self) -> None:
        """Sampling and overrides are done: record the initial positions, which every state built carries."""
        self.initial_position = self._arrays["position"].copy()

    def set(self, r: int, path: str, value: float) -> None:
        """``self[r].set(path, value)`` without building replication ``r``'s values."""
        key, index = cell_of(self._compiled.cells, path)
        self._arrays[key][(r, *index)] = clipped(self._compiled.kinds[path], value)

    def apply(self, rows: np.ndarray, path: str, op: str, value: float) -> None:
        """``self[r].apply(path, op, value)`` for every replication r in ``rows`` (distinct), with the same float
        operations, building only the replications whose current value is unset (derived)."""
        key, index = cell_of(self._compiled.cells, path)
        where = (rows, *index)
        current = self._arrays[key][where]
        for k in np.flatnonzero(np.isnan(current)):
            current[k] = self[int(rows[k])]._derived(path)
        new = np.full_like(current, value) if op == "set" else current + value if op == "add" else current * value
        lo, hi = BOUNDS[self._compiled.kinds[path]]
        above = np.where(new > lo, new, lo)  # Python's max(lo, x) and min(hi, x), as :func:`clipped` (NaN -> lo)
        self._arrays[key][where] = np.where(above < hi, above, hi)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, r: int) -> ParameterValues: ...

    @overload
    def __getitem__(self, r: slice) -> list[ParameterValues]: ...

    def __getitem__(self, r: int | slice) -> ParameterValues | list[ParameterValues]:
        if isinstance(r, slice):
            return [self[i] for i in range(*r.indices(self._size))]
        if not -self._size <= r < self._size:
            raise IndexError(r)
        r %= self._size
        value = self._built.get(r)
        if value is None:
            if self.initial_position is None:
                raise RuntimeError("replication values are read after start()")
            view = {k: a[r, ...] for k, a in self._arrays.items()}
            state = self._compiled.state_of(view)
            state.initial_position = self.initial_position[r].copy()
            value = self._built[r] = ParameterValues(view, self._compiled.cells, self._compiled.kinds, state)
        return value
