"""The Mesa model and its Stakeholder agents."""

from sim.model.agents import Stakeholder
from sim.model.model import NegotiationModel, RoundRecord

__all__ = ["NegotiationModel", "RoundRecord", "Stakeholder"]
