"""Explanations of predictions as Evidence items linked to source records."""

from osler.explain.attributions import (FeatureSource, hourly_source, mean_abs_contributions,
                                        top_evidence)
from osler.explain.evidence import Evidence, readable_unit

__all__ = ["Evidence", "FeatureSource", "hourly_source", "mean_abs_contributions",
           "readable_unit", "top_evidence"]
