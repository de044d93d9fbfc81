"""Re-ingest keyed another way: the same FHIR data ingested by Patient.id and then by the MRN
(``--patient-identifier``), or the other way round, leaves each person once in the store,
on DuckDB and on PostgreSQL."""

from __future__ import annotations

import orjson
import pytest

from fhir_factory import expected_counts, patient_bundle
from osler.pipelines.ingest_job import ingest_paths
from osler.record import LOINC, Coding, Note, PatientRecord, Provenance
from osler.store import open_store

MRN_SYSTEM = "http://hospital.example.org/mrn"


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    return request.getfixturevalue("postgres_url")


def _bundle(n: int, mrn: str) -> dict:
    bundle = patient_bundle(n)
    bundle["entry"][0]["resource"]["identifier"] = [{"system": MRN_SYSTEM, "value": mrn}]
    return bundle


def _export(tmp_path, *bundles: dict):
    folder = tmp_path / "fhir"
    folder.mkdir(parents=True, exist_ok=True)
    for i, bundle in enumerate(bundles):
        (folder / f"b{i}.json").write_bytes(orjson.dumps(bundle))
    return folder


def _ingest(store, folder, rule=None):
    report = ingest_paths([folder], store, patient_identifier=rule)
    assert report.quarantined == [], [str(e) for e in report.quarantined]
    return report


def _server_id(bundle: dict) -> str:
    return bundle["entry"][0]["resource"]["id"]


@pytest.mark.parametrize("first, then", [(None, MRN_SYSTEM), (MRN_SYSTEM, None)])
def test_a_patient_rekeyed_on_re_ingest_is_stored_once(store_url, tmp_path, first, then):
    bundles = [_bundle(1, "MRN-REKEY-1"), _bundle(2, "MRN-REKEY-2")]
    folder = _export(tmp_path, *bundles)
    keys = {None: sorted(_server_id(b) for b in bundles),
            MRN_SYSTEM: ["MRN-REKEY-1", "MRN-REKEY-2"]}
    with open_store(store_url) as store:
        _ingest(store, folder, first)
        assert store.patient_ids() == keys[first]
        before = store.stats()
        _ingest(store, folder, then)
        assert store.patient_ids() == keys[then]
        assert store.stats() == before   # the same rows, under the new keys
        for pid in keys[then]:
            assert store.patient(pid).counts() == expected_counts(bundles[0])
            assert store.patient(pid).birth_date is not None
        _ingest(store, folder, then)    # and again: nothing changes
        assert store.stats() == before


def test_rows_joined_under_the_old_key_follow_the_patient(store_url, tmp_path):
    bundle = _bundle(1, "MRN-REKEY-1")
    folder = _export(tmp_path, bundle)
    old = _server_id(bundle)
    note = Note(id="joined-note", coding=Coding(LOINC, "11506-3"),
                provenance=Provenance("notes.jsonl", "n1", 1), text="Synthetic note.")
    with open_store(store_url) as store:
        _ingest(store, folder)
        store.write([PatientRecord(patient_id=old, provenance=Provenance("notes.jsonl", "n1"),
                                   events=(note,))])
        # the person row keeps naming the FHIR Patient, so the re-key finds it directly
        _ingest(store, folder, MRN_SYSTEM)
        assert store.patient_ids() == ["MRN-REKEY-1"]
        record = store.patient("MRN-REKEY-1")
        assert "joined-note" in {e.id for e in record.events}
        assert store.patient_of_event("joined-note") == "MRN-REKEY-1"


def test_what_only_the_old_row_knew_stays_with_the_patient(store_url, tmp_path):
    bundle = _bundle(1, "MRN-REKEY-1")
    folder = _export(tmp_path, bundle)
    with open_store(store_url) as store:
        _ingest(store, folder)
        store.write([PatientRecord(patient_id=_server_id(bundle), site="site-lochmoor",
                                   provenance=Provenance("sites.csv", "row 1"))])
        _ingest(store, folder, MRN_SYSTEM)
        assert store.patient_ids() == ["MRN-REKEY-1"]
        assert store.patient("MRN-REKEY-1").site == "site-lochmoor"


