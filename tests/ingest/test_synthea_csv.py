"""Synthea CSV reader: a tiny synthetic export written here, and the 27-patient shared sample."""

from __future__ import annotations

import csv
import zipfile
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from osler.errors import IngestError
from osler.ingest.synthea_csv import (SKIPPED_TABLES, read_synthea_csv, sniff_synthea_csv,
                                      sniff_synthea_csv_dir)
from osler.record import CVX, LOINC, RXNORM, SNOMED, PatientRecord
from osler.store import open_store

PATIENTS_HEADER = ["Id", "BIRTHDATE", "DEATHDATE", "SSN", "FIRST", "LAST", "ADDRESS", "RACE",
                   "ETHNICITY", "GENDER"]
# Synthetic people only: the name and SSN columns exist to prove they are never read.
PATIENTS = [
    ["p1", "1970-03-04", "", "999-11-1111", "Zorblat", "Quennick", "1 Nowhere Rd", "white",
     "nonhispanic", "F"],
    ["p2", "1985-12-31", "2020-06-01", "999-22-2222", "Vintrel", "Oskaby", "2 Nowhere Rd",
     "black", "hispanic", "M"],
    ["p3", "not-a-date", "", "999-33-3333", "Ardune", "Pellix", "3 Nowhere Rd", "asian",
     "nonhispanic", "F"],
]
TABLES = {
    "encounters": (["Id", "START", "STOP", "PATIENT", "ORGANIZATION", "ENCOUNTERCLASS", "CODE",
                    "DESCRIPTION"],
                   [["e1", "2019-01-02T10:00:00Z", "2019-01-02T10:30:00Z", "p1", "org1",
                     "wellness", "410620009", "Well child visit"],
                    ["e2", "2019-05-06T22:00:00Z", "2019-05-08T09:00:00Z", "p2", "org2",
                     "inpatient", "32485007", "Hospital admission"],
                    ["e3", "2019-05-06T22:00:00Z", "", "p3", "org2", "emergency", "50849002",
                     "Emergency visit"]]),
    "conditions": (["START", "STOP", "PATIENT", "ENCOUNTER", "CODE", "DESCRIPTION"],
                   [["2019-01-02", "", "p1", "e1", "44054006", "Diabetes"],
                    ["2019-05-06", "2019-05-20", "p2", "e2", "233604007", "Pneumonia"],
                    ["2019-13-45", "", "p2", "e2", "38341003", "Hypertension"],  # bad date
                    ["2019-05-06", "", "", "e2", "38341003", "Hypertension"],  # no PATIENT
                    ["2019-05-06", "", "p9", "e9", "38341003", "Hypertension"]]),  # orphan
    "allergies": (["START", "STOP", "PATIENT", "ENCOUNTER", "CODE", "SYSTEM", "DESCRIPTION"],
                  [["2019-01-02", "", "p1", "e1", "7980", "RxNorm", "Penicillin"],
                   ["2019-01-02", "", "p1", "e1", "111088007", "SNOMED-CT", "Latex"]]),
    "observations": (["DATE", "PATIENT", "ENCOUNTER", "CATEGORY", "CODE", "DESCRIPTION", "VALUE",
                      "UNITS", "TYPE"],
                     [["2019-01-02T10:05:00Z", "p1", "e1", "vital-signs", "8302-2", "Height",
                       "162.5", "cm", "numeric"],
                      ["2019-01-02T10:05:00Z", "p1", "e1", "social-history", "72166-2",
                       "Tobacco status", "Never smoker", "", "text"],
                      ["2019-05-07T06:00:00Z", "p2", "e2", "laboratory", "2345-7", "Glucose",
                       "high", "mg/dL", "numeric"],  # numeric type, word value: bad row
                      ["2019-05-07T06:00:00Z", "p3", "e3", "laboratory", "2345-7", "Glucose",
                       "140", "mg/dL", "numeric"]]),
    "medications": (["START", "STOP", "PATIENT", "ENCOUNTER", "CODE", "DESCRIPTION"],
                    [["2019-01-02T10:20:00Z", "", "p1", "e1", "860975", "Metformin"],
                     ["2019-01-02T10:20:00Z", "", "p1", "e1", "860975", "Metformin"]]),
    "immunizations": (["DATE", "PATIENT", "ENCOUNTER", "CODE", "DESCRIPTION"],
                      [["2019-01-02T10:10:00Z", "p1", "e1", "140", "Influenza"]]),
    "procedures": (["START", "STOP", "PATIENT", "ENCOUNTER", "CODE", "DESCRIPTION"],
                   [["2019-05-07T08:00:00Z", "2019-05-07T08:20:00Z", "p2", "e2", "399208008",
                     "Chest X-ray"]]),
    "imaging_studies": (["Id", "DATE", "PATIENT", "ENCOUNTER", "SERIES_UID", "BODYSITE_CODE",
                         "BODYSITE_DESCRIPTION", "MODALITY_CODE", "MODALITY_DESCRIPTION",
                         "INSTANCE_UID", "SOP_CODE", "SOP_DESCRIPTION"],
                        [["s1", "2019-05-07T08:00:00Z", "p2", "e2", "1.2.3.1", "51185008",
                          "Chest", "DX", "Digital Radiography", f"1.2.3.1.{i}", "1.2.840",
                          "Digital X-Ray Image Storage"] for i in (1, 2)]),
    "careplans": (["Id", "START", "STOP", "PATIENT", "ENCOUNTER", "CODE", "DESCRIPTION"],
                  [["c1", "2019-01-02", "", "p1", "e1", "698360004", "Diabetes self care"]]),
}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def export(tmp_path: Path) -> Path:
    out = tmp_path / "csv"
    out.mkdir()
    _write(out / "patients.csv", PATIENTS_HEADER, PATIENTS)
    for table, (header, rows) in TABLES.items():
        _write(out / f"{table}.csv", header, rows)
    return out


