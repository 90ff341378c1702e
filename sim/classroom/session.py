"""The exercise session: roles, phases, countdown, facilitator actions, all driven through an append-only log.

Every action goes the same way: check who acts and whether the input is valid (raising a
:class:`~sim.classroom.errors.ClassroomError` that changes nothing), append one record to the JSONL log, then
apply the record. Applying a record never fails and never reads the clock, so replaying a log reproduces the
game exactly, and a restarted server resumes by replaying its log. A new session waits in the *lobby* (teams
join, nobody's clock runs) until the facilitator starts the game. Per round the phases are
negotiate -> submit -> adjudicate -> publish; leaving *submit* feeds the submitted moves into the human
actors' :class:`~sim.policies.human.HumanPolicy` and plays one round of the same
:class:`~sim.model.NegotiationModel` the researchers use. After the last round (or an agreement) the
session is in the *debrief* phase.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from sim.classroom.ballot import Ballot, ModelVoter, TeamVoter
from sim.classroom.baseline import game_seed
from sim.classroom.clock import Clock, SystemClock
from sim.classroom.errors import MoveError, PhaseError, ReplayError
from sim.classroom.log import SessionLog, read_log, to_jsonable
from sim.classroom.moves import Move, PressureMove, feed, parse_move
from sim.classroom.roles import FACILITATOR, Role, Roster, new_code
from sim.classroom.settings import Countdown, Settings, versions
from sim.classroom.snapshot import outcome_summary, round_summary, state_snapshot, world_state
from sim.classroom.turns import allowed_moves
from sim.classroom.whitecell import apply_inject, check_inject, check_override

PHASES: tuple[str, ...] = ("negotiate", "submit", "adjudicate", "publish")
DEBRIEF = "debrief"
LOBBY = "lobby"
LOG_FORMAT = 2  # 2: sessions open in the lobby and a "start" record starts the clock (1: the clock ran at once)
MAX_NAME = 40


class ExerciseSession:
    """One classroom game: :meth:`create` a new one, :meth:`resume` after a restart, :meth:`replay` a log."""

    def __init__(self, header: dict[str, Any], log: SessionLog | None, clock: Clock | None = None,
                 scenario: str | Path | None = None) -> None:
        from sim.model import NegotiationModel
        from sim.scenario import compile_scenario, load_scenario

        self.header = header
        self.log = log
        self.clock = clock or SystemClock()
        self.scenario_path = Path(scenario or header["scenario"]["path"])
        scenario = load_scenario(self.scenario_path)
        if scenario.hash != header["scenario"]["hash"]:
            raise ReplayError(f"{self.scenario_path} changed since the session started (hash {scenario.hash} "
                              f"!= {header['scenario']['hash']}); replay needs the original file")
        self.compiled = compile_scenario(scenario)
        self.settings = Settings.from_dict(header["settings"])
        self.seed = int(header["seed"])
        roles = {a: Role(a, r["name"], r["human"], r.get("code")) for a, r in header["roles"].items()}
        self.roster = Roster(roles, header["facilitator_code"])
        self.ballot = Ballot()
        self.human = {a: TeamVoter(self.settings.fallback, self.ballot) for a in self.roster.human_ids}
        policies = {a: self.human.get(a) or ModelVoter(self.ballot) for a in self.compiled.actor_ids}
        self.model = NegotiationModel(self.compiled, seed=game_seed(self.seed), policies=policies)
        self.records: list[dict[str, Any]] = []
        self.round = 1
        self.phase = LOBBY if header.get("format", 1) >= 2 else PHASES[0]
        self.moves: dict[str, Move] = {}
        self.submissions: dict[str, list[dict[str, Any]]] = {}  # this round's moves per team: who, when, what
        self.joined: dict[str, list[dict[str, Any]]] = {a: [] for a in self.roster.human_ids}
        self.rounds: list[dict[str, Any]] = []  # one entry per played round (see _play_round)
        self.injects: list[dict[str, Any]] = []  # every inject, with the round it fires in
        self.overrides: list[dict[str, Any]] = []
        self.paused = False
        self.countdown = Countdown(started=header["t"], duration=self.settings.durations.get(self.phase, 0.0))
        self.published = state_snapshot(self.model)
        self.listeners: list[Any] = []

    # --- construction --------------------------------------------------------------------------------------
    @classmethod
    def create(cls, scenario_path: str | Path, human_roles: list[str], log_path: str | Path, seed: int = 0,
               settings: Settings | None = None, clock: Clock | None = None) -> ExerciseSession:
        """Start a new session; writes the log header (seed, versions, codes) to ``log_path``."""
        from sim.scenario import load_scenario

        path = Path(scenario_path)
        scenario = load_scenario(path)
        unknown = [a for a in human_roles if a not in scenario.actors]
        if unknown:
            raise MoveError(f"unknown roles {unknown}; the scenario has {', '.join(scenario.actors)}")
        if Path(log_path).exists() and Path(log_path).stat().st_size:
            raise ReplayError(f"{log_path} already holds a session; resume it or choose another file")
        clock = clock or SystemClock()
        header = {
            "kind": "header", "seq": 0, "t": clock.now(), "format": LOG_FORMAT, "seed": int(seed),
            "scenario": {"path": str(path.resolve()), "hash": scenario.hash, "name": scenario.name},
            "versions": versions(),
            "settings": asdict(settings or Settings()),
            "roles": {a: {"name": actor.name, "human": a in human_roles,
                          "code": new_code() if a in human_roles else None}
                      for a, actor in scenario.actors.items()},
            "facilitator_code": new_code(3),
        }
        log = SessionLog(log_path)
        log.append(header)
        session = cls(header, log, clock)
        session.records.append(header)
        return session

    @classmethod
    def replay(cls, log_path: str | Path, upto: int | None = None,
               scenario: str | Path | None = None) -> ExerciseSession:
        """Rebuild a session from its log without writing to it (``upto``: last record seq to apply;
        ``scenario``: where the scenario file is now, if it moved; its content hash must still match)."""
        records = read_log(log_path)
        session = cls(records[0], None, scenario=scenario)
        session.records.append(records[0])
        for record in records[1:]:
            if upto is not None and record["seq"] > upto:
                break
            session._apply(record)
            session.records.append(record)
        return session

    @classmethod
    def resume(cls, log_path: str | Path, clock: Clock | None = None) -> ExerciseSession:
        """Reopen a session after a server restart: replay the log, then pause the countdown until told."""
        session = cls.replay(log_path)
        session.log = SessionLog(log_path)
        session.clock = clock or SystemClock()
        if session.phase not in (DEBRIEF, LOBBY):
            session._emit("restart", "system", since=session.records[-1]["t"])
        return session

    # --- who is who ----------------------------------------------------------------------------------------
    def authenticate(self, code: str | None) -> str:
        """The actor id (or ``"facilitator"``) a join code belongs to."""
        return self.roster.authenticate(code).id

    @property
    def finished(self) -> bool:
        return self.phase == DEBRIEF

    @property
    def started(self) -> bool:
        return self.phase != LOBBY

    def remaining(self) -> float:
        if not self.started:
            return self.settings.durations[PHASES[0]]
        return self.countdown.remaining(self.clock.now())

    # --- player actions ------------------------------------------------------------------------------------
    def join(self, code: str | None, name: str = "") -> str:
        """Someone opens the game with ``code``; a team member gives a name (logged, shown in the lobby and next
        to the moves they submit). Returns the actor id (or ``"facilitator"``)."""
        who = self.roster.authenticate(code).id
        if who == FACILITATOR:
            return who
        self._emit("join", who, name=self._name(name))
        return who

    def submit_move(self, code: str | None, raw: dict[str, Any], name: str = "") -> Move:
        """A team submits (or replaces) its move for the current round; ``name`` says which member did."""
        actor = self.roster.player(code).id
        if self.phase == LOBBY:
            raise PhaseError("the game has not started yet: wait for the white cell to start it")
        if self.phase not in ("negotiate", "submit"):
            raise PhaseError(f"moves are taken in the negotiate and submit phases; now: {self.phase}")
        move = parse_move(raw, actor, self.compiled.actor_ids, self.compiled.issue_ids)
        allowed = allowed_moves(self, actor)
        if move.proposal is not None and not allowed["proposal"]:
            raise MoveError(f"only this round's proposer ({allowed['proposer'] or 'nobody'}) puts a package on "
                            "the table; a proposal from you would have no effect")
        if move.response is not None and not allowed["response"]:
            raise MoveError("your answer to the offer would not count: " + allowed["why"])
        self._emit("move", actor, move=move.to_dict(), name=self._name(name, required=False))
        return move

    # --- facilitator actions -------------------------------------------------------------------------------
    def start(self, code: str | None) -> None:
        """Start the game: round 1's countdown begins now (not when the server started)."""
        self.roster.facilitator(code)
        if self.started:
            raise PhaseError("the game has already started")
        self._emit("start", FACILITATOR)

    def advance(self, code: str | None, reason: str = "") -> str:
        """Force the next phase now; returns the new phase."""
        self.roster.facilitator(code)
        self._require_running()
        self._emit("advance", FACILITATOR, reason=reason)
        return self.phase

    def pause(self, code: str | None, reason: str = "") -> None:
        self.roster.facilitator(code)
        self._require_running()
        if self.paused:
            raise PhaseError("the session is already paused")
        self._emit("pause", FACILITATOR, reason=reason)

    def resume_clock(self, code: str | None) -> None:
        self.roster.facilitator(code)
        if not self.paused:
            raise PhaseError("the session is not paused")
        self._emit("resume", FACILITATOR)

    def extend(self, code: str | None, seconds: float) -> None:
        self.roster.facilitator(code)
        self._require_running()
        try:
            seconds = float(seconds)
        except (TypeError, ValueError):
            raise MoveError(f"extend: expected a number of seconds, got {seconds!r}") from None
        if not 0 < seconds <= 3600:
            raise MoveError("extend: give between 1 second and 1 hour")
        self._emit("extend", FACILITATOR, seconds=seconds)

    def inject(self, code: str | None, event_id: str | None = None, *, label: str = "", description: str = "",
               effects: list[dict[str, Any]] | None = None, visibility: str | list[str] = "public") -> None:
        """Queue a library event (``event_id``) or an ad-hoc one (``label`` + ``effects``) for the next round.

        ``visibility`` is ``"public"`` or a list of role ids that see the message; effects apply either way.
        """
        self.roster.facilitator(code)
        if self.finished:
            raise PhaseError("the game is over; open the debrief")
        record = check_inject(self, event_id, label=label, description=description, effects=effects,
                              visibility=visibility)
        self._emit("inject", FACILITATOR, **record)

    def override(self, code: str | None, reason: str, *, package: dict[str, Any] | None = None,
                 parameter: str | None = None, value: Any = None, reopen: bool = False) -> None:
        """Overrule the adjudication: impose an agreement on ``package``, set ``parameter`` to ``value``, or
        ``reopen`` the talks (veto the agreement this round reached, whether the model's or an imposed one)."""
        self.roster.facilitator(code)
        if self.phase != "adjudicate":
            raise PhaseError(f"overrides are made in the adjudicate phase; now: {self.phase}")
        self._emit("override", FACILITATOR, **check_override(self, reason, package, parameter, value, reopen))

    def tick(self) -> bool:
        """Called by a timer: when auto-advance is on and the countdown ran out, advance. True if it did."""
        if self.settings.auto_advance and self.started and not self.paused and not self.finished \
                and self.remaining() <= 0:
            self._emit("advance", "timer", reason="countdown ran out")
            return True
        return False

    # --- the log -------------------------------------------------------------------------------------------
    def _emit(self, kind: str, by: str, **data: Any) -> dict[str, Any]:
        record = {"kind": kind, "seq": len(self.records), "t": self.clock.now(), "by": by,
                  "round": self.round, "phase": self.phase, **data}
        record = json.loads(json.dumps(to_jsonable(record)))  # apply exactly what a replay will read
        if self.log is not None:
            self.log.append(record)
        self._apply(record)
        self.records.append(record)
        for listener in list(self.listeners):
            listener(record)
        return record

    def _apply(self, record: dict[str, Any]) -> None:
        kind, t = record["kind"], record["t"]
        if kind == "move":
            raw = record["move"]
            proposal = raw["proposal"] and {i: raw["proposal"][i] for i in self.compiled.issue_ids}
            self.moves[record["by"]] = Move(
                proposal=proposal, response=raw["response"],
                pressures=tuple(PressureMove(p["target"], p["strength"], p["issue"])
                                for p in raw["pressures"]))
            self.submissions.setdefault(record["by"], []).append(  # issue order, whatever the log's key order
                {"name": record.get("name", ""), "t": t, "seq": record["seq"],
                 "move": self.moves[record["by"]].to_dict()})
        elif kind == "join":
            self.joined.setdefault(record["by"], []).append({"name": record["name"], "t": t})
        elif kind == "start":
            self.phase = PHASES[0]
            self.countdown = Countdown(started=t, duration=self.settings.durations[self.phase])
        elif kind == "advance":
            self._next_phase(t)
        elif kind == "pause":
            self.paused, self.countdown.paused_since = True, t
        elif kind == "restart":
            self.paused, self.countdown.paused_since = True, min(t, record.get("since", t))
        elif kind == "resume":
            since = self.countdown.paused_since if self.countdown.paused_since is not None else t
            self.countdown.paused_total += t - since
            self.paused, self.countdown.paused_since = False, None
        elif kind == "extend":
            self.countdown.duration += record["seconds"]
        elif kind == "inject":
            self._apply_inject(record)
        elif kind == "override":
            self._apply_override(record)
        else:
            raise ReplayError(f"unknown record kind {kind!r} (seq {record.get('seq')})")

    def _apply_inject(self, record: dict[str, Any]) -> None:
        self.injects.append(apply_inject(self, record))

    def _apply_override(self, record: dict[str, Any]) -> None:
        entry = {"seq": record["seq"], "round": self.round, "reason": record["reason"]}
        if "package" in record:
            package = np.array([record["package"][i] for i in self.compiled.issue_ids])
            self.model.force_agreement(package, note=f"facilitator: {record['reason']}")
            entry["package"] = record["package"]
        elif record.get("reopen"):
            self.model.reopen(note=f"facilitator reopened the talks: {record['reason']}")
            entry["reopen"] = True
        else:
            self.model.set_parameter(record["parameter"], record["value"])
            entry.update(parameter=record["parameter"], value=record["value"])
        self.overrides.append(entry)
        if self.rounds:
            if "package" in entry or "reopen" in entry:  # the round's record now says who closed or reopened
                votes = self.rounds[-1]["result"].get("votes")
                self.rounds[-1]["result"] = round_summary(self.model, self.model.history[-1], votes)
            self.rounds[-1]["overrides"].append(entry)
            self.rounds[-1]["after"] = state_snapshot(self.model)
            self.rounds[-1]["world"] = world_state(self.model)
            self.rounds[-1]["outcome"] = outcome_summary(self.model)

    def _next_phase(self, t: float) -> None:
        if self.phase == "submit":
            self._play_round()
        elif self.phase == "adjudicate":
            self.published = state_snapshot(self.model)
            if self.rounds:
                self.rounds[-1]["published"] = True
        if self.phase == "publish":
            if self.settings.class_rounds and self.round >= self.settings.class_rounds:
                self._play_out()
            if self.model.finished:
                self.phase = DEBRIEF
                self.countdown = Countdown(started=t, duration=0.0)
                return
            self.round += 1
            self.phase = PHASES[0]
        else:
            self.phase = PHASES[PHASES.index(self.phase) + 1]
        paused_since = t if self.paused else None
        self.countdown = Countdown(started=t, duration=self.settings.durations[self.phase],
                                   paused_since=paused_since)

    def _play_round(self) -> None:
        """Feed the submitted moves into the human policies and let the model play one round."""
        feed(self.human, self.moves, self.compiled.actor_ids, self.compiled.issue_ids)
        before = state_snapshot(self.model)
        self.ballot.clear()
        self.model.step()
        for policy in self.human.values():
            policy.clear()
        record = self.model.history[-1] if self.model.history else None
        self.rounds.append({
            "round": self.round, "moves": {a: m.to_dict() for a, m in self.moves.items()},
            "submitted_by": {a: [s["name"] for s in subs] for a, subs in self.submissions.items()},
            "result": round_summary(self.model, record, self._votes()), "before": before,
            "after": state_snapshot(self.model), "world": world_state(self.model),
            "outcome": outcome_summary(self.model), "overrides": [], "published": False,
        })
        self.moves, self.submissions = {}, {}

    def _play_out(self) -> None:
        """After the class's last round the model plays every actor up to the scenario's deadline."""
        for policy in self.human.values():
            policy.fallback = "model"
            policy.clear()
        while not self.model.finished:
            before = state_snapshot(self.model)
            self.ballot.clear()
            self.model.step()
            self.rounds.append({
                "round": self.model.state.round, "moves": {},
                "result": round_summary(self.model, self.model.history[-1], self._votes()), "before": before,
                "after": state_snapshot(self.model), "world": world_state(self.model),
                "outcome": outcome_summary(self.model), "overrides": [],
                "published": True, "autoplayed": True,
            })
        self.round = self.model.state.round
        self.published = state_snapshot(self.model)

    # --- helpers -------------------------------------------------------------------------------------------
    def _require_running(self) -> None:
        if self.finished:
            raise PhaseError("the game is over; open the debrief")
        if not self.started:
            raise PhaseError("the game has not started yet: start it first")

    def _votes(self) -> dict[str, dict[str, Any]] | None:
        """Votes the mechanism asked for in the round just played (None when its protocol has no votes)."""
        record = self.model.history[-1] if self.model.history else None
        if record is None or record.accepted is None:
            return None
        return self.ballot.by_actor(self.compiled.actor_ids)

    @staticmethod
    def _name(name: str, required: bool = True) -> str:
        clean = " ".join(str(name or "").split())
        if required and not clean:
            raise MoveError("enter your name, so your team and the white cell see who joined")
        if len(clean) > MAX_NAME:
            raise MoveError(f"name: at most {MAX_NAME} characters")
        return clean


__all__ = ["DEBRIEF", "LOBBY", "PHASES", "ExerciseSession", "Settings"]
