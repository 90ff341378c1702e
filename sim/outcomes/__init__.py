"""Outcome classification shared by every mechanism: per-base category, agreement, utilities."""

from sim.core.categories import CATEGORIES, CATEGORY_LABELS, categorize, category_level
from sim.outcomes.classify import Outcome, classify
from sim.outcomes.timeline import Timeline

__all__ = ["CATEGORIES", "CATEGORY_LABELS", "Outcome", "Timeline", "categorize", "category_level", "classify"]
