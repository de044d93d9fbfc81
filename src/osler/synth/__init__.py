"""Seeded synthetic cohort: coherent SYNTHETIC patients for the demo and portable tests.

:func:`generate_cohort` builds patients in memory (demographics, encounters, conditions,
labs, medications, procedures, a note, and for about 15 % an hourly ICU stay in which about
13 % become septic). :func:`write_cohort` writes them as FHIR R4 transaction bundles,
PhysioNet 2019-style ``.psv`` stays, ``labels.csv`` (ground truth) and a README that says
the data are synthetic. Nothing here describes real patients.
"""

from osler.synth.cohort import SyntheticPatient, generate_cohort, synthesize_patient
from osler.synth.fhir_writer import SYNTHETIC_TAGS, bundle_of
from osler.synth.physiology import PSV_COLUMNS, IcuStay, simulate_stay
from osler.synth.psv_writer import labels_csv, psv_text
from osler.synth.write import CohortPaths, write_cohort

__all__ = [
    "CohortPaths",
    "IcuStay",
    "PSV_COLUMNS",
    "SYNTHETIC_TAGS",
    "SyntheticPatient",
    "bundle_of",
    "generate_cohort",
    "labels_csv",
    "psv_text",
    "simulate_stay",
    "synthesize_patient",
    "write_cohort",
]
