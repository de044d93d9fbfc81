"""Features from the patient timeline: hourly ICU features (batch and streaming), bedside scores,
tabular encounter features, and the leakage guard that checks every sample."""

from osler.features.hourly import FeatureBlock, feature_names, featurize
from osler.features.leakage import check_no_leakage
from osler.features.scores import ClinicalScore, load_score
from osler.features.stay import (DYNAMIC_VARIABLES, STATIC_VARIABLES, StayFrame,
                                 icu_stays, stay_frame)
from osler.features.stream import IncrementalFeaturizer

__all__ = ["ClinicalScore", "DYNAMIC_VARIABLES", "FeatureBlock", "IncrementalFeaturizer",
           "STATIC_VARIABLES", "StayFrame", "check_no_leakage", "feature_names", "featurize",
           "icu_stays", "load_score", "stay_frame"]
