"""Decision policies: model-driven (the default), scripted, human. A human player is just another policy."""

from sim.policies.base import Policy, Pressure
from sim.policies.scripted import ScriptedPolicy

ModelPolicy = Policy

__all__ = ["ModelPolicy", "Policy", "Pressure", "ScriptedPolicy"]
