"""NDJSON files of one bulk export named one by one (``Patient.ndjson`` and
``Observation.ndjson``) are read as one export: a resource in one file finds its patient in
another, as when the directory holding them is read."""

from __future__ import annotations

import pytest

from fhir_factory import expected_counts, ndjson_export, patient_bundle
from osler.errors import IngestError
from osler.ingest import read_fhir


def _read(source):
    errors: list[IngestError] = []
    return list(read_fhir(source, on_error=errors.append)), errors


def test_files_named_one_by_one_read_as_their_directory(tmp_path):
    files = ndjson_export(tmp_path / "export")
    by_dir, errors = _read(tmp_path / "export")
    assert errors == [] and len(by_dir) == 2
    by_files, errors = _read(list(files.values()))
    assert errors == []
    assert sorted((r.patient_id, sorted(e.id for e in r.events)) for r in by_files) == sorted(
        (r.patient_id, sorted(e.id for e in r.events)) for r in by_dir)
    assert all(r.counts() == expected_counts(patient_bundle(0)) for r in by_files)


def test_the_patient_file_may_come_last_and_elsewhere(tmp_path):
    files = ndjson_export(tmp_path / "export")
    moved = tmp_path / "elsewhere" / "Patient.ndjson"
    moved.parent.mkdir()
    files["Patient"].rename(moved)
    others = [p for t, p in files.items() if t != "Patient"]
    records, errors = _read([*others, str(moved)])
    assert errors == [] and len(records) == 2


def test_one_file_alone_does_not_find_the_patient_of_another(tmp_path):
    files = ndjson_export(tmp_path / "export", n_patients=1)
    records, errors = _read(files["Observation"])
    assert records == [] and errors
    assert all("does not resolve to a Patient" in e.reason for e in errors)


def test_a_file_named_twice_is_read_once(tmp_path):
    files = ndjson_export(tmp_path / "export", n_patients=1)
    records, errors = _read([files["Patient"], files["Observation"], files["Observation"],
                             tmp_path / "export"])
    assert errors == [] and len(records) == 1
    assert records[0].counts() == expected_counts(patient_bundle(0))


def test_an_empty_list_is_refused():
    with pytest.raises(ValueError, match="non-empty list of paths"):
        list(read_fhir([]))
