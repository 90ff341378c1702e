"""What the top file of an ``extends:`` chain changes, and which evidence entries it writes itself.

Evidence coverage uses it to catch a value changed in a child file whose only support is the parent's citation
(the citation was written for the parent's value, not for this one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.scenario.parameters import given_parameters
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Provenance:
    """``changed``: parameter paths whose value differs from the parent's; ``own_evidence``: evidence keys the
    file itself writes (the rest are inherited)."""

    changed: frozenset[str]
    own_evidence: frozenset[str]

    @classmethod
    def of(cls, scenario: Scenario, parent: dict[str, Any], merged: dict[str, Any], file: str) -> Provenance:
        changed = frozenset(path for path in given_parameters(scenario)
                            if _lookup(parent, path) != _lookup(merged, path))
        own = frozenset(key for key in scenario.evidence
                        if scenario._lines.get(("evidence", key), ("", 0))[0] == file)
        return cls(changed, own)


_MISSING = object()


def _lookup(data: Any, path: str) -> Any:
    node = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node
