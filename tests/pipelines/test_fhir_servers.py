"""Two FHIR servers reuse resource ids (``Patient/1``, ``Observation/1`` at both sites).
Named with ``--fhir-server``, their resources stay apart in one store, on DuckDB and on
PostgreSQL; not named, the collision is reported, never silent."""

from __future__ import annotations

import json

import pytest

from cli_run import run_osler
from osler.ingest import read_fhir
from osler.ingest.notes import read_notes
from osler.pipelines.ingest_job import ingest_paths
from osler.record import event_id
from osler.store import open_store

_MR = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    return request.getfixturevalue("postgres_url")


def _site(tmp_path, site: str, mrn: str, value: float):
    """A bulk export whose ids are the ones every server starts with: 1."""
    folder = tmp_path / site
    folder.mkdir()
    patient = {"resourceType": "Patient", "id": "1", "gender": "female",
               "birthDate": "1970-01-01",
               "identifier": [{"system": f"http://{site}.example/mrn", "type": _MR,
                               "value": mrn}]}
    encounter = {"resourceType": "Encounter", "id": "1", "status": "finished",
                 "class": {"code": "IMP"}, "subject": {"reference": "Patient/1"},
                 "period": {"start": "2020-01-01T00:00:00Z", "end": "2020-01-03T00:00:00Z"}}
    observation = {"resourceType": "Observation", "id": "1", "status": "final",
                   "subject": {"reference": "Patient/1"},
                   "encounter": {"reference": "Encounter/1"},
                   "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]},
                   "effectiveDateTime": "2020-01-01T06:00:00Z",
                   "valueQuantity": {"value": value, "unit": "mmol/L"}}
    for name, resource in (("Patient", patient), ("Encounter", encounter),
                           ("Observation", observation)):
        (folder / f"{name}.ndjson").write_text(json.dumps(resource) + "\n", encoding="utf-8")
    return folder


def _glucose(record):
    return [e.value.value for e in record.events if getattr(e, "value", None) is not None]


def test_two_servers_named_keep_their_reused_ids_apart(store_url, tmp_path):
    a, b = _site(tmp_path, "a", "111", 7.1), _site(tmp_path, "b", "222", 9.9)
    with open_store(store_url) as store:
        for folder, server in ((a, "site-a"), (b, "https://b.example/fhir/")):
            report = ingest_paths([folder], store, patient_identifier="MR", fhir_server=server)
            assert report.quarantined == [] and report.refiled_warning is None
        assert store.patient_ids() == ["111", "222"]
        for pid, value in (("111", 7.1), ("222", 9.9)):
            record = store.patient(pid)
            assert _glucose(record) == [value]
            encounters = {e.id for e in record.events if e.kind == "encounter"}
            observation = next(e for e in record.events if e.kind == "observation")
            assert observation.encounter_id in encounters   # each joins its own site's stay
        # re-reading a site under the same name changes nothing
        before = store.stats()
        ingest_paths([b], store, patient_identifier="MR", fhir_server="https://b.example/fhir")
        assert store.stats() == before


def test_unnamed_servers_colliding_ids_are_reported(store_url, tmp_path):
    a, b = _site(tmp_path, "a", "111", 7.1), _site(tmp_path, "b", "222", 9.9)
    with open_store(store_url) as store:
        ingest_paths([a], store, patient_identifier="MR")
        report = ingest_paths([b], store, patient_identifier="MR")
        # site b's Observation/1 and Encounter/1 took site a's rows: the store cannot tell a
        # collision from a corrected subject, so it says so, by count (an MRN is PHI); the
        # patient left without rows is still registered, so it stays
        assert (len(report.stored.refiled_from), len(report.stored.emptied)) == (1, 0)
        assert "--fhir-server" in report.refiled_warning
        assert "111" not in report.refiled_warning
        assert report.to_dict()["refiled_from_patients"] == 1
        assert store.patient_ids() == ["111", "222"] and not store.patient("111").events


