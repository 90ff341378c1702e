"""The explicit list of built-in mechanisms, as data: name -> ``"module:Class"``.

It lives on the ground floor so that the scenario layer can check a file's mechanism name (and say where it was
written) without importing any mechanism; :mod:`sim.mechanisms.registry` loads the classes from it. A new
mechanism is one line here (see docs/howto/add-a-mechanism.md).
"""

from __future__ import annotations

#: name -> "module:Class" of every built-in mechanism, in the order tools list them.
MECHANISMS: dict[str, str] = {
    "coercive": "sim.mechanisms.coercive:CoerciveBargaining",
    "bargaining": "sim.mechanisms.bargaining:AlternatingOffers",
    "compromise": "sim.mechanisms.compromise:CompromiseModel",
    "bdm": "sim.mechanisms.bdm:BDMChallenge",
    "ktab": "sim.mechanisms.ktab:KTABSpatial",
    "ktab_smp": "sim.mechanisms.ktab_smp:KTABSMP",
    "exchange": "sim.mechanisms.exchange:ExchangeModel",
}


def unknown_mechanism(name: str) -> str | None:
    """The one-line message for a name that is not listed, or None when ``name`` is a mechanism."""
    if name in MECHANISMS:
        return None
    return f"unknown mechanism '{name}'; expected one of: {', '.join(sorted(MECHANISMS))}"
