"""The Mesa model: sequences monthly rounds (events -> influence -> mechanism) and records what happened.

No negotiation math lives here: influence and the round protocol come from ``sim.mechanisms``, decisions from
each Stakeholder's policy.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.core.seeds import replication_generator
from sim.errors import MechanismError, ScenarioError
from sim.mechanisms.base import FinalOutcome, Mechanism
from sim.mechanisms.influence import apply_influence
from sim.mechanisms.registry import check_scenario_mechanism, create
from sim.model.agents import Stakeholder
from sim.model.events import EventSchedule, FiredEvent, apply_effects
from sim.model.mesa_compat import release_mesa_models
from sim.model.records import RoundRecord
from sim.outcomes.classify import Outcome, classify
from sim.outcomes.timeline import Timeline
from sim.policies.base import Policy
from sim.scenario.compiled import CompiledScenario
from sim.scenario.schema import Event


class NegotiationModel(mesa.Model):
    """One replication of a compiled scenario.

    ``mechanism`` (a registered name) replaces the scenario's mechanism; ``policies`` maps actor ids to decision
    policies (default: the model policy); ``overrides`` sets parameters by path after sampling.
    """

    def __init__(self, compiled: CompiledScenario, seed: int | np.random.SeedSequence | None = None, *,
                 mechanism: str | Mechanism | None = None, mechanism_params: dict | None = None,
                 policies: dict[str, Policy] | None = None, overrides: dict[str, float] | None = None,
                 record: bool = True, sample: bool = True) -> None:
        release_mesa_models()  # Mesa 3.3 would otherwise keep every finished model alive
        generator = replication_generator(seed)
        start = generator.bit_generator.state
        super().__init__(rng=generator)
        # Mesa's own set-up may consume draws (seeding ``self.random``); rewinding makes the simulation's stream
        # start at the seed's first draw, whatever Mesa's internals (so the batch path can reproduce it).
        generator.bit_generator.state = start
        self.rng = generator
        self.compiled = compiled
        self.record = record
        self.values = compiled.sample(self.rng if sample else None, overrides)
        self.state = self.values.state
        self.mechanism = self._make_mechanism(mechanism, mechanism_params)
        policies = policies or {}
        unknown = set(policies) - set(compiled.actor_ids)
        if unknown:
            raise ScenarioError(f"policies given for unknown actors: {sorted(unknown)}")
        self.stakeholders = [
            Stakeholder(self, actor_id, index, compiled.scenario.actors[actor_id].name,
                        policies.get(actor_id, Policy()))
            for index, actor_id in enumerate(compiled.actor_ids)
        ]
        self.policies = [s.policy for s in self.stakeholders]
        self._pressing = [s for s in self.stakeholders if type(s.policy).pressure is not Policy.pressure]
        self.schedule = EventSchedule.for_scenario(compiled)
        self.injected: list[tuple[str, Event]] = []
        self.history: list[RoundRecord] = []
        self.final: FinalOutcome | None = None
        self.agreement_round: int | None = None
        self.mechanism.start(self.state, self.rng)

    def _make_mechanism(self, mechanism: str | Mechanism | None, params: dict | None) -> Mechanism:
        if isinstance(mechanism, Mechanism):
            return mechanism
        spec = self.compiled.scenario.mechanism
        if mechanism is None or mechanism == spec.name:
            try:
                return create(spec.name, self.values.mechanism_params(spec.params) | (params or {}))
            except MechanismError:
                check_scenario_mechanism(self.compiled.scenario)  # the file's own options: say where they are
                raise
        return create(mechanism, params or {})

    @property
    def finished(self) -> bool:
        return self.final is not None

    def step(self) -> None:
        """Play one round; does nothing once the run has finished."""
        if self.final is not None:
            return
        state = self.state
        state.round += 1
        record = RoundRecord(round=state.round, events=self._fire_events())
        extra = [(s.index, p.target, p.issue, p.strength) for s in self._pressing for p in s.pressure_moves()]
        apply_influence(state, self.values.influence_rate, extra, self.values.alignment_weight)
        result = self.mechanism.step(state, self.rng, self.policies)
        state.clip_positions()
        record.proposer, record.offer, record.accepted = result.proposer, result.offer, result.accepted
        forecast = self.mechanism.classifier.get("outcome") == "forecast"
        if result.agreement is not None:
            record.agreed = True
            self._finish(FinalOutcome(package=result.agreement, agreed=True,
                                      status="forecast" if forecast else "signed"))
        elif result.info.get("breakdown_by") is not None:
            self._finish(FinalOutcome(package=state.disagreement.copy(), agreed=False, status="breakdown",
                                      breakdown_by=int(result.info["breakdown_by"])))
        elif state.round >= state.n_rounds:
            final = self.mechanism.finish(state, self.rng)
            if forecast:
                final.status = "forecast"
            self._finish(final)
        else:
            state.drift_presence()
        self._record_state(record)
        if self.record:
            record.positions = state.position.copy()
        self.history.append(record)

    def run(self) -> Outcome:
        """Play rounds until agreement or the deadline; return the classified outcome."""
        while self.final is None:
            self.step()
        return self.outcome()

    def outcome(self) -> Outcome:
        if self.final is None:
            raise RuntimeError("the run has not finished yet")
        return classify(self.state, self.final.package, self.final.agreed, self.agreement_round,
                        self.compiled.scenario.outcomes.thresholds, status=self.final.status,
                        breakdown_by=self.final.breakdown_by, timeline=self.timeline())

    def timeline(self) -> Timeline:
        """Month-by-month talks status, presence and legal status (see ``sim.outcomes.timeline``)."""
        return Timeline.from_records([r.status for r in self.history], [r.presence for r in self.history],
                                     [r.suspended for r in self.history], self.state.n_rounds)

    # --- facilitator / classroom hooks -------------------------------------------------------------------------
    def inject(self, event: Event | str) -> None:
        """Queue a library event (by id) or an ad-hoc Event to fire at the start of the next round."""
        if isinstance(event, str):
            if event not in self.compiled.scenario.events:
                raise ScenarioError(f"unknown event '{event}'", field="events")
            self.injected.append((event, self.compiled.scenario.events[event]))
        else:
            for effect in event.effects:
                if effect.path not in self.values.cells:
                    raise ScenarioError(f"unknown parameter path '{effect.path}'", field="effects")
            self.injected.append((f"adhoc:{event.label}", event))

    def set_parameter(self, path: str, value: float) -> None:
        """Set one parameter by path now (clipped to its bounds)."""
        self.values.set(path, value)

    def force_agreement(self, package: np.ndarray | list[float], note: str = "") -> None:
        """End the run now with ``package`` as the agreement (a facilitator's override)."""
        package = np.clip(np.asarray(package, dtype=float), 0.0, 100.0)
        if package.shape != (self.state.n_issues,):
            raise ValueError(f"expected {self.state.n_issues} issue values, got shape {package.shape}")
        if self.history:
            self.history[-1].agreed, self.history[-1].note = True, note
        self._finish(FinalOutcome(package=package, agreed=True))
        if self.history:
            self._record_state(self.history[-1])

    def reopen(self, note: str = "") -> None:
        """Undo the agreement just reached (a facilitator's veto): talks go on from the next round.

        Positions, events and the random stream stay where the round left them, so a replay that repeats the
        veto repeats the game. Only an agreement before the deadline can be reopened.
        """
        refusal = self.reopen_refusal()
        if refusal:
            raise ValueError(refusal)
        if self.history:
            self.history[-1].agreed, self.history[-1].note = False, note
        self.final, self.agreement_round, self.running = None, None, True
        if self.history:
            self._record_state(self.history[-1])

    def reopen_refusal(self) -> str | None:
        """Why :meth:`reopen` would refuse now, or None when it can reopen."""
        if self.final is None or not self.final.agreed:
            return "there is no agreement to reopen"
        if self.state.round >= self.state.n_rounds:
            return "the agreement came in the last round; there is no round left to reopen talks in"
        return None

    # --- internals ---------------------------------------------------------------------------------------------
    def _fire_events(self) -> list[FiredEvent]:
        fired = []
        for index in self.schedule.due(self.state.round, self.values.event_probability, self.rng):
            event = self.schedule.events[index]
            apply_effects(self.values, event.effects)
            self.schedule.mark(index)
            fired.append(FiredEvent(self.state.round, self.schedule.event_ids[index], event.label))
        for event_id, event in self.injected:
            apply_effects(self.values, event.effects)
            fired.append(FiredEvent(self.state.round, event_id, event.label, injected=True))
        self.injected = []
        return fired

    def _record_state(self, record: RoundRecord) -> None:
        """The world at the end of the month: the talks' status, presence and legal status per issue."""
        final, state = self.final, self.state
        record.status = "open" if final is None else final.status
        settled = final is not None and final.status in ("signed", "breakdown", "forecast")
        record.presence = np.where(state.is_base_issue, final.package, state.presence) if settled \
            else state.presence.copy()
        record.suspended = state.suspended.copy()
        record.breakdown_by = final.breakdown_by if final is not None else None

    def _finish(self, final: FinalOutcome) -> None:
        self.final = final
        if final.agreed:
            self.agreement_round = self.state.round
        self.running = False