def test_without_a_server_event_ids_are_unchanged(tmp_path):
    folder = _site(tmp_path, "a", "111", 7.1)
    plain = next(read_fhir(folder))
    observation = next(e for e in plain.events if e.kind == "observation")
    assert observation.id == event_id("fhir", "Observation", "1")   # stores filled before
    named = [next(read_fhir(folder, server=s)) for s in ("https://a.example/fhir",
                                                         "https://a.example/fhir/ ")]
    ids = [{e.id for e in r.events} for r in named]
    assert ids[0] == ids[1] and not ids[0] & {e.id for e in plain.events}


def test_notes_join_the_encounter_of_their_server(tmp_path):
    folder = _site(tmp_path, "a", "111", 7.1)
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "patient": "1", "text": "Synthetic note.",
                                 "encounter": "Encounter/1"}) + "\n", encoding="utf-8")
    encounter = next(e for e in next(read_fhir(folder, server="site-a")).events
                     if e.kind == "encounter")
    note = next(read_notes(notes, fhir_server="site-a")).events[0]
    assert note.encounter_id == encounter.id
    assert next(read_notes(notes)).events[0].encounter_id != encounter.id


@pytest.mark.parametrize("bad", [" ", "site a", "bad\tname"])
def test_a_blank_or_spaced_server_name_is_refused_before_reading(tmp_path, capsys, bad):
    folder = _site(tmp_path, "a", "111", 7.1)
    db = tmp_path / "s.duckdb"
    code, err = run_osler(["ingest", "--db", str(db), "--fhir-server", bad, str(folder)], capsys)
    assert code == 2 and "--fhir-server" in err and "base URL" in err
    assert not db.exists()
    with pytest.raises(ValueError, match="base URL"):
        next(read_fhir(folder, server=bad))


def test_a_hidden_folders_stale_copy_is_not_read(tmp_path):
    # a notebook's checkpoint copy of the export, read after it, replaced its rows
    folder = _site(tmp_path, "a", "111", 7.1)
    stale = folder / ".ipynb_checkpoints"
    stale.mkdir()
    (stale / "Observation-checkpoint.ndjson").write_text(
        (folder / "Observation.ndjson").read_text(encoding="utf-8").replace("7.1", "7.9"),
        encoding="utf-8")
    notes = tmp_path / "notes" / ".ipynb_checkpoints"
    notes.mkdir(parents=True)
    (notes / "notes.jsonl").write_text(json.dumps({"id": "n1", "patient": "1",
                                                   "text": "Synthetic."}) + "\n",
                                       encoding="utf-8")
    from osler.pipelines.ingest_job import plan_sources

    assert all(".ipynb" not in str(source) for source, _fmt in plan_sources([folder])[0])
    assert list(read_notes(tmp_path / "notes")) == []


def _person(tmp_path, site: str, sex: str, birth: str, value: float, mrn: str = "1"):
    """A site's Patient/1 (and its MRN) with one glucose result."""
    folder = _site(tmp_path, site, mrn, value)
    patient = json.loads((folder / "Patient.ndjson").read_text(encoding="utf-8"))
    patient.update(gender=sex, birthDate=birth)
    (folder / "Patient.ndjson").write_text(json.dumps(patient) + "\n", encoding="utf-8")
    return folder


def test_two_servers_people_under_one_key_are_not_merged(store_url, tmp_path):
    """Keyed by Patient.id, both sites' Patient/1 land on key '1': different birth dates mean
    two people, so the second is quarantined whole and the first keeps its timeline."""
    a = _person(tmp_path, "a", "female", "1970-01-01", 7.1)
    b = _person(tmp_path, "b", "male", "1950-05-05", 9.9)
    with open_store(store_url) as store:
        assert ingest_paths([a], store, fhir_server="site-a").quarantined == []
        report = ingest_paths([b], store, fhir_server="site-b")
        assert report.exit_code == 2 and report.stored.patients == 0
        (error,) = report.quarantined
        assert error.record == "Patient/1" and "site-a" in str(error)
        assert "1950" not in str(error) and "male" not in str(error)   # no demographics
        record = store.patient("1")
        assert (record.sex, record.fhir_server, _glucose(record)) == ("female", "site-a", [7.1])
        assert [q["record"] for q in store.quarantined()] == ["Patient/1"]


