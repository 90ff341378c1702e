"""A scenario compiled to arrays: the fast form the model samples from once per replication.

Every parameter path maps to one cell of one array, so sampling, overrides (sweeps) and event effects
(``set`` / ``add`` / ``scale``) all write through the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.core.state import NegotiationState
from sim.errors import ScenarioError
from sim.scenario.distributions import Value
from sim.scenario.parameters import Cell, iter_parameters
from sim.scenario.schema import BOUNDS, Event, Scenario
from sim.scenario.values import ParameterValues, ReplicationValues


@dataclass
class CompiledScenario:
    """Ordered ids, base arrays, the table of uncertain parameters and everything the model needs per run."""

    scenario: Scenario
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    event_ids: tuple[str, ...]
    base: dict[str, np.ndarray]
    cells: dict[str, Cell]
    kinds: dict[str, str]
    uncertain: list[tuple[str, Value]] = field(default_factory=list)
    _sampler: VectorSampler | None = field(default=None, repr=False)
    _flags: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def hash(self) -> str:
        return self.scenario.hash

    @property
    def events(self) -> list[Event]:
        return [self.scenario.events[e] for e in self.event_ids]

    @cached_property
    def event_timing(self) -> tuple[tuple[bool, int, int, int], ...]:
        """Per event: (drawn each round?, scheduled round, first and last round of its window). A library-only
        event is neither drawn nor scheduled (round 0), so it fires only when injected."""
        return tuple((e.probability is not None and not e.library_only, e.at_round or 0, *(e.window or (1, 10**9)))
                     for e in self.events)

    def parameter_paths(self) -> list[str]:
        """Every parameter a sweep or an event may set."""
        return list(self.cells)

    def nominal(self, path: str) -> float:
        """Fixed value or distribution mean of ``path`` (NaN for a derived parameter left unset).

        ``compile_scenario`` stores a distribution's mean in the base arrays, so this is a plain lookup.
        """
        key, index = self.cells[path]
        return float(self.base[key][index])

    def sample(self, rng: np.random.Generator | None = None,
               overrides: dict[str, float] | None = None) -> ParameterValues:
        """Draw every uncertain parameter (central values if ``rng`` is None) and apply ``overrides``."""
        arrays = {k: v.copy() for k, v in self.base.items()}
        if rng is not None and self.uncertain:
            if self._sampler is None:
                self._sampler = VectorSampler(self.uncertain, self.cells, self.kinds)
            self._sampler.draw(rng, arrays)
        values = ParameterValues(arrays, self.cells, self.kinds, state=None)  # type: ignore[arg-type]
        for path, value in (overrides or {}).items():
            values.set(path, value)
        _fill_unset(arrays)
        values.state = self.state_of(arrays)
        return values

    def sample_many(self, generators: list[np.random.Generator],
                    overrides: list[dict[str, float] | None]) -> tuple[dict[str, np.ndarray], ReplicationValues]:
        """:meth:`sample` for many replications at once: stacked arrays (R, ...) holding the same draws from each
        replication's generator, and each replication's values (and state) viewing its slice of them, built when
        first read (a batch reads few of them)."""
        size = len(generators)
        arrays = {k: np.repeat(v[None], size, axis=0) for k, v in self.base.items()}
        if self.uncertain and size:
            if self._sampler is None:
                self._sampler = VectorSampler(self.uncertain, self.cells, self.kinds)
            self._sampler.draw_many(generators, arrays)
        values = ReplicationValues(self, arrays, size)
        for r, over in enumerate(overrides):
            for path, x in (over or {}).items():
                values.set(r, path, x)
        _fill_unset(arrays)
        values.start()
        return arrays, values

    def state_of(self, arrays: dict[str, np.ndarray]) -> NegotiationState:
        """The negotiation state over (views of) these parameter arrays."""
        sc = self.scenario
        if self._flags is None:
            self._flags = (np.array([sc.actors[a].role == "veto" for a in self.actor_ids]),
                           np.array([sc.issues[i].base for i in self.issue_ids]))
        veto, is_base = self._flags
        return NegotiationState(
            actor_ids=self.actor_ids, issue_ids=self.issue_ids,
            position=arrays["position"], salience=arrays["salience"], capability=arrays["capability"],
            risk=arrays["risk"], outside_option=arrays["outside_option"], reservation=arrays["reservation"],
            concession_beta=arrays["concession_beta"],
            veto=veto.copy(),
            influence=arrays["influence"], alignment=arrays["alignment"],
            status_quo=arrays["status_quo"], disagreement=arrays["disagreement"],
            is_base_issue=is_base.copy(),
            n_rounds=sc.rounds,
            discount=arrays["discount"], presence=arrays["presence"], drift_target=arrays["drift_target"],
            drift_rate=arrays["drift_rate"], suspended=arrays["suspended"],
            outside_centre=arrays["outside_centre"], outside_spread=arrays["outside_spread"],
            reservation_range=np.stack([arrays["reservation_lo"], arrays["reservation_hi"]], axis=-1),
            outside_support=arrays["outside_support"],
        )


def _fill_unset(arrays: dict[str, np.ndarray]) -> None:
    """Values a scenario may leave unset (NaN), after sampling and overrides, for one replication's arrays or a
    stack of them (R, ...): a bottom line defaults to the issue's disagreement value, presence to the status quo,
    the drift target to the presence."""
    reservation = arrays["reservation"]
    missing = np.isnan(reservation)
    disagreement = np.expand_dims(arrays["disagreement"], -2)  # (..., 1, M): the same for every actor
    reservation[missing] = np.broadcast_to(disagreement, reservation.shape)[missing]
    presence = arrays["presence"]
    np.copyto(presence, arrays["status_quo"], where=np.isnan(presence))
    np.copyto(arrays["drift_target"], presence, where=np.isnan(arrays["drift_target"]))


class VectorSampler:
    """Draws all uncertain parameters with one generator call per distribution family.

    Draw order is fixed by the parameter table, so the same generator state gives the same values.
    """

    def __init__(self, uncertain: list[tuple[str, Value]], cells: dict[str, Cell], kinds: dict[str, str]) -> None:
        self.groups: dict[str, tuple[list[Cell], np.ndarray, np.ndarray]] = {}
        by_family: dict[str, list[tuple[Cell, tuple[float, ...], tuple[float, float]]]] = {}
        for path, value in uncertain:
            family = next(iter(type(value).model_fields))
            by_family.setdefault(family, []).append((cells[path], tuple(getattr(value, family)), BOUNDS[kinds[path]]))
        for family, items in by_family.items():
            params = np.array([p for _, p, _ in items], dtype=float)
            bounds = np.array([b for _, _, b in items], dtype=float)
            self.groups[family] = ([c for c, _, _ in items], params, bounds)
        self.scatter: dict[str, list[tuple[str, tuple[int, ...], np.ndarray]]] = {}
        for family, (cells_, _, _) in self.groups.items():
            by_key: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
            for position, (key, index) in enumerate(cells_):
                by_key.setdefault(key, []).append((position, index))
            self.scatter[family] = [
                (key, tuple(np.array(axis) for axis in zip(*[i for _, i in entries], strict=True)),
                 np.array([pos for pos, _ in entries]))
                for key, entries in by_key.items()]

    def draw(self, rng: np.random.Generator, arrays: dict[str, np.ndarray]) -> None:
        for family, (_, params, bounds) in self.groups.items():
            values = self._family(rng, family, params, bounds)
            for key, index, positions in self.scatter[family]:
                if index:
                    arrays[key][index] = values[positions]
                else:  # a scalar parameter (0-d array)
                    arrays[key][()] = values[positions[0]]

    def draw_many(self, generators: list[np.random.Generator], arrays: dict[str, np.ndarray]) -> None:
        """:meth:`draw` into stacked arrays (R, ...): each generator makes exactly the calls ``draw`` makes."""
        for family, (_, params, bounds) in self.groups.items():
            if family == "uniform":  # Generator.uniform(lo, hi) is lo + (hi - lo) * random(): the same numbers
                span = params[:, 1] - params[:, 0]
                values = params[:, 0] + span * np.stack([rng.random(len(params)) for rng in generators])
            else:
                values = np.stack([self._family(rng, family, params, bounds) for rng in generators])
            for key, index, positions in self.scatter[family]:
                if index:
                    arrays[key][(slice(None), *index)] = values[:, positions]
                else:  # a scalar parameter: one value per replication
                    arrays[key][:] = values[:, positions[0]]

    @classmethod
    def _family(cls, rng: np.random.Generator, family: str, params: np.ndarray, bounds: np.ndarray) -> np.ndarray:
        """One generator call (or rejection loop) drawing every parameter of one distribution family."""
        if family == "uniform":
            return rng.uniform(params[:, 0], params[:, 1])
        if family == "triangular":
            return rng.triangular(params[:, 0], params[:, 1], params[:, 2])
        return cls._truncated_normal(rng, params, bounds)

    @staticmethod
    def _truncated_normal(rng: np.random.Generator, params: np.ndarray, bounds: np.ndarray) -> np.ndarray:
        """Rejection sampling, redrawing only the values that fell outside their bounds."""
        values = rng.normal(params[:, 0], params[:, 1])
        for _ in range(1000):
            outside = (values < bounds[:, 0]) | (values > bounds[:, 1])
            if not outside.any():
                return values
            values[outside] = rng.normal(params[outside, 0], params[outside, 1])
        raise ScenarioError("a truncated normal has almost no mass inside its bounds")


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    actors = tuple(scenario.actors)
    issues = tuple(scenario.issues)
    events = tuple(scenario.events)
    n, m = len(actors), len(issues)
    base = {
        "capability": np.zeros(n), "risk": np.zeros(n), "outside_option": np.full(n, np.nan),
        "concession_beta": np.ones(n), "position": np.zeros((n, m)), "salience": np.zeros((n, m)),
        "reservation": np.full((n, m), np.nan), "influence": np.zeros((n, n)), "alignment": np.zeros((n, n)),
        "status_quo": np.zeros(m), "disagreement": np.zeros(m), "event_probability": np.zeros(len(events)),
        "influence_rate": np.array(0.0), "alignment_weight": np.array(0.0), "outside_support": np.array(0.0),
        "discount": np.full(n, 0.97), "presence": np.full(m, np.nan), "drift_target": np.full(m, np.nan),
        "drift_rate": np.zeros(m), "suspended": np.zeros(m),
        "outside_centre": np.full(n, np.nan), "outside_spread": np.full(n, np.nan),
        "reservation_lo": np.full((n, m), np.nan), "reservation_hi": np.full((n, m), np.nan),
    }
    for name, value in scenario.mechanism.params.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            base[f"mechanism.{name}"] = np.array(float(value))
    compiled = CompiledScenario(scenario, actors, issues, events, base, cells={}, kinds={})
    for param in iter_parameters(scenario):
        cell = param.cell
        compiled.cells[param.path] = cell
        compiled.kinds[param.path] = param.kind
        if param.value is None:
            continue
        if isinstance(param.value, int | float):
            base[cell[0]][cell[1]] = float(param.value)
        else:
            base[cell[0]][cell[1]] = param.value.mean()
            compiled.uncertain.append((param.path, param.value))
    _outside_prior(compiled)
    return compiled


def _outside_prior(compiled: CompiledScenario) -> None:
    """The public prior on each actor's outside option: its nominal value (derived from the nominal parameters
    where the file leaves it out) and, for a distribution, half its range (NaN: the mechanism's default width)."""
    from sim.core.utility import outside_options

    base = compiled.base
    for i, actor_id in enumerate(compiled.actor_ids):
        for j, issue_id in enumerate(compiled.issue_ids):
            value = compiled.scenario.actors[actor_id].reservation.get(issue_id)
            if value is None:
                value = compiled.scenario.issues[issue_id].disagreement
            lo, hi = (float(value), float(value)) if isinstance(value, int | float) else value.support()
            base["reservation_lo"][i, j], base["reservation_hi"][i, j] = lo, hi
    nominal = compiled.sample(None).state
    base["outside_centre"][:] = outside_options(nominal)
    for i, actor_id in enumerate(compiled.actor_ids):
        value = compiled.scenario.actors[actor_id].outside_option
        if value is not None and not isinstance(value, int | float):
            lo, hi = value.support() if hasattr(value, "support") else (np.nan, np.nan)
            base["outside_spread"][i] = (hi - lo) / 2
