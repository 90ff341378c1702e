"""Outcome classification shared by every mechanism: per-base category, agreement, utilities."""

from sim.outcomes.classify import CATEGORIES, CATEGORY_LABELS, Outcome, categorize, category_level, classify

__all__ = ["CATEGORIES", "CATEGORY_LABELS", "Outcome", "categorize", "category_level", "classify"]
