"""Drug flags from the free-text IWPC ``Medications`` column (synthetic rows only)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from osler.pipelines._warfarin_text import (DRUG_PATTERNS, medication_count, medication_features,
                                            named)


@pytest.mark.parametrize(("text", "drug", "expected"), [
    ("amiodarone", "amiodarone", 1.0),
    ("Cordarone or Pacerone or Amiodarone", "amiodarone", 1.0),  # one item naming brands
    ("aspirin; pacerone", "amiodarone", 1.0),
    ("amiodorone", "amiodarone", 1.0),  # misspelt as in the source lists
    ("not amiodarone; not cordarone; not pacerone", "amiodarone", 0.0),
    ("no amiodarone", "amiodarone", 0.0),
    ("Dilantin", "enzyme_inducer", 1.0),
    ("tegretol xr", "enzyme_inducer", 1.0),
    ("rifampin", "enzyme_inducer", 1.0),
    ("phenobarbital", "enzyme_inducer", 1.0),
    ("not carbamazepine; not phenytoin", "enzyme_inducer", 0.0),
    ("fluconazole", "azole_systemic", 1.0),
    ("clotrimazole cream; ketoconazole cream", "azole_systemic", 0.0),  # topical only
    ("atorvastatin calcium", "statin", 1.0),
    ("Zocor", "statin", 1.0),
    ("nystatin", "statin", 0.0),
    ("aspirin and/or palvix and/or dipyridamole", "antiplatelet", 1.0),
    ("ferrous sulfate", "aspirin", 0.0),
])
def test_named_reads_synonyms_and_negation(text: str, drug: str, expected: float) -> None:
    assert named(pd.Series([text]), DRUG_PATTERNS[drug]).iloc[0] == expected


def test_no_list_is_missing_not_zero() -> None:
    flags = named(pd.Series(["aspirin", None]), DRUG_PATTERNS["aspirin"])
    assert flags.iloc[0] == 1.0 and math.isnan(flags.iloc[1])


def test_medication_count_skips_negated_and_empty_items() -> None:
    counts = medication_count(pd.Series(["aspirin; not amiodarone; digoxin;", "none",
                                         "no interacting medications", None]))
    assert counts.iloc[:3].tolist() == [2.0, 0.0, 0.0] and math.isnan(counts.iloc[3])


def test_medication_features_without_the_column() -> None:
    frame = pd.DataFrame({"Age": ["60 - 69", "70 - 79"]})
    features = medication_features(frame)
    assert list(features.columns) == [f"med_{d}" for d in DRUG_PATTERNS] + ["med_count"]
    assert features.isna().all().all()
