"""The product promise, end to end through the CLI: one synthetic patient's FHIR export, note
and DICOM image, de-identified with one key file, ingest back into Osler as ONE pseudonymous
patient, every time moved by the same date shift, with no original name or MRN left."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from cli_run import run_osler
from fhir_factory import expected_counts, patient_bundle

pydicom = pytest.importorskip("pydicom")

MRN_SYSTEM = "http://hospital.example.org/mrn"
MRN = "MRN-TEST-7731"                   # DICOM PatientID and the note's patient
FAMILY, GIVEN = "Quixmoor", "Zebulon"   # synthetic, in the FHIR Patient and the DICOM header
NOTE_TIME = datetime.fromisoformat("2020-01-02T10:00:00+00:00")
ONSET = datetime.fromisoformat("2020-01-01T09:00:00+00:00")   # the factory's Condition onset
STUDY_TIME = datetime.fromisoformat("2020-01-02T09:00:00+00:00")


def _sources(root: Path) -> tuple[dict, str]:
    """The patient's FHIR bundle (Patient.id a server UUID, MRN among its identifiers), one
    chest film and one note carrying the MRN; returns the bundle and its Encounter's id."""
    import numpy as np
    import orjson

    from osler.imaging.synthetic import write_radiograph

    bundle = patient_bundle(1)
    patient = bundle["entry"][0]["resource"]
    patient["identifier"] = [{"system": MRN_SYSTEM, "value": MRN}]
    patient["name"] = [{"family": FAMILY, "given": [GIVEN]}]
    encounter = next(e["resource"]["id"] for e in bundle["entry"]
                     if e["resource"]["resourceType"] == "Encounter")
    root.mkdir(parents=True)
    (root / "export.json").write_bytes(orjson.dumps(bundle))
    image = write_radiograph(root / "pacs" / "chest.dcm", np.zeros((16, 16), dtype=np.uint8),
                             patient_id=MRN, study_uid="1.2.826.0.1.3680043.8.498.77",
                             series_uid="1.2.826.0.1.3680043.8.498.77.1",
                             when=STUDY_TIME.replace(tzinfo=None), tz_offset="+0000")
    ds = pydicom.dcmread(image)
    ds.PatientName = f"{FAMILY}^{GIVEN}"
    ds.save_as(image)
    (root / "notes.jsonl").write_text(json.dumps(
        {"id": "note-1", "patient": MRN, "time": NOTE_TIME.isoformat(), "type": "progress",
         "encounter": f"Encounter/{encounter}", "author_role": "physician",
         "text": f"Mr. {GIVEN} {FAMILY} (MRN {MRN}) seen on 1/2/2020. Chest clear."}) + "\n",
        encoding="utf-8")
    return bundle, encounter


def test_fhir_note_and_image_deidentified_with_one_key_join_as_one_patient(tmp_path, capsys):
    from osler.privacy import load_key
    from osler.privacy.deid.note_fields import encounter_pseudonym
    from osler.store import open_store

    src, out, key_file = tmp_path / "in", tmp_path / "deid", tmp_path / "deid.key"
    bundle, encounter = _sources(src)
    common = ["--key-file", str(key_file)]
    for argv in (["deid", "fhir", str(src / "export.json"), str(out / "export.json"),
                  "--patient-identifier", MRN_SYSTEM, *common],
                 ["deid", "dicom", str(src / "pacs"), str(out / "pacs"), *common],
                 ["deid", "text", "--in", str(src / "notes.jsonl"),
                  "--out", str(out / "notes.jsonl"), "--rules-only", *common]):
        code, err = run_osler(argv, capsys)
        assert code == 0, err
    originals = (MRN, FAMILY, GIVEN, bundle["entry"][0]["resource"]["id"])
    leaks = [(p.name, phi) for p in out.rglob("*") if p.is_file() for phi in originals
             if phi.encode() in p.read_bytes()]
    assert leaks == []

    db = tmp_path / "deid.duckdb"
    code, err = run_osler(["ingest", "--db", str(db), "--patient-identifier", MRN_SYSTEM,
                           str(out / "export.json"), str(out / "pacs"), str(out / "notes.jsonl")],
                          capsys)
    assert code == 0, err
    key = load_key(key_file)
    pseudonym, shift = key.pseudonym(MRN), key.date_shift(MRN)
    with open_store(str(db)) as store:
        assert store.patient_ids() == [pseudonym]   # one patient: FHIR, image and note
        record = store.patient(pseudonym)
    counts = record.counts()
    fhir = expected_counts(patient_bundle(1))
    assert counts["imaging_study"] == 1 and counts["note"] == fhir["note"] + 1

    # one date shift for all three: the FHIR onset, the image's study time, the note's time
    [condition] = [e for e in record.events if e.kind.value == "condition"]
    [image] = [e for e in record.events if e.kind.value == "imaging_study"]
    [note] = [e for e in record.events if e.kind.value == "note"
              and e.provenance.source.endswith("notes.jsonl")]
    assert shift < timedelta(0)
    assert condition.time - ONSET == shift
    assert image.time - STUDY_TIME == shift
    assert note.time - NOTE_TIME == shift
    assert (note.title, note.author_role) == ("progress", "physician")
    # the note names the Encounter by the pseudonym deid fhir gave it
    deid_bundle = json.loads((out / "export.json").read_text(encoding="utf-8"))
    encounters = [e["resource"]["id"] for e in deid_bundle["entry"]
                  if e["resource"]["resourceType"] == "Encounter"]
    assert encounters == [encounter_pseudonym(key, encounter)]
    [stored_encounter] = [e for e in record.events if e.kind.value == "encounter"]
    assert note.encounter_id == stored_encounter.id     # the note joins its encounter
    assert not any(phi in repr(record) for phi in (MRN, FAMILY, GIVEN))
    assert note.deidentified   # stored as read from de-identified text
