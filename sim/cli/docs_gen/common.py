"""Shared paths and Markdown helpers of the reference generators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.scenario.distributions import Normal, Triangular, Uniform

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"
SCENARIOS = ROOT / "scenarios"


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;")


def num(x: float) -> str:
    return f"{x:g}"


def value_text(value: Any) -> str:
    """A scenario value as a reader writes it: 0.4, uniform 0.35-0.55, normal(50, 10), triangular(...)."""
    if isinstance(value, Uniform):
        return f"uniform {num(value.uniform[0])}-{num(value.uniform[1])}"
    if isinstance(value, Normal):
        return f"normal(mean {num(value.normal[0])}, sd {num(value.normal[1])})"
    if isinstance(value, Triangular):
        lo, mode, hi = value.triangular
        return f"triangular({num(lo)}, {num(mode)}, {num(hi)})"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return num(value)
    return str(value)


def bounds_text(lo: float, hi: float) -> str:
    if hi >= 1e9 and lo <= -1e9:
        return "any number"
    if hi >= 1e9:
        return f">= {num(lo)}"
    return f"[{num(lo)}, {num(hi)}]"


