"""``osler nlp``: assertion attributes for concept/sentence pairs, and concepts in notes."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from osler.cli._common import db_option, resolve_db

__all__ = ["nlp"]


@click.group()
def nlp() -> None:
    """Clinical NLP: negation, temporality and experiencer of concepts in notes."""


@nlp.command()
@click.option("--in", "in_file", required=True, type=click.Path(exists=True, dir_okay=False,
                                                                  path_type=Path),
              help="Tab-separated file with a header and columns 'concept' and 'sentence'.")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output TSV: the input columns plus negation, temporality, experiencer.")
@click.option("--rules", default="osler", show_default=True,
              type=click.Choice(["osler", "medspacy"]), help="ConText rule set.")
def context(in_file: Path, out_file: Path, rules: str) -> None:
    """Negation, temporality and experiencer of each concept in its sentence."""
    from osler.errors import DataError
    from osler.nlp.context import ContextAttributor

    with in_file.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        fields = reader.fieldnames or []
        missing = {"concept", "sentence"} - set(fields)
        if missing:
            raise DataError(f"{in_file}: columns {sorted(missing)} are missing; "
                            f"got {fields}")
        rows = list(reader)
    assertions = ContextAttributor(rules).attribute((r["concept"], r["sentence"]) for r in rows)
    out_fields = fields + [c for c in ("negation", "temporality", "experiencer") if c not in fields]
    with out_file.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, out_fields, delimiter="\t", quoting=csv.QUOTE_NONE,
                                escapechar="\\", lineterminator="\n")
        writer.writeheader()
        for row, a in zip(rows, assertions):
            writer.writerow({**row, **a.to_dict()})
    click.echo(f"{len(rows)} concepts attributed -> {out_file}", err=True)


@nlp.command()
@click.argument("note_file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--patient", "patient_id", default=None, help="Read this patient's notes from "
                                                              "the store instead of a file.")
@db_option
def extract(note_file: Path | None, patient_id: str | None, db: str | None) -> None:
    """Concepts with attributes and character spans, one JSON object per line."""
    from osler.errors import OslerError
    from osler.nlp.concepts import ConceptExtractor
    from osler.record import Note

    if (note_file is None) == (patient_id is None):
        raise click.UsageError("give exactly one of NOTE_FILE and --patient")
    if note_file is not None:
        notes = [(note_file.name, note_file.read_text(encoding="utf-8"))]
    else:
        from osler.store import open_store

        with open_store(resolve_db(db), read_only=True) as store:
            record = store.patient(patient_id)
        if record is None:
            raise OslerError(f"no patient with id {patient_id!r} in the store")
        notes = [(e.id, e.text) for e in record.events if isinstance(e, Note) and e.text]
    extractor = ConceptExtractor()
    for (note_id, _), mentions in zip(notes, extractor.extract_many(t for _, t in notes)):
        for m in mentions:
            sys.stdout.write(json.dumps({"note": note_id, **m.to_dict()}) + "\n")
