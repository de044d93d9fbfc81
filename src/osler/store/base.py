"""The store interface and the logic both backends share.

Writes are batched: each batch of whole patients is one transaction, so a patient is stored
whole or not at all, and a killed ingest leaves only whole batches behind. Rows carry
deterministic ids; a write replaces rows with the same id, so re-ingest changes no counts.
Re-ingest keyed another way (by the MRN after ``Patient.id``, or back) finds the earlier
patient by its source identity, the FHIR Patient resource its person row names, and re-files
it under the new key in the same transaction, so no one is stored twice.
"""

from __future__ import annotations

import abc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from osler.errors import StoreError
from osler.record import PatientRecord, event_id
from osler.store.rows import (KIND_TABLES, event_from_row, label_from_row, person_from_row,
                              record_rows)
from osler.store.schema import EVENT_TABLES, MIGRATIONS, SCHEMA_VERSION, TABLES, Table

__all__ = ["Store", "WriteSummary"]

_PERSON = TABLES["person"]
# where a person row holds what re-keying reads: its FHIR source and its demographics
_AT = {name: i for i, name in enumerate(_PERSON.column_names)}
_FILE_AT, _RECORD_AT, _SAME_AT = _AT["source_file"], _AT["source_record"], (_AT["birth_date"],
                                                                             _AT["sex"])
_SERVER_AT = _AT["fhir_server"]
# tables whose rows belong to a person (re-filed with it)
_OWNED = tuple(t.name for t in TABLES.values() if t.name != "person"
               and "person_id" in t.column_names)


@dataclass
class WriteSummary:
    """What a write stored: distinct patients, events by kind, labels; and the patients stored
    before whose rows this write gave to another patient (``refiled_from``: an event id they
    held came back under another patient), of which ``emptied`` were left with nothing and
    removed. Within one FHIR server that is a resource re-filed under its right patient; from
    two servers that reuse resource ids it is a collision, which the caller must report."""

    patient_ids: set[str] = field(default_factory=set)
    events: Counter[str] = field(default_factory=Counter)
    labels: int = 0
    refiled_from: set[str] = field(default_factory=set)
    emptied: set[str] = field(default_factory=set)

    @property
    def patients(self) -> int:
        return len(self.patient_ids)

    def add(self, other: WriteSummary) -> None:
        self.patient_ids |= other.patient_ids
        self.events.update(other.events)
        self.labels += other.labels
        self.refiled_from |= other.refiled_from
        self.emptied |= other.emptied


