"""The real reference data sets: every patient and stay is read, counts match the sources."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections import Counter

import pytest

from osler.ingest import read_physionet2012, read_physionet2019
from osler.pipelines.ingest_job import ingest_paths
from osler.store import open_store

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

_KIND = {"Encounter": "encounter", "Condition": "condition", "AllergyIntolerance": "condition",
         "MedicationRequest": "medication", "Immunization": "medication",
         "MedicationAdministration": "medication", "Procedure": "procedure",
         "DocumentReference": "note", "ImagingStudy": "imaging_study", "Consent": "consent"}


def _independent_fhir_counts(folder) -> tuple[int, Counter]:
    """Count patients and events straight from the JSON, by the mapping's documented rules."""
    patients, kinds = 0, Counter()
    for path in sorted(folder.glob("*.json.gz")):
        for entry in json.loads(gzip.decompress(path.read_bytes()))["entry"]:
            r = entry["resource"]
            t = r["resourceType"]
            patients += t == "Patient"
            if t == "Observation":
                kinds["observation"] += len(r.get("component", [])) if (
                    r.get("component") and not any(k.startswith("value") for k in r)) else \
                    1 + len(r.get("component", []))
            elif t == "DiagnosticReport":
                kinds["note" if r.get("presentedForm") else "observation"] += 1
            elif t in _KIND:
                kinds[_KIND[t]] += 1
    return patients, kinds


def test_all_synthea_bundles_are_stored_and_counts_match_the_json(shared_data, tmp_path):
    folder = shared_data / "synthea-fhir-r4"
    with open_store(tmp_path / "s.duckdb") as store:
        report = ingest_paths([folder], store)
        stats = store.stats()
        again = ingest_paths([folder], store)
        assert store.stats() == stats  # re-ingest is a no-op
    patients, kinds = _independent_fhir_counts(folder)
    assert report.quarantined == [] and again.quarantined == []
    assert stats["patients"] == patients == 492
    assert {k: stats[k] for k in kinds} == dict(kinds)
    assert len(report.no_patient_data) == 2  # the Organization and Practitioner bundles
    assert report.sources["fhir-bundle"] == 494


def test_all_sepsis_stays_are_read(shared_data):
    path = shared_data / "sepsis-2019" / "training_setB_dev.zip"
    with zipfile.ZipFile(path) as zf:
        members = [n for n in zf.namelist() if n.endswith(".psv")]
        hours = sum(len(zf.read(n).splitlines()) - 1 for n in members[:200])
    errors = []
    stays, labels_200 = 0, 0
    for i, rec in enumerate(read_physionet2019(path, on_error=errors.append)):
        stays += 1
        if i < 200:
            labels_200 += len(rec.labels)
    assert errors == [] and stays == len(members) == 14965
    assert labels_200 == hours  # one SepsisLabel per input hour


def test_all_2012_stays_are_read_with_outcomes(shared_data):
    folder = shared_data / "icu-mortality-2012"
    outcomes = {r["RecordID"]: r for r in csv.DictReader(
        io.StringIO((folder / "Outcomes-a.txt").read_text()))}
    with zipfile.ZipFile(folder / "set-a.zip") as zf:
        stays = {n.rsplit("/", 1)[-1].removesuffix(".txt") for n in zf.namelist()
                 if n.endswith(".txt")}
    errors = []
    records = list(read_physionet2012(folder / "set-a.zip", outcomes=folder / "Outcomes-a.txt",
                                      on_error=errors.append))
    # the outcomes file lists 4,000 records; 3,996 of them have a stay file in set a
    assert errors == [] and len(records) == len(stays) == 3996
    assert {r.patient_id for r in records} == stays <= set(outcomes)
    deaths = sum(int(outcomes[s]["In-hospital_death"]) for s in stays)
    assert sum(lab.value for rec in records for lab in rec.labels
               if lab.name == "In-hospital_death") == deaths
