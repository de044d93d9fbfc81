"""Warfarin dosing inputs and the IWPC 2009 dosing algorithms (clinical and pharmacogenetic).

The coefficients are data (``resources/genomics/iwpc_warfarin.json``, citing the NEJM 2009
appendix); this module only turns an IWPC-style table into the algorithms' inputs and applies
them. VKORC1 -1639 is imputed where it is missing from the three linked VKORC1 SNPs by race, the
rule the IWPC used (Klein et al. 2009, appendix), so a missing genotype is not silently "unknown"
when the data can tell.

>>> import pandas as pd
>>> row = pd.DataFrame([{"Age": "60 - 69", "Height (cm)": 170.0, "Weight (kg)": 80.0,
...     "Race": "White", "Cyp2C9 genotypes": "*1/*1", "VKORC1 -1639 consensus": "G/G"}])
>>> round(float(iwpc_dose(dosing_inputs(row), "pharmacogenetic")[0]), 1)
42.8
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from osler.errors import DataError

__all__ = ["ALGORITHMS", "DOSE_COLUMN", "SUBJECT_COLUMN", "dosing_inputs", "iwpc_dose"]

ALGORITHMS = ("pharmacogenetic", "clinical")
DOSE_COLUMN = "Therapeutic Dose of Warfarin"
SUBJECT_COLUMN = "PharmGKB Subject ID"

_RACES = {"White", "Asian", "Black or African American"}
_INDUCERS = ("Carbamazepine (Tegretol)", "Phenytoin (Dilantin)", "Rifampin or Rifampicin")
# VKORC1 SNPs in linkage with -1639 G>A and the -1639 genotype each implies (IWPC appendix).
# rs2359612 (2255C>T) and rs8050894 (1542G>C) are used only outside Black and unknown race,
# where their linkage with -1639 is weaker; rs9934438 (1173C>T) is used for everyone.
_PROXIES = (
    ("VKORC1 2255 consensus", {"C/C": "G/G", "T/T": "A/A", "C/T": "A/G"}, False),
    ("VKORC1 1173 consensus", {"C/C": "G/G", "T/T": "A/A", "C/T": "A/G"}, True),
    ("VKORC1 1542 consensus", {"G/G": "G/G", "C/C": "A/A", "C/G": "A/G"}, False),
)


@lru_cache(maxsize=1)
def _coefficients() -> dict:
    from osler.resources import load_json
    return load_json("genomics/iwpc_warfarin.json", {"source", "version", "algorithms"})


def _age_decades(age: pd.Series) -> pd.Series:
    """IWPC codes age as its decade: '60 - 69' -> 6, '90+' -> 9."""
    text = age.astype("string").str.strip()
    years = pd.to_numeric(text.str.extract(r"^(\d+)")[0], errors="coerce")
    return years.astype("float64") // 10


def _vkorc1(frame: pd.DataFrame, race: pd.Series) -> tuple[pd.Series, pd.Series]:
    """-1639 genotype (observed, else imputed from proxies) and whether it was imputed."""
    observed = frame.get("VKORC1 -1639 consensus", pd.Series(pd.NA, index=frame.index))
    vkorc1 = observed.astype("string")
    imputed = pd.Series(False, index=frame.index)
    allowed_race = ~race.isin(["Black or African American", "missing or mixed"])
    for column, mapping, any_race in _PROXIES:
        if column not in frame:
            continue
        proxy = frame[column].astype("string").map(mapping)
        usable = vkorc1.isna() & proxy.notna() & (allowed_race if not any_race else True)
        vkorc1 = vkorc1.mask(usable, proxy)
        imputed |= usable
    return vkorc1, imputed


def dosing_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """The IWPC algorithms' inputs from an IWPC-format table, one row per patient.

    Returns columns ``age_decades``, ``height_cm``, ``weight_kg``, ``race`` (White, Asian,
    Black or African American, missing or mixed), ``vkorc1`` (G/G, A/G, A/A or <NA>),
    ``vkorc1_imputed``, ``cyp2c9`` (a diplotype such as ``*1/*3`` or <NA>), ``amiodarone`` and
    ``enzyme_inducer`` (0/1; a missing medication field counts as not taken, as in IWPC).
    """
    for needed in ("Age", "Height (cm)", "Weight (kg)", "Race"):
        if needed not in frame:
            raise DataError(f"warfarin data must have the IWPC column {needed!r}; "
                            f"got columns {list(frame.columns)[:8]}...")
    race = frame["Race"].astype("string").where(frame["Race"].isin(_RACES), "missing or mixed")
    out = pd.DataFrame(index=frame.index)
    out["age_decades"] = _age_decades(frame["Age"])
    out["height_cm"] = pd.to_numeric(frame["Height (cm)"], errors="coerce")
    out["weight_kg"] = pd.to_numeric(frame["Weight (kg)"], errors="coerce")
    out["race"] = race.fillna("missing or mixed")
    out["vkorc1"], out["vkorc1_imputed"] = _vkorc1(frame, out["race"])
    out["cyp2c9"] = frame.get("Cyp2C9 genotypes", pd.Series(pd.NA, index=frame.index)).astype("string")
    out["amiodarone"] = _flag(frame, ("Amiodarone (Cordarone)",))
    out["enzyme_inducer"] = _flag(frame, _INDUCERS)
    return out


def _flag(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    flags = [pd.to_numeric(frame[c], errors="coerce").fillna(0) for c in columns if c in frame]
    if not flags:
        return pd.Series(0, index=frame.index)
    return (pd.concat(flags, axis=1).max(axis=1) > 0).astype(int)


def iwpc_dose(inputs: pd.DataFrame, algorithm: str) -> np.ndarray:
    """Weekly warfarin dose (mg/week) by an IWPC 2009 algorithm.

    Parameters
    ----------
    inputs : DataFrame
        From :func:`dosing_inputs`. Age, height and weight must be present: fill them first
        (the IWPC derivation excluded patients without them); a missing one gives NaN.
    algorithm : {'pharmacogenetic', 'clinical'}

    Returns
    -------
    ndarray of float, mg/week (the algorithms predict its square root; this squares it).
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"'algorithm' must be one of {set(ALGORITHMS)}; got {algorithm!r}")
    c = _coefficients()["algorithms"][algorithm]
    root = (c["intercept"] + c["age_decades"] * inputs["age_decades"]
            + c["height_cm"] * inputs["height_cm"] + c["weight_kg"] * inputs["weight_kg"]
            + inputs["race"].map(c["race"]).astype(float)
            + c["enzyme_inducer"] * inputs["enzyme_inducer"]
            + c["amiodarone"] * inputs["amiodarone"])
    if algorithm == "pharmacogenetic":
        root = root + _genotype_term(inputs["vkorc1"], c["vkorc1"])
        root = root + _genotype_term(inputs["cyp2c9"], c["cyp2c9"])
    return np.square(root.to_numpy(dtype=float))


def _genotype_term(genotype: pd.Series, table: dict[str, float]) -> pd.Series:
    """Coefficient per genotype; genotypes the algorithm does not list count as unknown."""
    return genotype.map(table).fillna(table["unknown"]).astype(float)
