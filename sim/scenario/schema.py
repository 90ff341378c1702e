"""The scenario schema: what a scenario YAML file may contain, with types, bounds and defaults.

Every mapping forbids unknown keys. Numeric parameters are :data:`Value` (a number or a distribution). Field
meanings and scales are documented in docs/scenarios.md, which a test checks against this module.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from sim.scenario.distributions import Value

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"

# Bounds of every kind of numeric parameter: used for validation, truncation of normals and clipping of effects.
BOUNDS: dict[str, tuple[float, float]] = {
    "capability": (0.0, 1e9),
    "risk": (-1.0, 1.0),
    "outside_option": (0.0, 1.0),
    "concession": (0.01, 100.0),
    "positions": (0.0, 100.0),
    "salience": (0.0, 1.0),
    "reservation": (0.0, 100.0),
    "influence": (0.0, 1.0),
    "alignment": (-1.0, 1.0),
    "status_quo": (0.0, 100.0),
    "disagreement": (0.0, 100.0),
    "probability": (0.0, 1.0),
    "influence_rate": (0.0, 1.0),
    "alignment_weight": (0.0, 1.0),
    "outside_support": (0.0, 1.0),
    "mechanism": (-1e9, 1e9),
    "discount": (0.0, 0.9999),
    "presence": (0.0, 100.0),
    "drift_target": (0.0, 100.0),
    "drift_rate": (0.0, 1.0),
    "suspended": (0.0, 1.0),
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Source(Strict):
    """Where evidence comes from: a seed article or a publication."""

    outlet: str
    date: str = Field(description="ISO date, or a bound such as '>= 2024-12-15' when the source is undated")
    file: str | None = Field(None, description="seed file name in ../shared/seeds")
    url: str | None = None
    title: str | None = None
    note: str | None = None


class Issue(Strict):
    """One negotiated dimension on a 0-100 scale."""

    label: str
    base: bool = Field(False, description="true for base-access issues, which get an outcome category")
    anchors: dict[int, str] = Field(default_factory=dict, description="what points of the 0-100 scale mean")
    status_quo: Value = Field(description="reference point at the start (0-100)")
    disagreement: Value = Field(description="value that applies if talks break down (or, for deadline-based "
                                            "mechanisms, if no agreement by the deadline) (0-100)")
    presence: Value | None = Field(
        None, description="base issues: physical presence (0-100, same anchors) while talks go on; omitted = "
                          "status_quo")
    drift_target: Value | None = Field(
        None, description="base issues: where presence drifts while talks go on (0-100); omitted = the "
                          "starting presence (it persists)")
    drift_rate: Value = Field(0.0, description="base issues: share of the gap to drift_target closed per month "
                                               "(0-1); 0 = presence persists")
    legal_status: Literal["in_force", "suspended"] = Field(
        "in_force", description="base issues: legal status of the old agreement at the start; events may "
                                "suspend it (path issues.<id>.suspended, set: 1)")
    description: str = ""

    @field_validator("anchors")
    @classmethod
    def _anchor_range(cls, anchors: dict[int, str]) -> dict[int, str]:
        bad = [k for k in anchors if not 0 <= k <= 100]
        if bad:
            raise ValueError(f"anchor points must lie on the 0-100 scale, got {bad}")
        return anchors


class Actor(Strict):
    """A stakeholder: its power, attitudes and per-issue interests."""

    name: str
    role: Literal["veto", "influencer"] = Field(
        "influencer", description="veto players must consent to an agreement; influencers press on others")
    capability: Value = Field(description="relative power (>= 0; only ratios matter)")
    risk: Value = Field(0.0, description="risk attitude in [-1, 1]; 0 neutral, > 0 risk-averse")
    outside_option: Value | None = Field(
        None, description="utility (0-1) of walking away; omitted = utility of the disagreement outcome")
    concession: Value = Field(
        1.0, description="time-dependent concession exponent beta: < 1 Boulware, 1 linear, > 1 conceder")
    discount: Value = Field(
        0.97, description="discount factor per month (0-0.9999): the cost of delay in the coercive bargaining "
                          "mechanism; lower = more impatient")
    positions: dict[str, Value] = Field(description="ideal point per issue (0-100)")
    salience: dict[str, Value] = Field(description="how much each issue matters (0-1)")
    reservation: dict[str, Value] = Field(
        default_factory=dict,
        description="worst value the actor will concede to per issue (0-100); omitted = the issue's disagreement")
    brief: str = Field("", description="private brief shown only to this role in the classroom")
    description: str = ""


class Relation(Strict):
    """A directed edge 'FROM->TO': how much FROM pulls TO's positions, and their alignment."""

    influence: Value = Field(0.0, description="strength of FROM's pull on TO (0-1)")
    alignment: Value = Field(0.0, description="affinity from hostile (-1) to aligned (+1)")


class Effect(Strict):
    """Change one parameter: exactly one of set / add / scale."""

    path: str
    set: float | None = None
    add: float | None = None
    scale: float | None = None

    @model_validator(mode="after")
    def _one_op(self) -> Effect:
        ops = [op for op in ("set", "add", "scale") if getattr(self, op) is not None]
        if len(ops) != 1:
            raise ValueError(f"an effect needs exactly one of set / add / scale, got {ops or 'none'}")
        return self

    @property
    def op(self) -> str:
        return next(op for op in ("set", "add", "scale") if getattr(self, op) is not None)

    @property
    def value(self) -> float:
        return float(getattr(self, self.op))


