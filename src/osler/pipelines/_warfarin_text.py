"""Drugs named in the free-text ``Medications`` column of an IWPC table, as 0/1 flags.

IWPC sites listed medications as ``;``-separated items, some negated ("not amiodarone",
"no aspirin"), some misspelt ("amiodorone") and some naming brands ("pacerone", "dilantin").
The table's per-drug columns (``Amiodarone (Cordarone)`` ...) are empty for many patients whose
list names the drug, so the learned model reads both. A flag is 1 when an item names the drug and
is not negated, 0 when the list exists without such an item, and missing when there is no list.

>>> import pandas as pd
>>> text = pd.Series(["aspirin; not amiodarone; Pacerone", "no amiodarone", None])
>>> named(text, DRUG_PATTERNS["amiodarone"]).tolist()
[1.0, 0.0, nan]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["DRUG_PATTERNS", "medication_count", "medication_features", "named"]

#: Drug (or class) -> regular expression over one lower-cased list item. Amiodarone and the
#: enzyme inducers are the IWPC interacting drugs; the rest were kept by cross-validation
#: (benchmarks/genomics_warfarin.py) or name a class that shifts the dose.
DRUG_PATTERNS = {
    "amiodarone": r"amiod|cordarone|pacerone",
    "enzyme_inducer": r"carbamazepine|tegretol|phenytoin|dilantin|rifamp|phenobarb|primidone",
    "azole_systemic": r"^(?!.*(cream|topical)).*(fluconazole|itraconazole|voriconazole|"
                      r"posaconazole|ketoconazole|miconazole)",
    "statin": r"\bstatin\b|(?:simva|atorva|prava|rosuva|lova|fluva|pitava|ceriva)sta|zocor|"
              r"lipitor|crestor|pravachol|mevacor|lescol",
    "digoxin": r"digoxin|lanoxin",
    "loop_diuretic": r"furosemide|lasix|torsemide|bumetanide",
    "beta_blocker": r"metoprolol|atenolol|carvedilol|propranolol|sotalol|bisoprolol|toprol",
    "ace_inhibitor_or_arb": r"pril\b|sartan\b",
    "calcium_channel_blocker": r"diltiazem|verapamil|amlodipine|felodipine|nifedipine|norvasc",
    "thiazide": r"hydrochlorothiazide|hctz|chlorthalidone",
    "acetaminophen": r"acetamin|paracetamol|tylenol|percocet",
    "aspirin": r"aspirin|\basa\b",
    "antiplatelet": r"clopidogrel|plavix|palvix|ticlopidine|dipyridamole",
    "vitamin": r"vitamin|\bmvi\b|multi",
    "thyroid_hormone": r"levothyro|synthroid|thyroid",
    "proton_pump_inhibitor": r"pra?zole|nexium",
    "cyp2c9_inhibitor": r"inhibit2c9",
    "cyp2c9_substrate": r"substrate2c9",
    "ssri": r"citalopram|sertraline|paroxetine|fluoxetine|fluvoxamine",
    "allopurinol": r"allopurinol",
    "corticosteroid": r"prednis|hydrocortisone|methylpred",
    "diabetes_drug": r"metformin|glyburide|glipizide|insulin|glimepiride",
}
_NEGATED = re.compile(r"^\s*(?:not|no)\b")
_NOTHING = {"", "none", "no interacting medications"}


def _items(text: pd.Series) -> pd.Series:
    return text.astype("string").fillna("").str.lower().str.split(r"[;,]")


def named(text: pd.Series, pattern: str) -> pd.Series:
    """1.0 where a non-negated list item matches ``pattern``, 0.0 where not, NaN if no list."""
    regex = re.compile(pattern)
    hit = _items(text).map(lambda items: any(regex.search(i) and not _NEGATED.match(i)
                                             for i in items))
    return hit.astype(float).where(text.notna(), np.nan)


def medication_count(text: pd.Series) -> pd.Series:
    """Number of non-negated items in the list (NaN where there is no list)."""
    count = _items(text).map(lambda items: sum(1 for i in items if i.strip() not in _NOTHING
                                               and not _NEGATED.match(i)))
    return count.astype(float).where(text.notna(), np.nan)


def medication_features(frame: pd.DataFrame) -> pd.DataFrame:
    """``med_<drug>`` flags for every entry of :data:`DRUG_PATTERNS` plus ``med_count``."""
    text = frame.get("Medications", pd.Series(pd.NA, index=frame.index, dtype="string"))
    out = pd.DataFrame({f"med_{drug}": named(text, pattern)
                        for drug, pattern in DRUG_PATTERNS.items()}, index=frame.index)
    out["med_count"] = medication_count(text)
    return out
