"""One slider per parameter path: its range, step, readable label, and how a slider value becomes a scenario value.

A fixed parameter becomes the slider's number. A parameter the scenario draws from a distribution keeps its
family and width and is moved so that its centre is the slider's value (``{uniform: [85, 100]}`` at 97.5 becomes
``{uniform: [90, 100]}`` after clipping to the bounds). Keeping the family keeps the draw in the same place of the
random stream, so replication ``r`` of the explored scenario and of the original see the same random numbers
(common random numbers), and the paired difference measures the change, not the reshuffled seeds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.scenario.distributions import Normal, Triangular, Uniform, Value
from sim.scenario.parameters import Parameter, parameter_table
from sim.scenario.schema import Scenario

_FIELD_WORDS = {"positions": "position", "salience": "salience", "reservation": "reservation value",
                "capability": "capability", "risk": "risk attitude", "outside_option": "outside option",
                "concession": "concession exponent", "influence": "influence", "alignment": "alignment",
                "status_quo": "status quo", "disagreement": "disagreement point", "probability": "probability",
                "influence_rate": "influence rate", "alignment_weight": "alignment weight"}


@dataclass(frozen=True)
class Slider:
    """Range and starting point of one parameter's slider."""

    path: str
    label: str
    kind: str
    low: float
    high: float
    step: float
    start: float  # the scenario's own value (a distribution's mean; the derived default's stand-in if unset)
    value: Value | None  # the scenario's own value, as written
    integer: bool = False  # a whole-number mechanism parameter (a round number, a count)

    @property
    def uncertain(self) -> bool:
        return self.value is not None and not isinstance(self.value, int | float)

    def scenario_value(self, centre: float) -> Value:
        """The value the explored scenario gets when the slider is at ``centre``."""
        centre = min(self.high, max(self.low, float(centre)))
        if self.integer:
            return int(round(centre))
        lo, hi = self._bounds()
        if isinstance(self.value, Uniform):
            shift = centre - self.value.mean()
            return Uniform(uniform=(_clip(self.value.uniform[0] + shift, lo, hi),
                                    _clip(self.value.uniform[1] + shift, lo, hi)))
        if isinstance(self.value, Triangular):
            shift = centre - self.value.mean()
            a, m, b = (_clip(v + shift, lo, hi) for v in self.value.triangular)
            return Triangular(triangular=(a, m, b))
        if isinstance(self.value, Normal):
            return Normal(normal=(_clip(centre, lo, hi), self.value.normal[1]))
        return _tidy(centre)

    def _bounds(self) -> tuple[float, float]:
        from sim.scenario.schema import BOUNDS

        return BOUNDS[self.kind]


def sliders(scenario: Scenario) -> dict[str, Slider]:
    """A slider for every numeric parameter path of ``scenario`` (the path table of ``sim validate --paths``)."""
    return {path: slider_for(param, scenario) for path, param in parameter_table(scenario).items()}


def slider_for(param: Parameter, scenario: Scenario) -> Slider:
    """Range: the parameter kind's bounds where they are a natural scale (0-1, 0-100, -1..1); for open-ended kinds
    (capability, concession, mechanism numbers) from zero (or the lower bound) to twice the largest value the
    scenario allows, so the scenario's own range sits inside the slider."""
    lo, hi = param.bounds
    value = param.value
    if value is None:
        start = lo if hi - lo > 100 else (lo + hi) / 2 if param.kind not in ("outside_option", "reservation") \
            else _derived_default(param, scenario)
    else:
        start = float(value) if isinstance(value, int | float) else value.mean()
    if hi - lo > 100:
        top = max(_support(value)[1] if value is not None else start, start, 0.5) * 2
        lo, hi = max(lo, min(0.0, start * 2)), _nice(top)
    integer = param.kind == "mechanism" and type(scenario.mechanism.params.get(param.path.split(".")[-1])) is int
    step = 1.0 if integer else _on_grid(_nice((hi - lo) / 100), start - lo)
    return Slider(param.path, label(param.path, scenario), param.kind, lo, hi, step, start, value, integer)


def label(path: str, scenario: Scenario) -> str:
    """A readable name for a parameter path: 'Russia: position on Tartus (actors.RUS.positions.tartus)'."""
    parts = path.split(".")
    head = parts[0]
    if head == "actors" and parts[1] in scenario.actors:
        who = scenario.actors[parts[1]].name
        what = _FIELD_WORDS.get(parts[2], parts[2])
        if len(parts) > 3:
            name = issue_name(parts[3], scenario)
            what += f" on {name if scenario.issues[parts[3]].base else name[:1].lower() + name[1:]}"
        return f"{who}: {what}"
    if head == "issues" and parts[1] in scenario.issues:
        return f"{issue_name(parts[1], scenario)}: {_FIELD_WORDS.get(parts[2], parts[2])}"
    if head == "relations":
        source, target = parts[1].split("->")
        names = [scenario.actors[a].name if a in scenario.actors else a for a in (source, target)]
        return f"{names[0]} on {names[1]}: {_FIELD_WORDS.get(parts[2], parts[2])}"
    if head == "events" and parts[1] in scenario.events:
        return f"event '{scenario.events[parts[1]].label}': probability per round"
    if head == "dynamics":
        return _FIELD_WORDS.get(parts[1], parts[1])
    if head == "mechanism":
        return f"{scenario.mechanism.name} parameter: {parts[-1].replace('_', ' ')}"
    return path


def issue_name(issue_id: str, scenario: Scenario) -> str:
    """Short name of an issue: a base issue's id capitalised ('Tartus'), else its label up to any bracket."""
    issue = scenario.issues.get(issue_id)
    if issue is None:
        return issue_id
    return issue_id.capitalize() if issue.base else issue.label.split("(")[0].strip()


def _derived_default(param: Parameter, scenario: Scenario) -> float:
    """Stand-in start for a value the model derives when the file leaves it out: the issue's disagreement point
    for a reservation value, 0.5 for an outside option (the derived one depends on the draw)."""
    if param.kind == "reservation":
        issue = scenario.issues[param.path.split(".")[3]]
        d = issue.disagreement
        return float(d) if isinstance(d, int | float) else d.mean()
    return 0.5


def _support(value: Value | None) -> tuple[float, float]:
    if value is None:
        return (0.0, 0.0)
    if isinstance(value, int | float):
        return (float(value), float(value))
    return value.support()


def _nice(x: float) -> float:
    """Round up to 1, 2 or 5 times a power of ten (a tidy slider end or step)."""
    if x <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if x <= m * power * (1 + 1e-9):
            return _tidy(m * power)
    return _tidy(10 * power)


def _on_grid(step: float, offset: float) -> float:
    """A step (``step`` or a 2, 5 or 10 times finer one) that puts ``offset`` on the slider's grid, so a slider
    shows the scenario's own value exactly instead of snapping it to a neighbour (and reporting a change)."""
    for divisor in (1, 2, 5, 10, 20, 50, 100, 1000):
        fine = _tidy(step / divisor)
        if abs(offset / fine - round(offset / fine)) < 1e-6:
            return fine
    return _tidy(step / 1000)


def _tidy(x: float) -> float:
    """Drop float noise (0.30000000000000004 -> 0.3) so written files read as typed."""
    return float(f"{x:.10g}")


def _clip(x: float, lo: float, hi: float) -> float:
    return _tidy(min(hi, max(lo, x)))
