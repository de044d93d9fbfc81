"""``osler nlp``: assertion attributes for concept/sentence pairs, and concepts in notes."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from osler.cli._common import (EXIT_FAILURE, EXIT_PARTIAL, db_option, output_file, read_bytes,
                               refuse_overwrite, resolve_db, single_option, text_lines)

__all__ = ["nlp"]

#: How many stored notes were not read because their status withdraws them.
_WITHDRAWN = ("{} notes withdrawn by their status (entered in error, superseded, a cancelled "
              "report) were not read")
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
@single_option("--in", "in_file", required=True,
               type=click.Path(exists=True, dir_okay=False, path_type=Path),
               help="Tab-separated file with a header and columns 'concept' and 'sentence' "
                    "(any case). Cells may be quoted as spreadsheets and pandas write them, "
                    "line breaks inside quotes too.")
@single_option("--out", "out_file", required=True,
               type=click.Path(dir_okay=False, path_type=Path),
               help="Output TSV: the input columns plus negation, temporality, experiencer; "
                    "one row per input row, in order (a skipped row with empty attributes).")
@single_option("--rules", default="osler", show_default=True,
               type=click.Choice(["osler", "medspacy"]), help="ConText rule set.")
def context(in_file: Path, out_file: Path, rules: str) -> None:
    """Negation, temporality and experiencer of each concept in its sentence.

    A concept not found in its sentence is attributed through a stand-in, as in the NegEx
    evaluation set, where the concept is often a normalised form of the words: its first word
    if that is there ("chest pains" in "No chest pain."), else the sentence's last word, so
    the row gets the sentence's attributes. Each such row is named on stderr with the
    attributes it got. A row with an empty concept or sentence cell is skipped and named on
    stderr by its line, as a row of the wrong number of fields is (empty cells after the
    last column, as spreadsheets write them, are not fields); it stays in the output, in its
    place, with empty attribute cells, so that output row N is input row N.

    Exit status: 0 when every row was attributed, 3 when some rows were skipped, 2 when all
    were, or on a usage error or a fatal one (no header with 'concept' and 'sentence', an
    --out that is the --in or cannot be written).
    """
    from osler.errors import DataError
    from osler.nlp.context import ContextAttributor

    refuse_overwrite(out_file, "--out", [("--in", in_file)])
    records = list(_tsv_records(text_lines(in_file, keep_ends=True)))
    at = next((i for i, (_, cells, bad) in enumerate(records)
               if bad is not None or "".join(cells or ()).strip()), None)
    if at is None:
        raise DataError(f"{in_file}: empty; needs a header with 'concept' and 'sentence'")
    line, fields, bad = records[at]
    if bad is not None or fields is None:
        raise bad or DataError(f"{in_file}: no header")
    columns = _columns(fields, in_file, line)
    rows = [row for row in (_row(n, values, bad, fields, columns, in_file)
                            for n, values, bad in records[at + 1:])
            if row is not None]
    for row in rows:
        if row.problem is not None:
            click.echo(f"skipped: {row.problem}", err=True)
    todo = [r for r in rows if r.problem is None]
    out_fields = _out_fields(fields, in_file)
    # opened before the work: an --out that cannot be written fails at once, and it is
    # replaced only once written whole
    with output_file(out_file, "--out", newline="") as fh:
        explained = ContextAttributor(rules).attribute_explained(
            (r.values[columns["concept"]], r.values[columns["sentence"]]) for r in todo)
        for row, (a, found) in zip(todo, explained):
            row.attributes = a.to_dict()
            if found != "concept":
                click.echo(f"{in_file.name} line {row.line}: {_STAND_IN[found]}; the row got "
                           f"{a.negation}, {a.temporality}, {a.experiencer}", err=True)
        _write_tsv(fh, out_fields, rows, len(fields))
    skipped = len(rows) - len(todo)
    click.echo(f"{len(todo)} concepts attributed, {skipped} rows skipped -> {out_file}",
               err=True)
    if skipped:
        raise SystemExit(EXIT_PARTIAL if todo else EXIT_FAILURE)


#: The attributes ``osler nlp context`` adds, as its output names them.
_OURS = ("negation", "temporality", "experiencer")


@dataclass
class _Row:
    """One input row: its first line, its cells (as many as the header names, "" where it
    has none), why it is skipped (None: attributed) and the attributes it got."""

    line: int
    values: list[str]
    problem: Exception | None = None
    attributes: dict[str, str] = field(default_factory=dict)


def _columns(fields: list[str], in_file: Path, line: int) -> dict[str, int]:
    """Where 'concept' and 'sentence' are in the header, named in any case ("Concept",
    "SENTENCE"); DataError when one is missing or a name is given twice."""
    from osler.errors import DataError

    names = [f.strip().lower() for f in fields]
    missing = sorted({"concept", "sentence"} - set(names))
    if missing:   # its cells are not shown: a file with no header starts with a row of PHI
        raise DataError(f"{in_file}: line {line} is no header: it names no column "
                        f"{' and no column '.join(repr(m) for m in missing)} (any case); it "
                        f"has {len(fields)} tab-separated fields. The first line must name "
                        "the columns, 'concept' and 'sentence' among them")
    repeated = sorted({f for f in names if names.count(f) > 1})
    if repeated:
        raise DataError(f"{in_file}: header line {line} repeats column(s) {repeated}; each "
                        "column must be named once (in any case)")
    return {c: names.index(c) for c in ("concept", "sentence")}


def _row(n: int, values: list[str] | None, bad: Exception | None, fields: list[str],
         columns: dict[str, int], in_file: Path) -> _Row | None:
    """The row of one record, or None for a blank line (no row at all). A row that cannot
    be attributed keeps the cells that line up with the header (a short row's padded, a
    long row's first ones: its id stays to match it by) and says why it is skipped."""
    from osler.errors import IngestError

    if bad is None and not "".join(values or ()).strip():
        return None
    if bad is not None:
        return _Row(n, [""] * len(fields), bad)
    values = list(values or ())
    if len(values) > len(fields) and not "".join(values[len(fields):]).strip():
        values = values[:len(fields)]   # empty cells after the last column, as Excel writes
    if len(values) != len(fields):
        problem = IngestError(f"{len(values)} tab-separated fields, the header has "
                              f"{len(fields)}", file=str(in_file), line=n)
        return _Row(n, (values + [""] * len(fields))[:len(fields)], problem)
    empty = [c for c in ("concept", "sentence") if not values[columns[c]].strip()]
    if empty:   # nothing to attribute: a blank concept is no concept
        return _Row(n, values, IngestError(
            f"empty {' and '.join(repr(c) for c in empty)} cell; each row needs a concept and "
            "its sentence", file=str(in_file), line=n))
    return _Row(n, values)


def _out_fields(fields: list[str], in_file: Path) -> list[str]:
    """The output header: the input's columns as named there, then negation, temporality and
    experiencer. An input column of one of those names (any case) is replaced, and named as
    Osler names it, so that the output always holds the three by their names."""
    replaced = [f for f in fields if f.strip().lower() in _OURS]
    if replaced:
        click.echo(f"{in_file.name}: input column(s) {replaced} are replaced by Osler's "
                   "attributes in the output (rename them, e.g. gold_negation, to keep them)",
                   err=True)
    out = [f.strip().lower() if f.strip().lower() in _OURS else f for f in fields]
    return out + [c for c in _OURS if c not in out]


def _write_tsv(fh, out_fields: list[str], rows: list[_Row], width: int) -> None:
    """Write the output table to ``fh`` (opened with ``newline=""``)."""
    # Written by hand, not by csv: csv's escaping would rewrite the text (a quote gained a
    # backslash); fields go out as they came, quoted only where they must be.
    fh.write("\t".join(out_fields) + "\n")
    for row in rows:
        cells = dict(zip(out_fields[:width], row.values))
        cells.update(row.attributes if row.problem is None else dict.fromkeys(_OURS, ""))
        fh.write("\t".join(_tsv_value(cells[c]) for c in out_fields) + "\n")


def _tsv_records(lines: Iterable[tuple[int, str | None, Exception | None]]
                 ) -> Iterator[tuple[int, list[str] | None, Exception | None]]:
    """``(first line number, fields, None)`` per record of a TSV given as ``text_lines(path,
    keep_ends=True)``; ``(n, None, error)`` for a line that is not UTF-8. A record is one
    line, or more when a cell quoted whole holds line breaks, as pandas and spreadsheets write
    it (``2<TAB>"Pt denies<CRLF>chest pain."``): the cell keeps them as they were. A quote
    that closes nowhere is text as it stands (:func:`_tsv_fields`), its line a record."""
    lines = list(lines)
    i = 0
    while i < len(lines):
        n, text, bad = lines[i]
        if bad is not None or text is None:
            yield n, None, bad
            i += 1
            continue
        record, j = text, i
        fields = _parse_fields(_LINE_END.sub("", record), final=False)
        while fields is None and j + 1 < len(lines) and lines[j + 1][2] is None:
            j += 1
            record += lines[j][1] or ""
            fields = _parse_fields(_LINE_END.sub("", record), final=False)
        if fields is None:   # the quote closes nowhere: the line alone, as plain TSV
            record, j = text, i
            fields = _parse_fields(_LINE_END.sub("", record), final=True)
        yield n, fields, None
        i = j + 1


def _tsv_fields(line: str) -> list[str]:
    """The fields of a TSV line. A field that is quoted whole, as spreadsheet and pandas TSV
    writers quote (``"a<TAB>b"``, ``""`` for a quote inside), is unquoted; any other field is
    text as it stands (``"I have pain," pt says`` keeps its quotes, an unclosed quote ends at
    the tab), as in plain TSV."""
    return _parse_fields(line, final=True) or [""]


def _parse_fields(record: str, final: bool) -> list[str] | None:
    """The fields of ``record`` (:func:`_tsv_fields`); None when ``final`` is false and a cell
    opened with a quote is still open at its end, with no lone quote after the opening one
    (``"Pt denies`` may close on the next line; ``"I have pain," pt says`` cannot)."""
    if '"' not in record:
        return record.split("\t")
    fields, pos = [], 0
    while True:
        quoted = _QUOTED_FIELD.match(record, pos)
        if quoted:
            fields.append(quoted.group(1).replace('""', '"'))
            pos = quoted.end()
        elif not final and _OPEN_FIELD.match(record, pos):
            return None
        else:
            tab = record.find("\t", pos)
            fields.append(record[pos:] if tab < 0 else record[pos:tab])
            pos = len(record) if tab < 0 else tab
        if pos >= len(record):
            return fields
        pos += 1   # the tab
        if pos == len(record):
            return [*fields, ""]


# A cell quoted whole: "..." with "" for a quote inside, line breaks allowed, then a tab or
# the record's end.
_QUOTED_FIELD = re.compile(r'"((?:[^"]|"")*)"(?=\t|\Z)')
# A cell that opens a quote and holds no lone quote up to the record's end: it may go on.
_OPEN_FIELD = re.compile(r'"(?:[^"]|"")*\Z')
_LINE_END = re.compile(r"[\r\n]+\Z")


def _tsv_value(value: str) -> str:
    """``value`` as a TSV field: as it is, or quoted (as :func:`_tsv_fields` reads it) when it
    holds a tab or a line break or opens with a quote."""
    if "\t" in value or "\n" in value or "\r" in value or value.startswith('"'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _note_file_text(path: Path) -> str:
    """``path``'s text (gunzipped if gzip), decoded by :func:`osler.ingest.notes.decode_note`
    as ``osler ingest`` decodes a ``.txt`` note. Line ends are kept. IngestError names the
    file and why it is not text, never quoting its content."""
    from osler.errors import IngestError
    from osler.ingest.notes import decode_note

    raw = read_bytes(path)
    try:
        return decode_note(raw)
    except ValueError as exc:
        raise IngestError(f"cannot read text: {exc}", file=str(path)) from None


@nlp.command()
@click.argument("note_file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@single_option("--patient", "patient_id", default=None,
               help="Read this patient's notes from the store instead of a file.")
@db_option
def extract(note_file: Path | None, patient_id: str | None, db: str | None) -> None:
    """Concepts with attributes and character spans, one JSON object per line.

    "allergen" is true for a drug named as an allergy. "resolved" is true for a condition
    told as resolved ("AKI (resolved)"): its negation is Negated, as NegEx counts it, yet the
    patient had it, and ``osler nlp annotate`` stores it as confirmed and resolved.

    Exit status: 0 when the notes were read (with or without concepts), 2 when there was
    nothing to read (an empty NOTE_FILE, no such patient or no note with text), or on a
    usage error or a fatal one (a file that is not text). It skips nothing, so never 3.

    NOTE_FILE is decoded as ``osler ingest`` decodes a plain-text note: by its byte-order
    mark (UTF-8, UTF-16, UTF-32), else as UTF-8, else as Latin-1 (a Windows-1252 file), so
    spans index the same text the stored note would hold.
    """
    from osler.errors import DataError, OslerError
    from osler.nlp.concepts import ConceptExtractor
    from osler.nlp.timeline import readable_notes
    from osler.record import Note

    if (note_file is None) == (patient_id is None):
        raise click.UsageError("give exactly one of NOTE_FILE and --patient")
    if note_file is not None:
        notes = [(note_file.name, _note_file_text(note_file), note_file.name)]
        if not notes[0][1].strip():   # as `nlp context` refuses an empty table
            raise DataError(f"{note_file}: no text (empty, or only white space); nothing to "
                            "extract")
    else:
        from osler.store import open_store

        with open_store(resolve_db(db), read_only=True) as store:
            record = store.patient(patient_id)
        if record is None:
            raise OslerError(f"no patient with id {patient_id!r} in the store")
        # "source": where the note came from (file, FHIR DocumentReference ...), beside Osler's id
        stored = [e for e in record.events if isinstance(e, Note) and e.text]
        notes = [(e.id, e.text, str(e.provenance)) for e in readable_notes(stored)]
        if len(notes) < len(stored):
            click.echo(_WITHDRAWN.format(len(stored) - len(notes)), err=True)
        if not notes:
            raise DataError(f"patient {patient_id!r} has no note with text to read in the "
                            "store")
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
    not stored. Notes entered in error or superseded (their FHIR status) are not read, and
    are counted. Re-running replaces a patient's NLP events whole.
    """
    from osler.pipelines.notes_nlp import annotate_store
    from osler.store import open_store

    with open_store(resolve_db(db)) as store:
        report = annotate_store(store, patient_ids or None)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(report.events.items())) or "no events"
    click.echo(f"{report.notes} notes of {report.patients} patients annotated: {kinds}; "
               f"{report.removed} earlier NLP events the notes no longer give removed", err=True)
    if report.withdrawn:
        click.echo(f"{_WITHDRAWN.format(report.withdrawn)}; their concepts are not on the "
                   "timeline", err=True)
    for pid in report.missing:
        click.echo(f"no patient with id {pid!r} in the store", err=True)
    if report.missing:
        raise SystemExit(EXIT_PARTIAL if report.patients else EXIT_FAILURE)


@nlp.command()
@single_option("--at", "at", required=True, metavar="TIME",
               help="Prediction time, ISO 8601 with a zone (2024-06-02T00:00:00Z): only mentions "
                    "known by then count.")
@single_option("--out", "out_file", required=True, type=click.Path(path_type=Path),
               help="CSV to write: patient_id, then one column per concept and window.")
@click.option("--patient", "patient_ids", multiple=True,
              help="Only this patient (repeatable); default: every patient with NLP events.")
@db_option
def features(at: str, out_file: Path, patient_ids: tuple[str, ...], db: str | None) -> None:
    """Concept features of stored patients at a time, one CSV row per patient.

    Counts of affirmed NLP mentions (``osler nlp annotate``) by concept and window
    (``nlp:<code>:<days>d``, 1, 30 and 365 days) known at or before --at: refuted and
    provisional findings never count. No built-in task reads them; join them to a model's
    other features by patient_id.
    """
    import csv
    from datetime import datetime

    from osler.pipelines.notes_nlp import concept_feature_table
    from osler.store import open_store

    try:
        when = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("not ISO 8601 (e.g. 2024-06-02T00:00:00Z)",
                                 param_hint="'--at'") from None
    if when.tzinfo is None:
        raise click.BadParameter("needs a time zone (Z or +hh:mm)", param_hint="'--at'")
    missing: list[str] = []
    with output_file(out_file, "--out", newline="") as fh:
        with open_store(resolve_db(db), read_only=True) as store:
            names, rows = concept_feature_table(store, when, patient_ids or None, missing)
        writer = csv.DictWriter(fh, fieldnames=names)
        writer.writeheader()
        writer.writerows(rows)
    click.echo(f"{len(rows)} patients, {len(names) - 1} concept features at {when.isoformat()} "
               f"-> {out_file}", err=True)
    for pid in missing:
        click.echo(f"no patient with id {pid!r} in the store", err=True)
    if missing:
        raise SystemExit(EXIT_PARTIAL if rows else EXIT_FAILURE)