def _read(source: Path) -> tuple[dict[str, PatientRecord], list[IngestError]]:
    errors: list[IngestError] = []
    records = {r.patient_id: r for r in read_synthea_csv(source, on_error=errors.append)}
    return records, errors


def test_good_patients_whole_and_bad_rows_quarantined_alone(export: Path) -> None:
    records, errors = _read(export)
    assert sorted(records) == ["p1", "p2"]  # p3's own row has a bad BIRTHDATE: rejected whole
    assert records["p1"].counts() == Counter(encounter=1, condition=3, observation=2,
                                             medication=3)
    assert records["p2"].counts() == Counter(encounter=1, condition=1, procedure=1,
                                             imaging_study=1)
    where = sorted((e.file, e.line) for e in errors)
    assert where == [("conditions.csv", 4), ("conditions.csv", 5), ("conditions.csv", 6),
                     ("observations.csv", 4), ("patients.csv", 4)]
    by_line = {(e.file, e.line): e for e in errors}
    assert "patient is not in patients.csv" in by_line[("conditions.csv", 6)].reason
    assert by_line[("conditions.csv", 6)].record == "p9:38341003"
    assert "PATIENT is empty" in by_line[("conditions.csv", 5)].reason
    assert "START" in by_line[("conditions.csv", 4)].reason
    assert "numeric" in by_line[("observations.csv", 4)].reason
    assert by_line[("patients.csv", 4)].record == "p3"


def test_demographics_without_phi(export: Path) -> None:
    records, _ = _read(export)
    p1, p2 = records["p1"], records["p2"]
    assert (p1.birth_date, p1.sex, p1.race, p1.ethnicity, p1.deceased_time) == (
        date(1970, 3, 4), "female", "white", "nonhispanic", None)
    assert p2.sex == "male" and p2.deceased_time == datetime(2020, 6, 1, tzinfo=UTC)
    text = repr(records)
    for phi in ("Zorblat", "Quennick", "999-11-1111", "Nowhere", "Vintrel", "999-22-2222"):
        assert phi not in text


def test_event_mapping(export: Path) -> None:
    records, _ = _read(export)
    p1 = records["p1"]
    (enc,) = p1.of_kind("encounter")
    assert (enc.encounter_class, enc.care_site, enc.coding.system) == ("AMB", "org1", SNOMED)
    assert enc.time == datetime(2019, 1, 2, 10, tzinfo=UTC) and enc.time.tzinfo is not None
    diabetes, penicillin, latex = p1.of_kind("condition")
    assert diabetes.time == datetime(2019, 1, 2, tzinfo=UTC)  # date-only: midnight UTC
    assert (diabetes.clinical_status, diabetes.end_time, diabetes.encounter_id) == (
        "active", None, enc.id)
    assert (penicillin.category, penicillin.coding.system) == ("allergy", RXNORM)
    assert latex.coding.system == SNOMED
    height, smoking = p1.of_kind("observation")
    assert (height.coding.system, height.value.value, height.value.unit) == (LOINC, 162.5, "cm")
    assert (smoking.value, smoking.value_text, smoking.category) == (
        None, "Never smoker", "social-history")
    drugs = p1.of_kind("medication")
    assert [(m.action, m.coding.system) for m in drugs] == [
        ("request", RXNORM), ("request", RXNORM), ("immunization", CVX)]
    assert drugs[0].id != drugs[1].id  # the same order twice stays two events
    (pneumonia,) = records["p2"].of_kind("condition")
    assert pneumonia.clinical_status == "resolved"
    assert pneumonia.end_time == datetime(2019, 5, 20, tzinfo=UTC)
    (study,) = records["p2"].of_kind("imaging_study")
    assert (study.modality, study.body_part, study.series_uid, study.n_instances) == (
        "DX", "Chest", "1.2.3.1", 2)
    assert study.provenance.source == "imaging_studies.csv" and study.provenance.line == 2
    assert "careplans" in SKIPPED_TABLES and not records["p1"].of_kind("procedure")


