"""Codes the synthetic cohort draws from: SNOMED CT conditions and procedures, RxNorm
ingredients, LOINC observations with UCUM units.

Codes are the public identifiers of SNOMED CT (international release), RxNorm ingredient
concepts (TTY=IN) and LOINC 2.77; they are chosen to resemble what Synthea and ICU systems
emit. The probabilities are rough adult-population figures that make the cohort look
plausible; they are not epidemiological estimates.
"""

from __future__ import annotations

from dataclasses import dataclass

from osler.record import LOINC, RXNORM, SNOMED, Coding

__all__ = ["CHRONIC", "ICU_REASONS", "LAB", "MEDS", "PROCEDURES", "SEPSIS", "SEPSIS_SOURCES",
           "SURGERIES", "VITAL"]


@dataclass(frozen=True)
class ChronicCondition:
    """A chronic condition: its code, prevalence at 40 and 80 years, and the drug that treats it."""

    key: str
    coding: Coding
    prevalence_40: float
    prevalence_80: float
    medication: str | None


def _sct(code: str, display: str) -> Coding:
    return Coding(SNOMED, code, display)


CHRONIC = (
    ChronicCondition("hypertension", _sct("59621000", "Essential hypertension (disorder)"),
                     0.20, 0.65, "lisinopril"),
    ChronicCondition("diabetes", _sct("44054006", "Diabetes mellitus type 2 (disorder)"),
                     0.08, 0.25, "metformin"),
    ChronicCondition("hyperlipidemia", _sct("55822004", "Hyperlipidemia (disorder)"),
                     0.15, 0.45, "atorvastatin"),
    ChronicCondition("ckd", _sct("709044004", "Chronic kidney disease (disorder)"),
                     0.04, 0.25, None),
    ChronicCondition("copd", _sct("13645005", "Chronic obstructive lung disease (disorder)"),
                     0.03, 0.12, "albuterol"),
    ChronicCondition("heart_failure", _sct("84114007", "Heart failure (disorder)"),
                     0.01, 0.12, "furosemide"),
    ChronicCondition("atrial_fibrillation", _sct("49436004", "Atrial fibrillation (disorder)"),
                     0.01, 0.10, "warfarin"),
    ChronicCondition("obesity", _sct("414916001", "Obesity (disorder)"), 0.30, 0.30, None),
    ChronicCondition("liver_disease", _sct("328383001", "Chronic liver disease (disorder)"),
                     0.02, 0.03, None),
)

SEPSIS = _sct("91302008", "Sepsis (disorder)")
#: Where the infection started, for septic stays.
SEPSIS_SOURCES = (
    _sct("233604007", "Pneumonia (disorder)"),
    _sct("68566005", "Urinary tract infectious disease (disorder)"),
    _sct("128045006", "Cellulitis (disorder)"),
)
#: Why a non-septic patient is in a medical ICU.
ICU_REASONS = (
    _sct("22298006", "Myocardial infarction (disorder)"),
    _sct("74474003", "Gastrointestinal hemorrhage (disorder)"),
    _sct("420422005", "Diabetic ketoacidosis (disorder)"),
    _sct("195951007", "Acute exacerbation of chronic obstructive airways disease (disorder)"),
    _sct("230690007", "Cerebrovascular accident (disorder)"),
)
PROCEDURES = {
    "cabg": _sct("232717009", "Coronary artery bypass grafting (procedure)"),
    "colectomy": _sct("23968004", "Colectomy (procedure)"),
    "hip": _sct("52734007", "Total replacement of hip (procedure)"),
    "appendectomy": _sct("80146002", "Appendectomy (procedure)"),
    "intubation": _sct("112798008", "Insertion of endotracheal tube (procedure)"),
}
SURGERIES = ("cabg", "colectomy", "hip", "appendectomy")

MEDS = {name: Coding(RXNORM, code, name) for name, code in (
    ("lisinopril", "29046"), ("amlodipine", "17767"), ("metformin", "6809"),
    ("atorvastatin", "83367"), ("furosemide", "4603"), ("albuterol", "435"),
    ("warfarin", "11289"), ("vancomycin", "11124"), ("ceftriaxone", "2193"),
    ("norepinephrine", "7512"), ("heparin", "5224"), ("acetaminophen", "161"),
    ("aspirin", "1191"),
)}


def _loinc(code: str, display: str, unit: str) -> tuple[Coding, str]:
    return Coding(LOINC, code, display), unit


#: Vital signs: LOINC coding and UCUM unit.
VITAL = {
    "sbp": _loinc("8480-6", "Systolic blood pressure", "mm[Hg]"),
    "dbp": _loinc("8462-4", "Diastolic blood pressure", "mm[Hg]"),
    "bp_panel": _loinc("85354-9", "Blood pressure panel with all children optional", ""),
    "hr": _loinc("8867-4", "Heart rate", "/min"),
    "temp": _loinc("8310-5", "Body temperature", "Cel"),
    "weight": _loinc("29463-7", "Body weight", "kg"),
    "height": _loinc("8302-2", "Body height", "cm"),
    "bmi": _loinc("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2"),
}
#: Laboratory results: LOINC coding and UCUM unit.
LAB = {
    "creatinine": _loinc("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL"),
    "glucose": _loinc("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL"),
    "hba1c": _loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%"),
    "hemoglobin": _loinc("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL"),
    "wbc": _loinc("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL"),
    "platelets": _loinc("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL"),
    "potassium": _loinc("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L"),
    "sodium": _loinc("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L"),
    "lactate": _loinc("2524-7", "Lactate [Moles/volume] in Serum or Plasma", "mmol/L"),
    "bilirubin": _loinc("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL"),
}
