"""``scenarios: [...]`` in a sweep: the scenario file as a factor, the way ``mechanisms: [...]`` makes the
mechanism one. Every design point runs once per scenario with the same seeds (common random numbers), so the
differences between scenarios are not seed noise. Swept parameter paths must exist in every listed scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import ScenarioError

if TYPE_CHECKING:
    from .checks import Collector


def scenario_arms(c: Collector, raw: Any, evaluator: str, base_dir: Path | None) -> tuple[dict[str, Any], ...]:
    """The ``scenarios:`` list: at least two scenario files (a path, or ``{file, label}``) with distinct labels
    (default: the scenario's name). Each arm records the file's resolved path and content hash."""
    from sim.scenario.loader import load_scenario

    if evaluator != "model":
        c.add(("scenarios",), "scenarios can only be compared with the model evaluator")
        return ()
    if not isinstance(raw, list) or len(raw) < 2:
        c.add(("scenarios",), "expected a list of at least two scenario files, e.g. [baseline.yaml, other.yaml]")
        return ()
    arms: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        file, label = (item.get("file"), item.get("label")) if isinstance(item, dict) else (item, None)
        if isinstance(item, dict) and set(item) - {"file", "label"}:
            c.add(("scenarios", i), f"unknown key(s) {sorted(set(item) - {'file', 'label'})}; expected file, label")
        if not isinstance(file, str):
            c.add(("scenarios", i), "expected the path of a scenario file (or {file: ..., label: ...})")
            continue
        path = (base_dir / file).resolve() if base_dir and not Path(file).is_absolute() else Path(file)
        if not path.exists():
            c.add(("scenarios", i), f"scenario file not found: {path}")
            continue
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            c.add(("scenarios", i), f"scenario does not load: {str(exc).splitlines()[0]}")
            continue
        label = label if label is not None else scenario.name
        if not arm_label_ok(c, ("scenarios", i), label, arms, "give the files distinct labels ({file: ..., "
                                                               "label: ...})"):
            continue
        arms.append({"label": label, "scenario": str(path), "hash": scenario.hash})
    return tuple(arms)


def shared_paths(arms: tuple[dict[str, Any], ...]) -> set[str]:
    """The parameter paths every scenario arm has (the ones a sweep over these scenarios may vary)."""
    from sim.scenario import compile_scenario, load_scenario

    sets = [set(compile_scenario(load_scenario(a["scenario"])).parameter_paths()) for a in arms]
    return set.intersection(*sets) if sets else set()


def arm_label_ok(c: Collector, where: tuple[Any, ...], label: Any, arms: list[dict[str, Any]], hint: str) -> bool:
    """Whether ``label`` can name one more arm of a factor (non-empty text, not used yet); else one located error
    ending in ``hint`` (how to tell the arms apart)."""
    if not isinstance(label, str) or not label:
        c.add((*where, "label"), "expected a non-empty text label")
        return False
    if label in {a["label"] for a in arms}:
        c.add(where, f"label {label!r} is used twice; {hint}")
        return False
    return True
