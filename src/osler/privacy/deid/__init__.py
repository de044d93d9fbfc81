"""De-identification of notes, FHIR resources and DICOM headers under one key.

pydicom is imported only when DICOM is de-identified (extra ``imaging``); python-crfsuite
only when a PHI tagger is trained (``osler.privacy.deid.learn``, extra ``nlp``).
"""

from osler.privacy.deid.detect import detect_phi
from osler.privacy.deid.dicom import (BURNED_IN_MODALITIES, DicomResult, deidentify_dataset,
                                      deidentify_dicom_dir)
from osler.privacy.deid.fhir import deidentify_bundle, deidentify_resource
from osler.privacy.deid.patient import detect_phi_notes
from osler.privacy.deid.spans import PHI_TYPES, PhiSpan
from osler.privacy.deid.tagger import PhiTagger
from osler.privacy.deid.text import PROFILES, DeidentifiedText, deidentify_notes, deidentify_text

__all__ = [
    "BURNED_IN_MODALITIES",
    "DeidentifiedText",
    "DicomResult",
    "PHI_TYPES",
    "PROFILES",
    "PhiSpan",
    "PhiTagger",
    "deidentify_bundle",
    "deidentify_dataset",
    "deidentify_dicom_dir",
    "deidentify_notes",
    "deidentify_resource",
    "deidentify_text",
    "detect_phi",
    "detect_phi_notes",
]
