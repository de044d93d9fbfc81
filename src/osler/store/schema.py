"""The store's tables: OMOP CDM 5.4-shaped where they fit, plus image, genotype and label tables.

Osler keeps *source* codes (system, code, display) rather than OMOP concept ids: no vocabulary
tables ship with it, and the source code is what a clinician can check. Every event table has
the same base columns (:data:`BASE`); each adds the columns its kind needs. Column types are
logical and mapped per backend.

Schema changes are new entries in :data:`MIGRATIONS`; a store records the versions it applied.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BASE", "EVENT_TABLES", "MIGRATIONS", "SCHEMA_VERSION", "TABLES", "Table", "ddl"]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]   # (name, logical type)
    key: str                               # the id column (unique per row by construction)

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]


#: Columns every event table has. Times: absolute (timestamptz) or offset seconds from the
#: start of ``visit_id`` when the source gives only relative time.
BASE: tuple[tuple[str, str], ...] = (
    ("event_id", "text"), ("person_id", "text"), ("visit_id", "text"),
    ("system", "text"), ("code", "text"), ("display", "text"),
    ("start_time", "timestamptz"), ("start_offset_s", "float"),
    ("known_time", "timestamptz"), ("known_offset_s", "float"),
    ("end_time", "timestamptz"), ("status", "text"),
    ("source_file", "text"), ("source_record", "text"), ("source_line", "int"),
)

_EXTRA: dict[str, tuple[tuple[str, str], ...]] = {
    "visit_occurrence": (("encounter_class", "text"), ("care_site", "text"), ("unit", "text"),
                         ("discharge_disposition", "text")),
    "condition_occurrence": (("verification", "text"), ("clinical_status", "text"),
                             ("category", "text")),
    "measurement": (("category", "text"), ("value_as_number", "float"), ("unit", "text"),
                    ("value_text", "text"), ("value_system", "text"), ("value_code", "text"),
                    ("value_display", "text"), ("interpretation", "text")),
    "drug_exposure": (("action", "text"), ("dose_value", "float"), ("dose_unit", "text"),
                      ("route", "text")),
    "procedure_occurrence": (),
    "note": (("note_text", "text"), ("title", "text"), ("author_role", "text"),
             ("content_type", "text"), ("deidentified", "bool")),
    "image_study": (("study_uid", "text"), ("series_uid", "text"), ("modality", "text"),
                    ("body_part", "text"), ("pixel_spacing", "json"), ("n_instances", "int"),
                    ("description", "text"), ("pixel_ref", "text"), ("embedding_ref", "text")),
    "genotype": (("chrom", "text"), ("pos", "int"), ("ref", "text"), ("alleles", "json"),
                 ("phased", "bool"), ("build", "text"), ("gene", "text"), ("rsid", "text"),
                 ("sample", "text")),
    "consent": (("provision", "text"), ("scope", "text"), ("purposes", "json")),
}
# OMOP splits quantitative results (measurement) from other facts (observation): same columns.
_EXTRA["observation"] = _EXTRA["measurement"]

EVENT_TABLES: dict[str, Table] = {
    name: Table(name, BASE + extra, "event_id") for name, extra in _EXTRA.items()
}

TABLES: dict[str, Table] = {
    **EVENT_TABLES,
    "person": Table("person", (
        ("person_id", "text"), ("birth_date", "date"), ("sex", "text"), ("race", "text"),
        ("ethnicity", "text"), ("deceased_time", "timestamptz"), ("site", "text"),
        ("source_file", "text"), ("source_record", "text"), ("fhir_server", "text")),
        "person_id"),
    "label": Table("label", (
        ("label_id", "text"), ("person_id", "text"), ("visit_id", "text"), ("name", "text"),
        ("value", "float"), ("label_time", "timestamptz"), ("label_offset_s", "float"),
        ("source_file", "text"), ("source_record", "text"), ("source_line", "int")), "label_id"),
    "note_nlp": Table("note_nlp", (
        ("note_nlp_id", "text"), ("note_id", "text"), ("person_id", "text"),
        ("offset_start", "int"), ("offset_end", "int"), ("lexical_variant", "text"),
        ("system", "text"), ("code", "text"), ("display", "text"), ("section", "text"),
        ("negation", "text"), ("temporality", "text"), ("experiencer", "text"),
        ("nlp_system", "text")), "note_nlp_id"),
    "quarantine": Table("quarantine", (
        ("quarantine_id", "text"), ("source_file", "text"), ("record", "text"),
        ("line", "int"), ("reason", "text")), "quarantine_id"),
}

SCHEMA_VERSION = 3

_TYPES = {
    "duckdb": {"text": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN",
               "timestamptz": "TIMESTAMPTZ", "date": "DATE", "json": "VARCHAR"},
    "postgres": {"text": "TEXT", "int": "BIGINT", "float": "DOUBLE PRECISION", "bool": "BOOLEAN",
                 "timestamptz": "TIMESTAMPTZ", "date": "DATE", "json": "TEXT"},
}


def ddl(table: Table, dialect: str) -> list[str]:
    """CREATE statements for ``table`` (and its person index) in ``dialect``."""
    types = _TYPES[dialect]
    cols = ", ".join(f"{c} {types[t]}" + (" PRIMARY KEY" if c == table.key and dialect == "postgres"
                                          else "") for c, t in table.columns)
    out = [f"CREATE TABLE IF NOT EXISTS {table.name} ({cols})"]
    # DuckDB scans by zone maps; an ART index would slow the bulk writes it exists for.
    if dialect == "postgres" and "person_id" in table.column_names and table.key != "person_id":
        out.append(f"CREATE INDEX IF NOT EXISTS ix_{table.name}_person ON {table.name} (person_id)")
    return out


def _v1(dialect: str) -> list[str]:
    return [stmt for t in TABLES.values() for stmt in ddl(t, dialect)]


def _v2(dialect: str) -> list[str]:
    # notes read from `osler deid text` output say so (a store of version 1 lacks the column;
    # one created at version 2 has it from _v1, which builds the current tables)
    out = ["ALTER TABLE note ADD COLUMN IF NOT EXISTS deidentified " + _TYPES[dialect]["bool"]]
    if dialect == "postgres":   # a re-keyed re-ingest looks patients up by their FHIR Patient
        out.append("CREATE INDEX IF NOT EXISTS ix_person_source_record ON person (source_record)")
    return out


def _v3(dialect: str) -> list[str]:
    # the named FHIR server a patient's Patient resource came from: two servers' Patient/1
    # under one key are told apart by it (appended last, where _v1 now creates it)
    return ["ALTER TABLE person ADD COLUMN IF NOT EXISTS fhir_server " + _TYPES[dialect]["text"]]


#: version -> function(dialect) -> statements. Append; never edit an applied migration.
MIGRATIONS = {1: _v1, 2: _v2, 3: _v3}
