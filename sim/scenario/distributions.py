"""Uncertain parameters: a scenario value may be a number or a distribution sampled per replication.

Forms (YAML):  ``{uniform: [lo, hi]}``, ``{normal: [mean, sd]}`` (truncated to the field's bounds) and
``{triangular: [lo, mode, hi]}``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator


class Uniform(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uniform: tuple[float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        lo, hi = self.uniform
        if not lo <= hi:
            raise ValueError(f"uniform needs [lo, hi] with lo <= hi, got [{lo}, {hi}]")
        return self

    def sample(self, rng: np.random.Generator, lower: float, upper: float) -> float:
        return float(rng.uniform(*self.uniform))

    def support(self) -> tuple[float, float]:
        return self.uniform

    def mean(self) -> float:
        return sum(self.uniform) / 2


class Normal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    normal: tuple[float, Annotated[float, Field(gt=0)]]

    def sample(self, rng: np.random.Generator, lower: float, upper: float) -> float:
        """Truncated to [lower, upper] by rejection (vectorised batches; bounded attempts)."""
        mean, sd = self.normal
        for _ in range(100):
            draws = rng.normal(mean, sd, size=16)
            inside = draws[(draws >= lower) & (draws <= upper)]
            if inside.size:
                return float(inside[0])
        raise ValueError(f"normal{list(self.normal)} has almost no mass inside [{lower}, {upper}]")

    def support(self) -> tuple[float, float]:
        mean, sd = self.normal
        return mean - 3 * sd, mean + 3 * sd

    def mean(self) -> float:
        return self.normal[0]


class Triangular(BaseModel):
    model_config = ConfigDict(extra="forbid")
    triangular: tuple[float, float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        lo, mode, hi = self.triangular
        if not (lo <= mode <= hi and lo < hi):
            raise ValueError(f"triangular needs [lo, mode, hi] with lo <= mode <= hi, got {list(self.triangular)}")
        return self

    def sample(self, rng: np.random.Generator, lower: float, upper: float) -> float:
        return float(rng.triangular(*self.triangular))

    def support(self) -> tuple[float, float]:
        return self.triangular[0], self.triangular[2]

    def mean(self) -> float:
        return sum(self.triangular) / 3


Distribution = Uniform | Normal | Triangular
Value = float | Distribution
"""A numeric scenario parameter: a fixed number or a distribution."""

DISTRIBUTION_KINDS: tuple[Literal["uniform", "normal", "triangular"], ...] = ("uniform", "normal", "triangular")


def central_value(value: Value) -> float:
    """The number a value stands for when no sampling is wanted (a distribution's mean)."""
    return float(value) if isinstance(value, int | float) else value.mean()