def test_two_registrations_merged_by_their_mrn_leave_no_empty_patient(store_url, tmp_path):
    first, second = _bundle(1, "MRN-REKEY-1"), _bundle(2, "MRN-REKEY-1")
    second["entry"][0]["resource"]["gender"] = first["entry"][0]["resource"]["gender"]
    second["entry"][0]["resource"]["birthDate"] = first["entry"][0]["resource"]["birthDate"]
    folder = _export(tmp_path, first, second)
    with open_store(store_url) as store:
        _ingest(store, folder)
        assert len(store.patient_ids()) == 2
        events = store.stats()["tables"]
        _ingest(store, folder, MRN_SYSTEM)
        assert store.patient_ids() == ["MRN-REKEY-1"]
        after = store.stats()["tables"]
        assert {t: n for t, n in after.items() if t != "person"} == {
            t: n for t, n in events.items() if t != "person"}


def test_patients_of_other_files_are_not_touched(store_url, tmp_path):
    """Only the same file's same Patient is the same person: one id in two exports is not."""
    bundle = _bundle(1, "MRN-REKEY-1")
    a = _export(tmp_path / "a", bundle)
    other = patient_bundle(5)   # another person of the same Patient.id in another file
    other["entry"][0]["resource"]["id"] = _server_id(bundle)
    b = tmp_path / "b"
    b.mkdir()
    (b / "other.json").write_bytes(orjson.dumps(other))
    with open_store(store_url) as store:
        _ingest(store, b)
        _ingest(store, a, MRN_SYSTEM)
        assert store.patient_ids() == sorted(["MRN-REKEY-1", _server_id(other)])


def _site(folder, n: int, mrn: str, birth: str, patient_id: str | None = None):
    """A bulk export of one synthetic patient whose Patient.id may be another site's."""
    from fhir_factory import ndjson_export

    files = ndjson_export(folder, n_patients=n + 1)
    old = None
    for path in files.values():
        rows = [orjson.loads(x) for x in path.read_text().splitlines() if x.strip()]
        if path.name == "Patient.ndjson":
            old = rows[n]["id"]
    for path in files.values():
        rows = [orjson.loads(x) for x in path.read_text().splitlines() if x.strip()]
        keep = []
        for r in rows:
            text = orjson.dumps(r).decode()
            if old not in text:
                continue                       # another patient of the factory: not this site's
            r = orjson.loads(text.replace(old, patient_id or old))
            if r["resourceType"] == "Patient":
                r["identifier"] = [{"system": MRN_SYSTEM, "value": mrn}]
                r["birthDate"] = birth
            keep.append(r)
        path.write_text("".join(orjson.dumps(r).decode() + "\n" for r in keep))
    return files


def test_two_sites_patients_of_one_id_and_file_name_stay_two_people(store_url, tmp_path):
    """siteA/Patient.ndjson and siteB/Patient.ndjson both hold Patient/<one id>: two exports,
    two people, whether named one by one in one run or ingested one after the other."""
    a = _site(tmp_path / "siteA", 0, "MRN-SITE-A", "1950-01-01")
    shared_id = orjson.loads(a["Patient"].read_text().splitlines()[0])["id"]
    b = _site(tmp_path / "siteB", 1, "MRN-SITE-B", "1980-06-30", patient_id=shared_id)
    with open_store(store_url) as store:
        ingest_paths([*a.values(), *b.values()], store, patient_identifier=MRN_SYSTEM)
        assert store.patient_ids() == ["MRN-SITE-A", "MRN-SITE-B"]
        counts = {pid: store.patient(pid).counts() for pid in store.patient_ids()}
        assert counts["MRN-SITE-A"] == counts["MRN-SITE-B"]
        ingest_paths(list(b.values()), store, patient_identifier=MRN_SYSTEM)
        assert store.patient_ids() == ["MRN-SITE-A", "MRN-SITE-B"]
