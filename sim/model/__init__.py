"""The Mesa model and its Stakeholder agents (loaded on first use: the batch path records rounds without Mesa)."""

from sim.lazy import lazy_names

__all__ = ["NegotiationModel", "RoundRecord", "Stakeholder"]
__getattr__ = lazy_names(__name__, {"NegotiationModel": "sim.model.model", "RoundRecord": "sim.model.records",
                                    "Stakeholder": "sim.model.agents"})
