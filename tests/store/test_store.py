"""The store suite: the same tests on DuckDB and on the real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import subprocess
import sys

import pytest

from osler.errors import StoreError
from osler.record import (LOINC, Coding, Condition, Genotype, Label, Note, Observation,
                          PatientRecord, Provenance, Quantity)
from osler.store import SCHEMA_VERSION, open_store

T0 = datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)


def _record(pid: str = "p1", n_obs: int = 3, **demo) -> PatientRecord:
    prov = Provenance("unit.json", f"Patient/{pid}")
    events = [Observation(id=f"{pid}-hr{i}", coding=Coding(LOINC, "8867-4", "Heart rate"),
                          provenance=Provenance("unit.json", f"Observation/{i}", i),
                          time=T0 + timedelta(hours=i), known_time=T0 + timedelta(hours=i, minutes=5),
                          value=Quantity(70.0 + i, "/min"), category="vital-signs")
              for i in range(n_obs)]
    events += [
        Condition(id=f"{pid}-c", coding=Coding("http://snomed.info/sct", "233604007", "Pneumonia"),
                  provenance=prov, time=T0, verification="refuted"),
        Note(id=f"{pid}-n", coding=Coding(LOINC, "11506-3"), provenance=prov, time=T0,
             text="Synthetic note.", author_role="practitioner"),
        Genotype(id=f"{pid}-g", coding=Coding("http://www.ncbi.nlm.nih.gov/snp", "rs4244285"),
                 provenance=prov, chrom="chr10", pos=94781859, ref="G", alleles=("G", None),
                 phased=False, gene="CYP2C19"),
        Observation(id=f"{pid}-rel", coding=Coding(LOINC, "2524-7"), provenance=prov,
                    offset=timedelta(hours=2), value=Quantity(2.5, "mmol/L")),
    ]
    labels = (Label(name="SepsisLabel", value=1.0, provenance=prov, offset=timedelta(hours=2)),)
    demo.setdefault("sex", "female")
    return PatientRecord(patient_id=pid, provenance=prov, birth_date=datetime(1950, 1, 2).date(),
                         events=tuple(events), labels=labels, **demo)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "duckdb":
        return str(tmp_path / "store.duckdb")
    return request.getfixturevalue("postgres_url")


def test_round_trip_keeps_every_field(store_url):
    rec = _record()
    with open_store(store_url) as store:
        summary = store.write([rec])
        back = store.patient("p1")
    assert summary.patients == 1 and summary.events == rec.counts()
    assert set(back.events) == set(rec.events)
    assert back.labels == rec.labels
    assert (back.birth_date, back.sex) == (rec.birth_date, rec.sex)


def test_rewriting_changes_no_counts(store_url):
    with open_store(store_url) as store:
        store.write([_record("p1"), _record("p2")])
        first = store.stats()
        store.write([_record("p2"), _record("p1")])
        store.add_quarantine("bad.json", "Observation/9", "missing code")
        store.add_quarantine("bad.json", "Observation/9", "missing code")
        second = store.stats()
    first["quarantined"] = 1
    first["tables"]["quarantine"] = 1
    assert second == first
    assert first["patients"] == 2 and first["observation"] == 8 and first["genotype"] == 2


def test_later_sources_add_to_a_patient_without_erasing_demographics(store_url):
    with open_store(store_url) as store:
        store.write([_record("p1", sex="female", race="Asian")])
        vcf_only = PatientRecord(patient_id="p1", provenance=Provenance("s.vcf"), events=(
            Genotype(id="extra-g", coding=None, provenance=Provenance("s.vcf", "S1", 20),
                     chrom="chr7", pos=1, ref="A", alleles=("A", "G")),))
        store.write([vcf_only])
        back = store.patient("p1")
    assert (back.sex, back.race) == ("female", "Asian")
    assert sum(1 for e in back.events if isinstance(e, Genotype)) == 2


def test_a_failed_batch_stores_no_part_of_any_patient(store_url, monkeypatch):
    with open_store(store_url) as store:
        original = store._replace_rows
        calls = {"n": 0}

        def failing(table, rows):
            calls["n"] += 1
            if calls["n"] == 3:  # fail after person and one event table were written
                raise RuntimeError("disk full")
            return original(table, rows)

        monkeypatch.setattr(store, "_replace_rows", failing)
        with pytest.raises(RuntimeError):
            store.write([_record("p1"), _record("p2")])
        monkeypatch.setattr(store, "_replace_rows", original)
        assert store.stats()["patients"] == 0
        assert sum(store.table_counts().values()) == 0


def test_batches_commit_whole_patients(store_url):
    with open_store(store_url, batch_rows=5) as store:
        summary = store.write([_record(f"p{i}") for i in range(7)])
        assert summary.patients == 7
        assert store.stats()["patients"] == 7


def test_newer_schema_is_refused(store_url):
    with open_store(store_url) as store:
        store._execute("INSERT INTO osler_schema VALUES (?)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="Upgrade Osler"):
        open_store(store_url)


def test_unknown_patient_is_none(store_url):
    with open_store(store_url) as store:
        assert store.patient("nobody") is None
        assert store.schema_version() == SCHEMA_VERSION


def test_an_event_id_leads_to_its_patient(store_url):
    with open_store(store_url) as store:
        store.write([_record("p1"), _record("p2")])
        assert store.patient_of_event("p2-hr1") == "p2"
        assert store.patient_of_event("p1-g") == "p1"     # genotype table too
        assert store.patient_of_event("no-such-event") is None


def test_a_revision_changes_with_every_write_of_the_patient(store_url):
    """Readers (the service) keep what they derived from a record while its revision stands."""
    postgres = store_url.startswith("postgresql")
    with open_store(store_url) as store:
        store.write([_record("p1"), _record("p2")])
        if not postgres:     # a writable DuckDB connection can change under a reader: no token
            assert store.revision("p1") is None
            assert store.patient_with_revision("p1")[1] is None
            return
        first, other = store.revision("p1"), store.revision("p2")
        record, revision = store.patient_with_revision("p1")
        assert revision == first is not None and record.patient_id == "p1"
        store.write([_record("p1", n_obs=5)])
        assert store.revision("p1") != first          # rewritten: a new revision
        assert store.revision("p2") == other          # untouched
        assert len(store.patient_with_revision("p1")[0].events) == len(record.events) + 2
        assert store.revision("nobody") is None
        assert store.patient_with_revision("nobody") == (None, None)


def test_a_read_only_duckdb_store_keeps_one_revision(tmp_path):
    path = tmp_path / "store.duckdb"
    with open_store(path) as store:
        store.write([_record("p1")])
    with open_store(path, read_only=True) as store:
        record, revision = store.patient_with_revision("p1")
        assert revision is not None and revision == store.revision("p1")
        assert record.patient_id == "p1"
        # and no other process can write it while it is open (DuckDB's file lock)
        writer = subprocess.run([sys.executable, "-c", "import duckdb, sys; "
                                 "duckdb.connect(sys.argv[1])", str(path)],
                                capture_output=True, text=True)
        assert writer.returncode != 0 and "lock" in writer.stderr.lower()


@pytest.mark.postgres
def test_a_row_moved_to_another_patient_changes_both_revisions(postgres_url, tmp_path):
    """Event ids do not name the patient: a resource re-filed under the right patient leaves
    the first patient's person row alone unless the store rewrites it too (and DuckDB moves
    the row the same way)."""
    from dataclasses import replace

    for url in (str(tmp_path / "s.duckdb"), postgres_url):
        _moved_between_patients(url, replace)


def _moved_between_patients(url, replace):
    postgres = url.startswith("postgresql")
    with open_store(url) as store:
        a, b = _record("pa"), _record("pb")
        store.write([a, b])
        before_a, before_b = store.revision("pa"), store.revision("pb")
        moved = a.events[0]                       # one of A's observations, filed under B
        store.write([replace(b, events=(*b.events, moved))])
        assert moved.id not in {e.id for e in store.patient("pa").events}
        assert moved.id in {e.id for e in store.patient("pb").events}
        if postgres:
            assert store.revision("pb") != before_b
            assert store.revision("pa") != before_a   # A lost an event: a new revision


@pytest.mark.postgres
def test_reads_carry_on_after_the_server_drops_the_connection(postgres_url):
    """A PostgreSQL restart, failover or idle timeout ends the store's connection: the next
    read reconnects instead of failing for as long as the process lives."""
    import psycopg

    with open_store(postgres_url) as store:
        store.write([_record("p1")])
        pid = store._con.info.backend_pid
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert store.patient("p1").patient_id == "p1"           # reconnected
        assert store._con.info.backend_pid != pid
        pid = store._con.info.backend_pid
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        record, revision = store.patient_with_revision("p1")     # the snapshot read too
        assert record.patient_id == "p1" and revision is not None


def test_a_version_1_store_gains_the_note_deidentified_column_and_keeps_its_notes(store_url):
    with open_store(store_url) as store:   # made a version 1 store: no column, version 1
        store._execute("ALTER TABLE note DROP COLUMN deidentified")
        store._execute("DELETE FROM osler_schema WHERE version > 1")
    with open_store(store_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        store.write([_record("p1")])
        (note,) = [e for e in store.patient("p1").events if isinstance(e, Note)]
        assert note.deidentified is False


def test_a_version_2_store_gains_the_person_fhir_server_column_and_keeps_its_patients(
        store_url):
    with open_store(store_url) as store:   # made a version 2 store: no column, version 2
        store.write([_record("p1")])
        store._execute("ALTER TABLE person DROP COLUMN fhir_server")
        store._execute("DELETE FROM osler_schema WHERE version > 2")
    with open_store(store_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert store.patient("p1").fhir_server is None
        store.write([_record("p2", fhir_server="site-a")])
        assert store.patient("p2").fhir_server == "site-a"
        assert store.patient("p1").events