def test_ids_are_deterministic_and_zip_reads_the_same(export: Path, tmp_path: Path) -> None:
    first, _ = _read(export)
    again, _ = _read(export)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(export.iterdir()):
            zf.write(f, f"synthea/csv/{f.name}")
    zipped, errors = _read(archive)
    assert len(errors) == 5
    for pid in first:
        ids = [e.id for e in first[pid].events]
        assert ids == [e.id for e in again[pid].events] == [e.id for e in zipped[pid].events]
    assert zipped["p1"].events[0].provenance.source == "export.zip!synthea/csv/encounters.csv"


def test_without_on_error_the_first_error_raises(export: Path) -> None:
    with pytest.raises(IngestError, match=r"patients\.csv.*p3.*line 4"):
        list(read_synthea_csv(export))


def test_missing_patients_table_and_bad_header(export: Path) -> None:
    (export / "observations.csv").write_text("DATE,PATIENT,VALUE\n2019-01-01,p1,3\n")
    records, errors = _read(export)
    assert not records["p1"].of_kind("observation") and records["p1"].of_kind("condition")
    bad_header = [e for e in errors if e.file == "observations.csv"]
    assert len(bad_header) == 1 and bad_header[0].line == 1 and "CODE" in bad_header[0].reason
    (export / "patients.csv").unlink()
    records, errors = _read(export)
    assert records == {} and [e.file for e in errors] == ["patients.csv"]
    assert "missing" in errors[0].reason


def test_bad_patients_header_is_one_error_not_one_per_event_row(export: Path) -> None:
    _write(export / "patients.csv", ["Id", "BIRTHDATE", "DEATHDATE"], [["p1", "1970-03-04", ""]])
    records, errors = _read(export)
    assert records == {} and len(errors) == 1 and "GENDER" in errors[0].reason


def test_duplicate_patient_keeps_the_first_row(export: Path) -> None:
    _write(export / "patients.csv", PATIENTS_HEADER,
           [*PATIENTS, ["p1", "1999-01-01", "", "", "", "", "", "", "", "M"]])
    records, errors = _read(export)
    assert records["p1"].birth_date == date(1970, 3, 4) and records["p1"].of_kind("encounter")
    dup = [e for e in errors if e.file == "patients.csv" and e.record == "p1"]
    assert len(dup) == 1 and dup[0].line == 5 and "twice" in dup[0].reason


def test_sniffers(export: Path, tmp_path: Path) -> None:
    head = (export / "patients.csv").read_bytes()
    assert sniff_synthea_csv(export / "patients.csv", head)
    conditions = export / "conditions.csv"
    assert not sniff_synthea_csv(conditions, conditions.read_bytes())
    assert sniff_synthea_csv_dir(export) and not sniff_synthea_csv_dir(tmp_path)
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(export / "patients.csv", "patients.csv")
    assert sniff_synthea_csv(archive, archive.read_bytes()[:64])


def test_store_write_is_idempotent(export: Path, tmp_path: Path) -> None:
    records, _ = _read(export)
    with open_store(tmp_path / "s.duckdb") as store:
        store.write(read_synthea_csv(export, on_error=lambda e: None))
        before = store.stats()
        store.write(read_synthea_csv(export, on_error=lambda e: None))
        assert store.stats() == before
        assert before["patients"] == 2
        assert before["condition"] == sum(len(r.of_kind("condition")) for r in records.values())
        stored = store.patient("p2")
        assert stored is not None and stored.counts() == records["p2"].counts()


# ------------------------------------------------------------------ the shared 27-patient sample

def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.shared_data
def test_shared_sample_counts_match_the_csv_rows(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "synthea-csv"
    errors: list[IngestError] = []
    records = list(read_synthea_csv(src, on_error=errors.append))
    rows = {t: _csv_rows(src / f"{t}.csv") for t in (
        "patients", "encounters", "conditions", "allergies", "observations", "medications",
        "immunizations", "procedures", "imaging_studies")}
    bad = Counter(e.file for e in errors)
    expected = Counter({
        "encounter": len(rows["encounters"]) - bad["encounters.csv"],
        "condition": len(rows["conditions"]) + len(rows["allergies"])
        - bad["conditions.csv"] - bad["allergies.csv"],
        "observation": len(rows["observations"]) - bad["observations.csv"],
        "medication": len(rows["medications"]) + len(rows["immunizations"])
        - bad["medications.csv"] - bad["immunizations.csv"],
        "procedure": len(rows["procedures"]) - bad["procedures.csv"],
        # one row per DICOM instance; Osler keeps one event per series
        "imaging_study": len({(r["Id"], r["SERIES_UID"]) for r in rows["imaging_studies"]}),
    })
    got = Counter()
    for r in records:
        got.update(r.counts())
    assert len(records) == len(rows["patients"]) - bad["patients.csv"] == 27
    assert got == +expected
    with open_store(tmp_path / "s.duckdb") as store:
        summary = store.write(records)
        stats = store.stats()
        assert summary.patients == stats["patients"] == 27
        assert {k: stats[k] for k in expected} == dict(expected)
        store.write(read_synthea_csv(src, on_error=errors.append))
        assert store.stats() == stats