class RoleVisibility(Strict):
    roles: list[str] = Field(min_length=1)


class Event(Strict):
    """A scheduled (``at_round``) or probabilistic (``probability`` per round, within ``window``) event."""

    label: str
    description: str = ""
    at_round: int | None = Field(None, ge=1)
    probability: Value | None = Field(None, description="chance per round (0-1)")
    window: tuple[int, int] | None = Field(None, description="[first, last] round a probabilistic event may fire")
    once: bool = True
    effects: list[Effect] = Field(default_factory=list)
    visibility: Literal["public"] | RoleVisibility = "public"
    source: str | None = None
    library_only: bool = Field(False, description="never fires by itself; a facilitator may inject it")

    @model_validator(mode="after")
    def _timing(self) -> Event:
        if not self.library_only and (self.at_round is None) == (self.probability is None):
            raise ValueError("an event needs exactly one of at_round or probability (or library_only: true)")
        return self


class MechanismSpec(Strict):
    name: str = "coercive"
    params: dict[str, Any] = Field(default_factory=dict)


class Dynamics(Strict):
    influence_rate: Value = Field(0.1, description="share of the influence pull applied per round (0-1)")
    alignment_weight: Value = Field(
        0.0, description="how far relation alignment signs the influence (0-1): 0 ignores alignment; 1 makes "
                         "hostile ties repel and aligned ties attract in proportion to alignment")
    outside_support: Value = Field(
        0.0, description="how far third parties' backing moves a veto player's outside option (0-1): it gains "
                         "w * sum_k influence_ki * alignment_ki over the non-veto actors k, so events that change "
                         "relations change the alternatives; 0 (default) leaves outside options to events alone")


class Outcomes(Strict):
    thresholds: tuple[float, float, float, float] = Field(
        (12.5, 37.5, 62.5, 87.5),
        description="cut points on a base issue between withdrawal | access_only | reduced_presence | "
                    "new_terms | terms_2017")

    @field_validator("thresholds")
    @classmethod
    def _increasing(cls, t: tuple[float, ...]) -> tuple[float, ...]:
        if list(t) != sorted(t) or len(set(t)) != len(t) or t[0] <= 0 or t[-1] >= 100:
            raise ValueError("thresholds must be strictly increasing inside (0, 100)")
        return t


class Evidence(Strict):
    """Support for a parameter: a source id with a paraphrased note, or an explicit assumption."""

    source: str | None = None
    note: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _cited_or_assumed(self) -> Evidence:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("evidence needs exactly one of 'source' (with 'note') or 'assumption'")
        if self.source is not None and not self.note:
            raise ValueError("a cited source needs a paraphrased 'note'")
        return self


class Scenario(Strict):
    """A whole scenario file after ``extends:`` is resolved."""

    schema_version: Literal[1] = Field(1, alias="schema")
    name: str
    title: str
    question: str = Field(description="the one-line question this scenario asks")
    description: str = ""
    as_of: str = Field(description="date of the knowledge the scenario represents")
    extends: str | None = None
    sources: dict[str, Source] = Field(default_factory=dict)
    issues: dict[str, Issue] = Field(min_length=1)
    actors: dict[str, Actor] = Field(min_length=2)
    relations: dict[str, Relation] = Field(default_factory=dict)
    events: dict[str, Event] = Field(default_factory=dict)
    mechanism: MechanismSpec = Field(default_factory=MechanismSpec)
    rounds: int = Field(24, ge=1, le=600, description="months simulated (one round = one month): the deadline of "
                        "deadline-based mechanisms (bargaining), the safety cap of the coercive mechanism (runs "
                        "still talking then are reported as unresolved, never as a deal)")
    dynamics: Dynamics = Field(default_factory=Dynamics)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    sweeps: dict[str, Any] = Field(default_factory=dict, description="named sweep designs (see docs/sweeps.md)")

    _path: str | None = PrivateAttr(None)
    _hash: str = PrivateAttr("")
    _lines: dict[tuple[str, ...], tuple[str, int]] = PrivateAttr(default_factory=dict)
    _provenance: Any = PrivateAttr(None)  # sim.scenario.provenance.Provenance for a file that extends another

    @property
    def path(self) -> str | None:
        """File the scenario was loaded from."""
        return self._path

    @property
    def hash(self) -> str:
        """SHA-256 of the resolved scenario content (after ``extends:``)."""
        return self._hash

    @property
    def provenance(self) -> Any:
        """What this file changes over the one it extends (None when it extends nothing)."""
        return self._provenance

    def line_of(self, path: str) -> tuple[str, int] | None:
        """(file, line) where a dotted path was written, or None."""
        parts = tuple(path.split("."))
        for cut in range(len(parts), 0, -1):
            if parts[:cut] in self._lines:
                return self._lines[parts[:cut]]
        return None

    @property
    def veto_players(self) -> list[str]:
        return [a for a, actor in self.actors.items() if actor.role == "veto"]

    @property
    def base_issues(self) -> list[str]:
        return [i for i, issue in self.issues.items() if issue.base]

    @field_validator("issues", "actors", "events", "sources")
    @classmethod
    def _ids(cls, mapping: dict[str, Any]) -> dict[str, Any]:
        import re

        bad = [k for k in mapping if not re.match(ID_PATTERN, str(k))]
        if bad:
            raise ValueError(f"ids must start with a letter and use letters, digits, '_': {bad}")
        return mapping
