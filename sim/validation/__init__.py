"""External validation: score the mechanisms on real decisions with known outcomes (the DEU data set)."""

from sim.validation.deu import CITATION, DataMissing, DEUIssue, default_path, load_deu

__all__ = ["CITATION", "DEUIssue", "DataMissing", "default_path", "load_deu"]
