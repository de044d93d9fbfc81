"""IWPC dosing algorithms: coefficients applied as published, VKORC1 imputed as IWPC did."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from osler.genomics.dosing import dosing_inputs, iwpc_dose


def _patient(**kw) -> dict:
    base = {"Age": "50 - 59", "Height (cm)": 170.0, "Weight (kg)": 70.0, "Race": "White",
            "Cyp2C9 genotypes": "*1/*1", "VKORC1 -1639 consensus": "G/G",
            "Amiodarone (Cordarone)": 0, "Carbamazepine (Tegretol)": 0}
    return {**base, **kw}


def test_pharmcogenetic_formula_by_hand() -> None:
    frame = pd.DataFrame([_patient(**{"Cyp2C9 genotypes": "*1/*3", "VKORC1 -1639 consensus": "A/A",
                                      "Race": "Asian", "Amiodarone (Cordarone)": 1})])
    root = (5.6044 - 0.2614 * 5 + 0.0087 * 170 + 0.0128 * 70 - 1.6974 - 0.9357 - 0.1092 - 0.5503)
    assert iwpc_dose(dosing_inputs(frame), "pharmacogenetic")[0] == pytest.approx(root ** 2)


def test_clinical_formula_by_hand() -> None:
    frame = pd.DataFrame([_patient(Race="Black or African American",
                                   **{"Carbamazepine (Tegretol)": 1})])
    root = 4.0376 - 0.2546 * 5 + 0.0118 * 170 + 0.0134 * 70 + 0.4060 + 1.2799
    assert iwpc_dose(dosing_inputs(frame), "clinical")[0] == pytest.approx(root ** 2)


def test_unknown_genotypes_use_the_unknown_coefficients() -> None:
    frame = pd.DataFrame([_patient(**{"Cyp2C9 genotypes": "*1/*11", "VKORC1 -1639 consensus": None,
                                      "Race": "Unknown"})])
    root = 5.6044 - 0.2614 * 5 + 0.0087 * 170 + 0.0128 * 70 - 0.4854 - 0.2188 - 0.1032
    assert iwpc_dose(dosing_inputs(frame), "pharmacogenetic")[0] == pytest.approx(root ** 2)


def test_vkorc1_imputed_from_linked_snps_by_race() -> None:
    frame = pd.DataFrame([
        _patient(**{"VKORC1 -1639 consensus": None, "VKORC1 2255 consensus": "T/T"}),
        _patient(Race="Black or African American",
                 **{"VKORC1 -1639 consensus": None, "VKORC1 2255 consensus": "T/T"}),
        _patient(Race="Black or African American",
                 **{"VKORC1 -1639 consensus": None, "VKORC1 1173 consensus": "C/T"}),
    ])
    x = dosing_inputs(frame)
    assert x["vkorc1"].tolist()[0] == "A/A" and x["vkorc1_imputed"].tolist() == [True, False, True]
    assert pd.isna(x["vkorc1"].iloc[1]) and x["vkorc1"].iloc[2] == "A/G"


def test_age_decades_and_bad_algorithm() -> None:
    x = dosing_inputs(pd.DataFrame([_patient(Age="90+"), _patient(Age=None)]))
    assert x["age_decades"].iloc[0] == 9 and math.isnan(x["age_decades"].iloc[1])
    with pytest.raises(ValueError, match="'algorithm' must be one of"):
        iwpc_dose(x, "fixed")