@pytest.mark.parametrize("sex, born", [("female", "1970-03-15"), ("unknown", "1970-03")])
def test_one_person_at_two_servers_is_merged(store_url, tmp_path, sex, born):
    """An enterprise id shared by two sites with the same demographics is one person; a
    partial birth date or an unknown sex does not make two."""
    a = _person(tmp_path, "a", "female", "1970-03-15", 7.1, mrn="E-1")
    b = _person(tmp_path, "b", sex, born, 9.9, mrn="E-1")
    with open_store(store_url) as store:
        for folder, server in ((a, "site-a"), (b, "site-b")):
            assert ingest_paths([folder], store, patient_identifier="MR",
                                fhir_server=server).quarantined == []
        assert sorted(_glucose(store.patient("E-1"))) == [7.1, 9.9]


def test_a_correction_from_the_same_server_is_stored(store_url, tmp_path):
    """The same server sending a corrected birth date updates the patient: no conflict."""
    a = _person(tmp_path, "a", "female", "1970-01-01", 7.1)
    with open_store(store_url) as store:
        ingest_paths([a], store, fhir_server="site-a")
        (tmp_path / "fixed").mkdir()
        fixed = _person(tmp_path / "fixed", "a", "female", "1971-02-02", 7.1)
        assert ingest_paths([fixed], store, fhir_server="site-a/").quarantined == []
        assert str(store.patient("1").birth_date) == "1971-02-02"


@pytest.mark.parametrize("spelling", ["HTTPS://EHR.Example.org/fhir",
                                      "https://ehr.example.org:443/fhir/"])
def test_one_server_spelled_two_ways_is_one_server(tmp_path, spelling):
    a = _site(tmp_path, "a", "111", 7.1)
    with open_store(str(tmp_path / "s.duckdb")) as store:
        ingest_paths([a], store, fhir_server="https://ehr.example.org/fhir")
        before = store.stats()
        assert ingest_paths([a], store, fhir_server=spelling).quarantined == []
        assert store.stats() == before


@pytest.mark.parametrize("identifier", [None, "MR"])
def test_named_then_unnamed_server_is_quarantined_not_doubled(store_url, tmp_path, identifier):
    """The event ids depend on the server's name: the same export read once with it and once
    without would store every resource twice, whether or not the key changed too."""
    a = _site(tmp_path, "a", "111", 7.1)
    with open_store(store_url) as store:
        ingest_paths([a], store, fhir_server="site-a", patient_identifier=identifier)
        before = store.stats()
        report = ingest_paths([a], store)
        (error,) = report.quarantined
        assert error.record == "Patient/1" and "site-a" in str(error)
        assert "111" not in str(error)
        assert store.patient_ids() == ["111" if identifier else "1"]
        assert store.table_counts() == {**before["tables"], "quarantine": 1}


def test_a_store_older_than_the_server_column_reads_its_server_again(store_url, tmp_path):
    """Stores of schema 2 hold no server: a patient without one is not known to be unnamed,
    so the usual re-read under the name stores nothing new and refuses nothing."""
    a = _site(tmp_path, "a", "111", 7.1)
    with open_store(store_url) as store:
        ingest_paths([a], store, fhir_server="site-a")
        store._execute("UPDATE person SET fhir_server = NULL")
        before = store.stats()
        assert ingest_paths([a], store, fhir_server="site-a").quarantined == []
        assert store.stats() == before


@pytest.mark.parametrize("notes_first", [False, True], ids=["export-first", "notes-first"])
def test_a_refused_patients_notes_in_the_same_read_are_refused_too(store_url, tmp_path,
                                                                  notes_first):
    """Site b's patient is another person under site a's key: its note, named before or
    after its export in the same command, does not go into site a's patient's timeline."""
    a = _person(tmp_path, "a", "female", "1970-01-01", 7.1)
    b = _person(tmp_path, "b", "male", "1950-05-05", 9.9)
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"patient": "1", "id": "n1", "time": "2020-01-02T00:00:00Z",
                                 "text": "Synthetic note."}) + "\n", encoding="utf-8")
    with open_store(store_url) as store:
        ingest_paths([a], store, fhir_server="site-a")
        report = ingest_paths([notes, b] if notes_first else [b, notes], store,
                              fhir_server="site-b")
        assert len(report.quarantined) == 2 and report.stored.patients == 0
        assert _glucose(store.patient("1")) == [7.1]
        assert not [e for e in store.patient("1").events if e.kind.value == "note"]


