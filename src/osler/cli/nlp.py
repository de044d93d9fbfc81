"""``osler nlp``: assertion attributes for concept/sentence pairs, and concepts in notes."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from osler.cli._common import (EXIT_FAILURE, EXIT_PARTIAL, db_option, read_text, resolve_db,
                               text_lines)

__all__ = ["nlp"]

# Words of the row are not echoed: a sentence's last word may be a name.
_STAND_IN = {
    "first word": "the concept is not in its sentence; its attributes are those of its first "
                  "word there",
    "last word": "the concept is not in its sentence; its attributes are those of the "
                 "sentence's last word, which stands for it",
    "nothing": "the sentence is empty; its attributes are the defaults",
}


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
    """Negation, temporality and experiencer of each concept in its sentence.

    A concept not found in its sentence is attributed through a stand-in, as in the NegEx
    evaluation set, where the concept is often a normalised form of the words: its first word
    if that is there ("chest pains" in "No chest pain."), else the sentence's last word, so
    the row gets the sentence's attributes. Each such row is named on stderr with the
    attributes it got. A row with an empty concept or sentence cell is skipped and named on
    stderr by its line, as a row of the wrong number of fields is.
    """
    from osler.errors import DataError, IngestError
    from osler.nlp.context import ContextAttributor

    lines = text_lines(in_file)
    header = next(((n, t, bad) for n, t, bad in lines if bad is not None or t.strip()), None)
    if header is None:
        raise DataError(f"{in_file}: empty; needs a header with 'concept' and 'sentence'")
    if header[2] is not None:
        raise header[2]
    fields = _tsv_fields(header[1])
    missing = {"concept", "sentence"} - set(fields)
    if missing:
        raise DataError(f"{in_file}: columns {sorted(missing)} are missing; got {fields}")
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise DataError(f"{in_file}: header line {header[0]} repeats column(s) {repeated}; each "
                        "column must be named once")
    rows, lines_of, skipped = [], [], 0
    for n, line, bad in lines:
        if bad is None and not line.strip():
            continue
        values = _tsv_fields(line) if bad is None else []
        if bad is None and len(values) != len(fields):
            bad = IngestError(f"{len(values)} tab-separated fields, the header has "
                              f"{len(fields)}", file=str(in_file), line=n)
        if bad is None:
            empty = [c for c in ("concept", "sentence") if not values[fields.index(c)].strip()]
            if empty:   # nothing to attribute: a blank concept is no concept
                bad = IngestError(f"empty {' and '.join(repr(c) for c in empty)} cell; each "
                                  "row needs a concept and its sentence", file=str(in_file),
                                  line=n)
        if bad is not None:
            click.echo(f"skipped: {bad}", err=True)
            skipped += 1
            continue
        rows.append(dict(zip(fields, values)))
        lines_of.append(n)
    explained = ContextAttributor(rules).attribute_explained(
        (r["concept"], r["sentence"]) for r in rows)
    for n, (a, found) in zip(lines_of, explained):
        if found != "concept":
            click.echo(f"{in_file.name} line {n}: {_STAND_IN[found]}; the row got {a.negation}, "
                       f"{a.temporality}, {a.experiencer}", err=True)
    assertions = [a for a, _ in explained]
    ours = ("negation", "temporality", "experiencer")
    replaced = [c for c in ours if c in fields]
    if replaced:
        click.echo(f"{in_file.name}: input column(s) {replaced} are replaced by Osler's "
                   "attributes in the output (rename them, e.g. gold_negation, to keep them)",
                   err=True)
    out_fields = fields + [c for c in ours if c not in fields]
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        # Written by hand, not by csv: csv's escaping would rewrite the text (a quote gained
        # a backslash); fields go out as they came, quoted only where they must be.
        with out_file.open("w", encoding="utf-8", newline="") as fh:
            fh.write("\t".join(out_fields) + "\n")
            for row, a in zip(rows, assertions):
                row = {**row, **a.to_dict()}
                fh.write("\t".join(_tsv_value(str(row[c])) for c in out_fields) + "\n")
    except OSError as exc:
        raise DataError(f"cannot write --out {out_file}: {exc.strerror or exc}") from exc
    click.echo(f"{len(rows)} concepts attributed, {skipped} rows skipped -> {out_file}",
               err=True)
    if skipped:
        raise SystemExit(EXIT_PARTIAL if rows else EXIT_FAILURE)


def _tsv_fields(line: str) -> list[str]:
    """The fields of a TSV line. A field that is quoted whole, as spreadsheet and pandas TSV
    writers quote (``"a<TAB>b"``, ``""`` for a quote inside), is unquoted; any other field is
    text as it stands (``"I have pain," pt says`` keeps its quotes, an unclosed quote ends at
    the tab), as in plain TSV."""
    if '"' not in line:
        return line.split("\t")
    fields, pos = [], 0
    while True:
        quoted = _QUOTED_FIELD.match(line, pos)
        if quoted:
            fields.append(quoted.group(1).replace('""', '"'))
            pos = quoted.end()
        else:
            tab = line.find("\t", pos)
            fields.append(line[pos:] if tab < 0 else line[pos:tab])
            pos = len(line) if tab < 0 else tab
        if pos >= len(line):
            return fields
        pos += 1   # the tab
        if pos == len(line):
            return [*fields, ""]


_QUOTED_FIELD = re.compile(r'"((?:[^"]|"")*)"(?=\t|$)')


def _tsv_value(value: str) -> str:
    """``value`` as a TSV field: as it is, or quoted (as :func:`_tsv_fields` reads it) when it
    holds a tab or a line break or opens with a quote."""
    if "\t" in value or "\n" in value or "\r" in value or value.startswith('"'):
        return '"' + value.replace('"', '""') + '"'
    return value


@nlp.command()
@click.argument("note_file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--patient", "patient_id", default=None, help="Read this patient's notes from "
                                                              "the store instead of a file.")
@db_option
def extract(note_file: Path | None, patient_id: str | None, db: str | None) -> None:
    """Concepts with attributes and character spans, one JSON object per line.

    "allergen" is true for a drug named as an allergy. "resolved" is true for a condition
    told as resolved ("AKI (resolved)"): its negation is Negated, as NegEx counts it, yet the
    patient had it, and ``osler nlp annotate`` stores it as confirmed and resolved.
    """
    from osler.errors import OslerError
    from osler.nlp.concepts import ConceptExtractor
    from osler.record import Note

    if (note_file is None) == (patient_id is None):
        raise click.UsageError("give exactly one of NOTE_FILE and --patient")
    if note_file is not None:
        notes = [(note_file.name, read_text(note_file), note_file.name)]
    else:
        from osler.store import open_store

        with open_store(resolve_db(db), read_only=True) as store:
            record = store.patient(patient_id)
        if record is None:
            raise OslerError(f"no patient with id {patient_id!r} in the store")
        # "source": where the note came from (file, FHIR DocumentReference ...), beside Osler's id
        notes = [(e.id, e.text, str(e.provenance)) for e in record.events
                 if isinstance(e, Note) and e.text]
    extractor = ConceptExtractor()
    for (note_id, _, source), mentions in zip(notes,
                                              extractor.extract_many(t for _, t, _ in notes)):
        for m in mentions:
            sys.stdout.write(json.dumps({"note": note_id, "source": source, **m.to_dict()})
                             + "\n")


@nlp.command()
@click.option("--patient", "patient_ids", multiple=True,
              help="Only this patient's notes (repeatable); default: every patient with a note.")
@db_option
def annotate(patient_ids: tuple[str, ...], db: str | None) -> None:
    """Store the concepts of stored notes as coded events of each patient's timeline.

    A negated finding is stored as a refuted Condition, a resolved one as confirmed with
    clinical status resolved, a possible one as provisional, a procedure not done as
    not-done; mentions about someone else, hypothetical ones and drugs named as allergies are
    not stored. Re-running replaces a patient's NLP events whole.
    """
    from osler.pipelines.notes_nlp import annotate_store
    from osler.store import open_store

    with open_store(resolve_db(db)) as store:
        report = annotate_store(store, patient_ids or None)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.events.items())) or "no events"
    click.echo(f"{report.notes} notes of {report.patients} patients annotated: {kinds}; "
               f"{report.removed} earlier NLP events the notes no longer give removed", err=True)
    for pid in report.missing:
        click.echo(f"no patient with id {pid!r} in the store", err=True)
    if report.missing:
        raise SystemExit(EXIT_PARTIAL if report.patients else EXIT_FAILURE)
