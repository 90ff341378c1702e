"""Session settings and the phase countdown (derived from record times only, so replays rebuild it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Settings:
    """Session options, stored in the log header."""

    durations: dict[str, float] = field(default_factory=lambda: {
        "negotiate": 600.0, "submit": 180.0, "adjudicate": 120.0, "publish": 120.0})
    fallback: str = "model"  # what a human actor does when its team submitted nothing: "model" or "none"
    auto_advance: bool = False  # when a countdown runs out, move to the next phase by itself
    class_rounds: int | None = None  # rounds the class plays; the model plays the rest up to the deadline

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        return cls(durations={**cls().durations, **data.get("durations", {})},
                   fallback=data.get("fallback", "model"), auto_advance=bool(data.get("auto_advance", False)),
                   class_rounds=data.get("class_rounds"))


@dataclass
class Countdown:
    """Phase clock: derived from record times only, so replays rebuild it exactly."""

    started: float = 0.0
    duration: float = 0.0
    paused_since: float | None = None
    paused_total: float = 0.0

    def remaining(self, now: float) -> float:
        stopped = self.paused_total + ((now - self.paused_since) if self.paused_since is not None else 0.0)
        return max(0.0, self.started + self.duration + stopped - now)


def versions() -> dict[str, str]:
    """Versions recorded in the session log: the run manifest's, plus Solara."""
    from sim.experiments.manifest import environment

    return environment(extra=("solara",))
