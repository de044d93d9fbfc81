"""One person's FHIR export, PACS image and note join into one patient when FHIR is keyed by
the MRN the image's PatientID and the note carry (``patient_identifier``)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import orjson
import pytest

from fhir_factory import expected_counts, patient_bundle
from osler.pipelines.ingest_job import ingest_paths
from osler.store import open_store

MRN_SYSTEM = "http://hospital.example.org/mrn"
MRN = "MRN-TEST-1"


def _sources(root: Path) -> tuple[list[Path], str]:
    """A FHIR bundle (Patient.id a UUID, MRN as identifier), a DICOM file and a note of the
    same MRN; returns the paths and the FHIR server's patient id."""
    pytest.importorskip("pydicom")
    from osler.imaging.synthetic import write_radiograph

    bundle = patient_bundle(1)
    patient = bundle["entry"][0]["resource"]
    patient["identifier"] = [{"system": "urn:other-hospital", "value": "OTHER-7"},
                             {"system": MRN_SYSTEM, "value": MRN}]
    root.mkdir(parents=True, exist_ok=True)
    (root / "export.json").write_bytes(orjson.dumps(bundle))
    write_radiograph(root / "pacs" / "chest.dcm", np.zeros((16, 16), dtype=np.uint8),
                     patient_id=MRN, study_uid="1.2.3", series_uid="1.2.3.4",
                     when=datetime(2020, 1, 2, 9, 0), tz_offset="+0000")
    (root / "notes.jsonl").write_text(json.dumps(
        {"id": "n1", "patient": MRN, "text": "Chest film reviewed. No consolidation.",
         "time": "2020-01-02T10:00:00Z"}) + "\n")
    return [root / "export.json", root / "pacs", root / "notes.jsonl"], patient["id"]


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    return request.getfixturevalue("postgres_url")


def test_fhir_dicom_and_note_of_one_mrn_are_one_patient(tmp_path, store_url):
    paths, _ = _sources(tmp_path / "in")
    options = {"dicom": {"blob_dir": tmp_path / "blobs"}}
    with open_store(store_url) as store:
        report = ingest_paths(paths, store, options=options, patient_identifier=MRN_SYSTEM)
        assert report.exit_code == 0 and report.quarantined == []
        assert store.patient_ids() == [MRN]
        record = store.patient(MRN)
        first = store.stats()
        again = ingest_paths(paths, store, options=options, patient_identifier=MRN_SYSTEM)
        assert again.exit_code == 0 and store.stats() == first  # re-ingest changes nothing
    counts = record.counts()
    fhir = expected_counts(patient_bundle(1))
    assert counts["imaging_study"] == 1 and counts["note"] == fhir["note"] + 1
    assert all(counts[kind] == n for kind, n in fhir.items() if kind != "note")
    assert record.birth_date is not None and record.sex == "female"  # from the FHIR Patient
    assert {e.provenance.source.rsplit("/", 1)[-1] for e in record.events} >= {
        "export.json", "chest.dcm", "notes.jsonl"}


def test_without_the_option_the_same_sources_stay_two_patients(tmp_path):
    paths, server_id = _sources(tmp_path / "in")
    with open_store(str(tmp_path / "s.duckdb")) as store:
        ingest_paths(paths, store, options={"dicom": {"blob_dir": tmp_path / "blobs"}})
        assert sorted(store.patient_ids()) == sorted([MRN, server_id])


def test_a_patient_without_the_mrn_is_quarantined_with_file_and_resource_not_its_values(
        tmp_path):
    bundle = patient_bundle(2)
    patient = bundle["entry"][0]["resource"]
    patient.update(identifier=[{"system": "urn:other-hospital", "value": "MRN-TEST-2"}],
                   name=[{"family": "Quixmoor", "given": ["Zebulon"]}])
    (tmp_path / "no-mrn.json").write_bytes(orjson.dumps(bundle))
    with open_store(str(tmp_path / "s.duckdb")) as store:
        report = ingest_paths([tmp_path / "no-mrn.json"], store, patient_identifier=MRN_SYSTEM)
        assert report.exit_code == 2 and store.patient_ids() == []
        [row] = store.quarantined()
    assert (row["source_file"], row["record"]) == ("no-mrn.json", f"Patient/{patient['id']}")
    assert MRN_SYSTEM in row["reason"] and "events are not stored" in row["reason"]
    assert not any(phi in row["reason"] for phi in ("MRN-TEST-2", "Quixmoor", "Zebulon"))


def test_a_bad_patient_identifier_is_refused_before_anything_is_stored(tmp_path):
    paths, _ = _sources(tmp_path / "in")
    with open_store(str(tmp_path / "s.duckdb")) as store:
        with pytest.raises(ValueError, match="'patient_identifier' parameter must be"):
            ingest_paths(paths, store, patient_identifier="MRN TEST")
        assert store.patient_ids() == [] and store.quarantined() == []