def test_rekeying_does_not_cross_servers(store_url, tmp_path):
    """Site b's export written where site a's was (same file, same Patient/1), keyed by MRN:
    site a's patient 111 is not site b's 222 and keeps its rows."""
    with open_store(store_url) as store:
        ingest_paths([_site(tmp_path, "a", "111", 7.1)], store, patient_identifier="MR",
                     fhir_server="site-a")
        (tmp_path / "b").mkdir()
        again = _site(tmp_path / "b", "a", "222", 9.9)    # the same folder name, "a"
        assert again.name == "a"
        ingest_paths([again], store, patient_identifier="MR", fhir_server="site-b")
        assert store.patient_ids() == ["111", "222"]
        assert _glucose(store.patient("111")) == [7.1]
        assert _glucose(store.patient("222")) == [9.9]


def _delta(folder, patients: dict, subject: str) -> None:
    """An export of ``patients`` (Patient.id -> MRN or None) and one Observation/1 of
    ``subject``, written over the last one (a delta export)."""
    rows = [{"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": "1970-01-01",
             **({"identifier": [{"system": "http://x.example/mrn", "type": _MR, "value": mrn}]}
                if mrn else {})} for pid, mrn in patients.items()]
    (folder / "Patient.ndjson").write_text("\n".join(map(json.dumps, rows)) + "\n")
    obs = {"resourceType": "Observation", "id": "1", "status": "final",
           "subject": {"reference": f"Patient/{subject}"},
           "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]},
           "effectiveDateTime": "2020-01-01T06:00:00Z",
           "valueQuantity": {"value": 5.0, "unit": "mmol/L"}}
    (folder / "Observation.ndjson").write_text(json.dumps(obs) + "\n")


def test_a_registration_keyed_by_its_own_identifier_is_kept_when_emptied(store_url, tmp_path):
    """Keyed by MRN, Observation/1 moves from MRN 222's patient to MRN 111's: 222 is still
    a registered patient (only a Patient.id-keyed row merged by an identifier goes)."""
    folder = tmp_path / "x"
    folder.mkdir()
    with open_store(store_url) as store:
        _delta(folder, {"1": "111", "2": "222"}, "2")
        ingest_paths([folder], store, patient_identifier="MR")
        _delta(folder, {"1": "111"}, "1")
        ingest_paths([folder], store, patient_identifier="MR")
        assert store.patient_ids() == ["111", "222"]
        assert _glucose(store.patient("111")) == [5.0]


def test_a_corrected_subject_keeps_the_first_patient(store_url, tmp_path):
    """A delta export re-files Observation/1 from Patient/1 to Patient/2: patient 1 is still
    registered, so its person row stays although it has no results left."""
    folder = tmp_path / "x"
    folder.mkdir()
    with open_store(store_url) as store:
        _delta(folder, {"1": None, "2": None}, "1")
        ingest_paths([folder], store, fhir_server="site-a")
        _delta(folder, {"2": None}, "2")
        report = ingest_paths([folder], store, fhir_server="site-a")
        assert report.stored.emptied == set() and report.refiled_warning is not None
        assert store.patient_ids() == ["1", "2"]
        assert store.patient("1").birth_date is not None and _glucose(store.patient("1")) == []
        assert _glucose(store.patient("2")) == [5.0]


@pytest.mark.parametrize("name", ["https://u:secret@ehr.example:99999/fhir",
                                  "sftp://u:secret@ehr.example/fhir"])
def test_a_server_name_with_a_password_is_refused(name):
    from osler.ingest import fhir_server_name
    with pytest.raises(ValueError) as err:
        fhir_server_name(name)
    assert "secret" not in str(err.value)