class Store(abc.ABC):
    """One interface over DuckDB (embedded default) and PostgreSQL (many users).

    Use :func:`osler.store.open_store`. Backends implement the four primitives at the bottom.
    """

    dialect: str = ""
    #: flush a batch once it holds this many rows (all tables together)
    batch_rows: int = 200_000

    def __init__(self, url: str) -> None:
        self.url = url

    # -- lifecycle ---------------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply pending migrations; refuse a store written by a newer Osler."""
        self._execute("CREATE TABLE IF NOT EXISTS osler_schema (version BIGINT)")
        rows = self._query("SELECT max(version) FROM osler_schema")
        current = rows[0][0] or 0
        if current > SCHEMA_VERSION:
            raise StoreError(f"store schema version is {current}; this Osler reads up to "
                             f"{SCHEMA_VERSION}. Upgrade Osler to open it.")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for stmt in MIGRATIONS[version](self.dialect):
                    self._execute(stmt)
                self._execute("INSERT INTO osler_schema VALUES (?)", (version,))
        return SCHEMA_VERSION

    def schema_version(self) -> int:
        return self._query("SELECT max(version) FROM osler_schema")[0][0] or 0

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------
    def write(self, records: Iterable[PatientRecord]) -> WriteSummary:
        """Store whole patients, batch by batch; return what was stored."""
        total = WriteSummary()
        for batch in self._batches(records):
            total.add(self._write_batch(batch))
        return total

    def _batches(self, records: Iterable[PatientRecord]) -> Iterator[list[PatientRecord]]:
        batch: list[PatientRecord] = []
        size = 0
        for rec in records:
            batch.append(rec)
            size += len(rec.events) + len(rec.labels) + 1
            if size >= self.batch_rows:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    def _write_batch(self, batch: list[PatientRecord]) -> WriteSummary:
        by_table: dict[str, dict[Any, tuple]] = defaultdict(dict)
        summary = WriteSummary()
        for rec in batch:
            for table, rows in record_rows(rec).items():
                if table == "person":
                    continue
                for row in rows:  # same id twice in a batch: the later one wins, as in the store
                    by_table[table][row[0]] = row
            summary.events.update(rec.counts())
            summary.labels += len(rec.labels)
        persons = self._merged_persons(batch)
        summary.patient_ids = set(persons)
        with self.transaction():
            self._replace_rows(_PERSON, list(persons.values()))
            earlier: set[str] = set()
            for table, rows in by_table.items():
                earlier |= self._replace_rows(TABLES[table], list(rows.values()))
            rekeyed = self._refile_rekeyed(persons)
            # A row that moved here from another patient (a resource re-filed under the right
            # patient) changed that patient's record too: rewrite its person row, so that its
            # revision moves as well; one left with nothing was re-filed whole.
            moved = sorted(earlier - set(persons) - rekeyed)
            if moved:
                summary.refiled_from.update(moved)
                if any(_keyed_by_identifier(pid, row) for pid, row in persons.items()):
                    summary.emptied.update(self._drop_refiled(moved))
                self._execute("UPDATE person SET person_id = person_id WHERE person_id = ANY(?)",
                              (moved,))
        return summary

    def _refile_rekeyed(self, persons: dict[str, tuple]) -> set[str]:
        """Patients stored before from the same source Patient resource as one of
        ``persons`` under another key (ingested by ``Patient.id``, now by the MRN with
        ``--patient-identifier``, or back): each is the same person, so its remaining rows
        (events this read did not give again, a DICOM study joined by the old key) are
        re-filed under the new key and its person row goes, in the caller's transaction.

        A FHIR Patient's person row names it as ``source_file`` and ``Patient/<id>``; other
        sources' rows are not matched (a notes file's would match every patient). A file
        name and a ``Patient.id`` alone do not prove one person (two sites' ``Patient.ndjson``
        may both hold ``Patient/1``): one of the two keys must be that ``Patient.id`` (the
        patient was keyed by it before, or is now), and birth date and sex, where both rows
        have them, must agree. Returns the old keys."""
        wanted = {(row[_FILE_AT], row[_RECORD_AT]): pid for pid, row in persons.items()
                  if isinstance(row[_RECORD_AT], str) and row[_RECORD_AT].startswith("Patient/")}
        if not wanted:
            return set()
        rows = self._query("SELECT * FROM person WHERE source_record = ANY(?)",
                           (sorted({r for _, r in wanted}),))
        old, merged = {}, {}
        for row in rows:
            pid, where = row[0], (row[_FILE_AT], row[_RECORD_AT])
            new = wanted.get(where)
            if new is None or pid == new or pid in persons:
                continue
            resource_id = where[1].removeprefix("Patient/")
            # one server's Patient/1 is not another's, whatever file name both exports used
            # (a row without a server is older than the column, or unnamed: not known)
            agree = row[_SERVER_AT] in (None, persons[new][_SERVER_AT]) and all(
                row[i] is None or persons[new][i] is None
                or str(row[i]) == str(persons[new][i]) for i in _SAME_AT)
            if resource_id in (pid, new) and agree:
                old[pid] = new
                # what the earlier row knew and this read does not say (a site, a race) stays
                merged[new] = _coalesce(merged.get(new, persons[new]), row)
        if merged:
            self._replace_rows(_PERSON, list(merged.values()))
        if old:
            # one statement a table for every moved patient: a statement a patient would scan
            # each table once per patient of the batch
            pairs = (list(old), list(old.values()))
            for table in _OWNED:
                self._execute(f"UPDATE {table} SET person_id = moved.new FROM (SELECT "
                              "unnest(CAST(? AS TEXT[])) AS old, "
                              "unnest(CAST(? AS TEXT[])) AS new) AS moved "
                              f"WHERE {table}.person_id = moved.old", pairs)
            self._execute("DELETE FROM person WHERE person_id = ANY(?)", (list(old),))
        return set(old)

    def _drop_refiled(self, pids: list[str]) -> list[str]:
        """Delete the person rows of FHIR patients among ``pids`` whose every row moved to
        another patient in this write (a second registration of one MRN, merged into the
        first when re-read keyed by it): an empty person left behind would be the patient
        twice. Called only for a write keyed by an identifier, and only a person keyed by its
        own ``Patient.id`` goes (the registration the identifier merged): keyed by
        ``Patient.id`` throughout, or by its own identifier, a patient whose results were all
        re-filed under another (a corrected subject) is still a registered patient. Returns
        the ids of the person rows deleted."""
        left = {r[0] for table in _OWNED for r in self._query(
            f"SELECT DISTINCT person_id FROM {table} WHERE person_id = ANY(?)", (pids,))}
        empty = [p for p in pids if p not in left]
        if not empty:
            return []
        gone = [r[0] for r in self._query("SELECT person_id FROM person WHERE person_id = ANY(?) "
                                          "AND source_record = 'Patient/' || person_id",
                                          (empty,))]
        if gone:
            self._execute("DELETE FROM person WHERE person_id = ANY(?)", (gone,))
        return gone

    def write_replacing(self, records: list[PatientRecord], remove: Iterable[str]) -> WriteSummary:
        """Delete the event rows whose ids are in ``remove``, then store ``records``, in one
        transaction: events derived from others (NLP mentions of notes) are re-derived whole,
        so one that a newer derivation no longer finds does not stay behind."""
        remove = sorted(set(remove))
        with self.transaction():
            if remove:
                for table in EVENT_TABLES:
                    self._execute(f"DELETE FROM {table} WHERE event_id = ANY(?)", (remove,))
            return self.write(records)

    def _merged_persons(self, batch: list[PatientRecord]) -> dict[str, tuple]:
        """Person rows, new values over old: a VCF without demographics keeps the FHIR ones."""
        new: dict[str, tuple] = {}
        for rec in batch:
            row = record_rows(PatientRecord(
                patient_id=rec.patient_id, provenance=rec.provenance, birth_date=rec.birth_date,
                sex=rec.sex, race=rec.race, ethnicity=rec.ethnicity,
                deceased_time=rec.deceased_time, site=rec.site,
                fhir_server=rec.fhir_server))["person"][0]
            new[rec.patient_id] = _coalesce(row, new.get(rec.patient_id))
        old = {r[0]: r for r in self._query(
            "SELECT * FROM person WHERE person_id = ANY(?)", (list(new),))}
        return {pid: _kept_fhir_source(_coalesce(row, old.get(pid)), old.get(pid))
                for pid, row in new.items()}

    def add_quarantine(self, file: str | None, record: str | None, reason: str,
                       line: int | None = None) -> None:
        """Record a rejected input. The same rejection twice is one row."""
        self.add_quarantine_many([(file, record, line, reason)])

    def add_quarantine_many(self, rows: Iterable[tuple[str | None, str | None, int | None, str]]
                            ) -> None:
        """Record rejected inputs ``(file, record, line, reason)`` in one transaction."""
        unique = {event_id("quarantine", *r): r for r in rows}
        if unique:
            with self.transaction():
                self._replace_rows(TABLES["quarantine"],
                                   [(qid, f, rec, line, reason)
                                    for qid, (f, rec, line, reason) in unique.items()])

    # -- reading -----------------------------------------------------------------------------
    def patient_ids(self, *, encounter_class: str | None = None) -> list[str]:
        """Every stored patient's id, in order; with ``encounter_class`` (e.g. ``"ICU"``),
        those with an encounter of that class."""
        if encounter_class is None:
            return [r[0] for r in self._query("SELECT person_id FROM person ORDER BY person_id")]
        return [r[0] for r in self._query(
            "SELECT DISTINCT person_id FROM visit_occurrence WHERE encounter_class = ? "
            "ORDER BY person_id", (encounter_class,))]

    def patient(self, patient_id: str) -> PatientRecord | None:
        """The stored record of one patient, or ``None``."""
        person = self._query_dicts("SELECT * FROM person WHERE person_id = ?", (patient_id,))
        if not person:
            return None
        events = []
        for table in EVENT_TABLES:
            for row in self._query_dicts(f"SELECT * FROM {table} WHERE person_id = ?",
                                         (patient_id,)):
                events.append(event_from_row(table, row))
        labels = [label_from_row(r) for r in self._query_dicts(
            "SELECT * FROM label WHERE person_id = ? ORDER BY label_offset_s, label_time",
            (patient_id,))]
        return person_from_row(person[0], events, labels)

    def persons(self, patient_ids: Iterable[str] = (), *, source_records: Iterable[str] = ()
                ) -> list[dict[str, Any]]:
        """The stored ``person`` rows (demographics, site, FHIR server and source, without
        events) of ``patient_ids``, and of the persons whose source record (``Patient/1``) is
        one of ``source_records``."""
        ids, records = sorted(set(patient_ids)), sorted(set(source_records))
        if not ids and not records:
            return []
        where = [(column, values) for column, values in (("person_id", ids),
                                                         ("source_record", records)) if values]
        return self._query_dicts("SELECT * FROM person WHERE " + " OR ".join(
            f"{column} = ANY(?)" for column, _ in where), tuple(v for _, v in where))

    #: Whether :meth:`revision` answers without asking the database (a store that cannot
    #: change while open), so that a caller that must not wait may ask it.
    static_revisions = False

    def revision(self, patient_id: str) -> str | None:
        """A token that changes whenever the stored record of ``patient_id`` changes, so that a
        reader may keep what it derived from the record until then; ``None`` when this store
        cannot tell: then nothing derived may be kept. For a patient not stored, the token
        may be ``None`` or any value (nothing is kept of an absent patient).

        Every write of a patient rewrites its ``person`` row in the same transaction
        (:meth:`write`), so the row's version is the record's.
        """
        return None

    def patient_with_revision(self, patient_id: str) -> tuple[PatientRecord | None, str | None]:
        """:meth:`patient` and its :meth:`revision`. The revision is read first, so a write
        between the two can only make it older than the record: a reader then reloads once
        more, and never keeps an old record under a new revision."""
        revision = self.revision(patient_id)
        return self.patient(patient_id), revision

    def patient_of_event(self, event_id: str) -> str | None:
        """The patient whose timeline holds the event ``event_id``, or ``None``."""
        for table in EVENT_TABLES:
            rows = self._query(f"SELECT person_id FROM {table} WHERE event_id = ?", (event_id,))
            if rows:
                return rows[0][0]
        return None

    def quarantined(self) -> list[dict[str, Any]]:
        return self._query_dicts("SELECT source_file, record, line, reason FROM quarantine "
                                 "ORDER BY source_file, record, line")

    def table_counts(self) -> dict[str, int]:
        return {t: self._query(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}

    def stats(self) -> dict[str, Any]:
        """Counts: ``patients``, one per event kind, ``labels``, ``quarantined``, and tables."""
        tables = self.table_counts()
        out: dict[str, Any] = {"patients": tables["person"]}
        for kind, names in KIND_TABLES.items():
            out[kind] = sum(tables[n] for n in names)
        out["labels"] = tables["label"]
        out["quarantined"] = tables["quarantine"]
        out["schema_version"] = self.schema_version()
        out["tables"] = tables
        return out

    def query(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        """Read-only SQL for analysts and later layers (rows as dicts)."""
        return self._query_dicts(sql, params)

    # -- backend primitives ------------------------------------------------------------------
    @abc.abstractmethod
    def _execute(self, sql: str, params: tuple = ()) -> None: ...

    @abc.abstractmethod
    def _query(self, sql: str, params: tuple = ()) -> list[tuple]: ...

    @abc.abstractmethod
    def _query_dicts(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def _replace_rows(self, table: Table, rows: list[tuple]) -> set[str]:
        """Delete rows whose key is among ``rows``' keys, then insert ``rows`` (in a txn);
        return the ``person_id`` of every deleted row (empty for tables without one)."""

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]: ...

    @abc.abstractmethod
    def close(self) -> None: ...


def _kept_fhir_source(row: tuple, old: tuple | None) -> tuple:
    """``row`` keeping the FHIR Patient its person came from (``source_file`` and
    ``Patient/<id>``) when a later source (a notes file, a DICOM study) would overwrite it:
    a re-keyed re-ingest recognises the patient by it (see ``_refile_rekeyed``)."""
    if old is None or not str(old[_RECORD_AT] or "").startswith("Patient/") \
            or str(row[_RECORD_AT] or "").startswith("Patient/"):
        return row
    kept = list(row)
    kept[_FILE_AT], kept[_RECORD_AT] = old[_FILE_AT], old[_RECORD_AT]
    return tuple(kept)


def _keyed_by_identifier(pid: str, row: tuple) -> bool:
    """Whether a FHIR patient's person row is keyed by an identifier, not by its Patient.id."""
    record = row[_RECORD_AT]
    return isinstance(record, str) and record.startswith("Patient/") and record != f"Patient/{pid}"


def _coalesce(new: tuple, old: tuple | None) -> tuple:
    if old is None:
        return new
    return tuple(n if n is not None else o for n, o in zip(new, old))
