"""Clinical notes: plain-text files, JSON Lines, and text attached to FHIR resources.

- ``read_notes(path)``: a ``.txt`` file (or a folder of them) is one note each; a ``.jsonl``
  file holds one note per line: ``{"id", "patient", "text", "time"?, "author_role"?, "type"?,
  "encounter"?, "phi"?}``. Notes are grouped into one :class:`PatientRecord` per patient;
  ``encounter`` is the id of the FHIR Encounter the note was written in, and joins it.
  ``phi`` is what ``osler deid text`` writes beside a de-identified text: the spans it
  replaced, as offsets into the ORIGINAL text, so they are checked for shape and not kept
  as spans (they would point at the wrong characters of the stored text); the note is kept
  as ``deidentified``. That flag records what the file declares, not a check: access control
  must never rely on it.
- ``attachment_text(attachment)``: the text of a FHIR Attachment (inline base64 ``data``;
  HTML and XHTML converted to plain text).
A ``time`` with a time of day must carry a time zone. A date alone ("2024-05-01") is accepted:
the note is of that day, known only once the day is over everywhere (``known_time``), so that
no prediction made during the day reads it.

Character offsets into a note (NLP spans, de-identification) count characters of the stored
``Note.text``: the decoded file without its byte-order mark, which is dropped once, here.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from osler.errors import IngestError
from osler.ingest._fhir_map import fhir_event_id, fhir_server_name
from osler.ingest._fhir_time import known_by, parse_datetime
from osler.ingest._files import is_hidden
from osler.ingest._note_text import decode_attachment, normalise_spaces
from osler.privacy.attachment_text import UnreadableAttachment, decode_text
from osler.record import OSLER, Coding, Note, PatientRecord, Provenance, event_id

__all__ = ["NOTE_FIELDS", "attachment_text", "decode_note", "read_notes", "sniff_notes"]

# Text files that travel with data sets and are never clinical notes.
_NOT_NOTES = {"readme", "license", "licence", "copying", "notice", "changelog", "authors",
              "requirements", "citation", "manifest", "sha256sums", "md5sums"}
# Headers of data files that travel as .txt (PhysioNet 2012 outcomes), even with no rows yet.
_DATA_HEADERS = (b"RecordID,",)
# A column name has no spaces: "Seen today, alert" is prose, "RecordID,SOFA" a header.
_BOM = b"\xef\xbb\xbf"
# Marks of text whose characters are wider than a byte (UTF-32 first: its LE mark begins
# with UTF-16's).
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
              (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: The fields a note line may hold.
NOTE_FIELDS = frozenset({"id", "patient", "text", "time", "author_role", "type", "encounter",
                         "phi"})
_PHI_SPAN_FIELDS = {"start", "end", "type"}
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def attachment_text(attachment: dict[str, Any]) -> str | None:
    """Decoded text of a FHIR Attachment's inline ``data``, HTML converted to plain text; or
    ``None`` (no inline data, not a text type Osler reads, or not decodable).

    >>> attachment_text({"contentType": "text/html", "data": "PHA+Tm8mbmJzcDtmZXZlci48L3A+"})
    'No fever.'
    """
    data = attachment.get("data")
    if not data:
        return None
    try:
        return decode_attachment(data, attachment.get("contentType")).text
    except ValueError:
        return None


def sniff_notes(path: Path, head: bytes) -> bool:
    """Whether ``path`` looks like notes: JSON Lines with ``text`` and ``patient``, or a
    ``.txt`` file that is not a table (prose with commas is a note)."""
    name = path.name.lower()
    if name.endswith(".txt"):
        if name.split(".")[0] in _NOT_NOTES:
            return False
        wide = next((codec for bom, codec in _WIDE_BOMS if head.startswith(bom)), None)
        if wide is not None:   # UTF-16/32 text: its NUL bytes are halves of characters
            cut = len(head) - len(head) % (4 if "32" in wide else 2)
            head = head[:cut].decode(wide, errors="replace").encode("utf-8")
        return b"\x00" not in head and not _is_table(head.removeprefix(_BOM))
    if name.endswith((".jsonl", ".ndjson")):
        first = head.split(b"\n", 1)[0]
        try:
            obj = json.loads(first)
        except ValueError:
            return False
        return isinstance(obj, dict) and "text" in obj and "patient" in obj
    return False


_NUMBER_WORD = re.compile(r"(?<![\w.])\d+(?:[.,/:]\d+)*(?![\w.])")


def _header(fields: list[str]) -> bool:
    """Whether ``fields`` can be a header: at least two short names without a number among
    their words ("HR 88" is a value), the line not ending as a sentence does."""
    return (len(fields) >= 2 and all(len(f.strip()) <= 40 and not _NUMBER_WORD.search(f)
                                     for f in fields)
            and not fields[-1].strip().endswith((".", "!", "?")))


def _is_table(head: bytes) -> bool:
    """A known data header (PhysioNet outcomes), or a header of short column names (any
    characters, empty ones too; the line not ending as a sentence) followed by rows with as
    many columns. Commas alone prove nothing: prose has them too."""
    if head.startswith(_DATA_HEADERS):
        return True
    lines = head.decode("utf-8", errors="replace").splitlines()
    if not head.endswith(b"\n"):
        lines = lines[:-1] or lines  # the head may end inside a line
    rows = [line for line in lines[1:] if line.strip()]
    for delimiter in (",", "|", "\t"):
        header = next(csv.reader(lines[:1], delimiter=delimiter), [])
        if _header(header) and rows \
                and all(len(r) == len(header) for r in csv.reader(rows, delimiter=delimiter)):
            return True
    return False


def _time(value: Any, where: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    """A note's ``time`` and when it is known (``None``: at that time). A date without a time
    of day ("2024-05-01") is the day's start in UTC, known only once that day is over in every
    time zone (:func:`osler.ingest._fhir_time.known_by`): the note may be from its last hour."""
    if value in (None, ""):
        return None, None
    text = str(value)
    if _DATE_ONLY.fullmatch(text):
        try:
            return parse_datetime(text), known_by(text)
        except ValueError as exc:
            raise IngestError("'time' is not a valid date (e.g. 2024-05-01 or "
                              "2024-05-01T08:00:00Z)", **where) from exc
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        # The value itself is a date, i.e. PHI: the message names the field, not the value.
        raise IngestError("'time' must be ISO 8601 (e.g. 2024-05-01T08:00:00Z or 2024-05-01); "
                          f"got a value of {len(text)} characters that is not", **where) from exc
    if t.tzinfo is None:
        raise IngestError("'time' with a time of day must carry a time zone (Z or +hh:mm); got "
                          "one without", **where)
    return t, None


def _jsonl_notes(path: Path, on_error: Callable[[IngestError], None] | None,
                 server: str | None = None) -> Iterator[tuple[str, Note]]:
    with path.open(encoding="utf-8-sig") as fh:  # a BOM would make the first line not JSON
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = {"file": path.name, "line": n}
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict) or not {"id", "patient", "text"} <= set(obj):
                    raise IngestError("each line needs 'id', 'patient' and 'text'", **where)
                unknown = set(obj) - NOTE_FIELDS
                if unknown:
                    raise IngestError(f"unknown fields {sorted(unknown)}; allowed "
                                      f"{sorted(NOTE_FIELDS)}", **where, record=str(obj["id"]))
                where["record"] = str(obj["id"])
                _check_phi(obj.get("phi"), where)
                time, known = _time(obj.get("time"), where)
                yield str(obj["patient"]), _note(obj, path, n, time, known,
                                                 deidentified="phi" in obj, server=server)
            except json.JSONDecodeError as exc:
                _fail(IngestError(f"not JSON: {exc.msg}", **where), on_error)
            except IngestError as exc:
                _fail(exc, on_error)


def _check_phi(phi: Any, where: dict[str, Any]) -> None:
    """Refuse a ``phi`` that is not what ``osler deid text`` writes (a list of
    ``{"start", "end", "type"}``); the message names no value."""
    if phi is None:
        return
    if not isinstance(phi, list) or not all(
            isinstance(s, dict) and set(s) == _PHI_SPAN_FIELDS
            and all(isinstance(s[k], int) and not isinstance(s[k], bool) for k in ("start", "end"))
            and isinstance(s["type"], str) for s in phi):
        raise IngestError("'phi', when given, must be a list of {'start', 'end', 'type'} with "
                          "integer offsets, as `osler deid text` writes it", **where)


def _note(obj: dict[str, Any], path: Path, line: int | None, time: datetime | None,
          known: datetime | None = None, deidentified: bool = False,
          server: str | None = None) -> Note:
    note_type = obj.get("type")
    return Note(id=event_id("note", path.name, obj["id"]),
                coding=Coding(OSLER + ":note-type", str(note_type)) if note_type else None,
                provenance=Provenance(path.name, str(obj["id"]), line), time=time,
                known_time=known, encounter_id=_encounter_id(obj.get("encounter"), server),
                text=normalise_spaces(str(obj["text"])),
                title=str(note_type) if note_type else None, author_role=obj.get("author_role"),
                deidentified=deidentified)


def _encounter_id(value: Any, server: str | None = None) -> str | None:
    """The stored id of a note's ``encounter``: the id of the FHIR Encounter it was written
    in (``Encounter/ID`` or ``ID``), named as FHIR ingest names that Encounter, so that the
    note joins its encounter in the store (before, the id was kept as written and matched no
    encounter). With ``server`` (``osler ingest --fhir-server``), that server's Encounter."""
    if value is None or str(value).strip() == "":
        return None
    return fhir_event_id(server, "Encounter", str(value).strip().removeprefix("Encounter/"))


def _file_text(path: Path) -> str:
    """A ``.txt`` note's text (:func:`decode_note`). Line ends are kept (read_text would turn
    CRLF into LF, and the stored note's offsets would no longer be the file's)."""
    return decode_note(path.read_bytes())


def decode_note(raw: bytes) -> str:
    """A plain-text note's bytes decoded as an attachment's are: after a byte-order mark
    (UTF-8, UTF-16, UTF-32) in its codec, else UTF-8, else Latin-1 (a Windows-1252 file's
    accented letters; every byte is one character). The mark is not part of the note. Raises
    ``ValueError`` saying why the bytes are not text (never quoting them).

    >>> decode_note("Caf\u00e9".encode("utf-16"))
    'Café'
    """
    try:
        return decode_text(raw, None, guess_latin1=True).text
    except UnreadableAttachment as exc:
        why = (f"it holds {exc.binary}" if exc.binary
               else "it is binary, not text" if exc.reason == "binary"
               else f"it is not valid {exc.codec} text, the encoding its byte-order mark names")
        raise ValueError(why) from None


def _fail(exc: IngestError, on_error: Callable[[IngestError], None] | None) -> None:
    if on_error is None:
        raise exc
    on_error(exc)


def read_notes(source: Path, *, on_error: Callable[[IngestError], None] | None = None,
               patient: str | None = None, fhir_server: str | None = None,
               **options: Any) -> Iterator[PatientRecord]:
    """One :class:`PatientRecord` per patient with its :class:`Note` events.

    Parameters
    ----------
    source : Path
        A ``.jsonl`` file, a ``.txt`` file, or a folder of them.
    on_error : callable, optional
        Called with each :class:`IngestError`; reading continues with the next note.
        Without it the first error is raised.
    patient : str, optional
        Patient id for ``.txt`` notes; by default the file's stem (``p001.txt`` -> ``p001``).
    fhir_server : str, optional
        The FHIR server whose Encounter ids the notes' ``encounter`` fields name (as given to
        :func:`osler.ingest.fhir.read_fhir` ``server``), so that they join those encounters.
    """
    source = Path(source)
    fhir_server = fhir_server_name(fhir_server)
    # nothing hidden (.ipynb_checkpoints/ copies would be the notes twice)
    files = sorted(f for f in source.rglob("*") if not is_hidden(f.relative_to(source))
                   ) if source.is_dir() else [source]
    by_patient: dict[str, list[Note]] = defaultdict(list)
    for f in files:
        if f.suffix.lower() in (".jsonl", ".ndjson"):
            for pid, note in _jsonl_notes(f, on_error, fhir_server):
                by_patient[pid].append(note)
        elif f.suffix.lower() == ".txt":
            try:
                text = _file_text(f)
            except (OSError, ValueError) as exc:
                _fail(IngestError(f"cannot read text: {exc}", file=f.name), on_error)
                continue
            pid = patient or f.stem
            by_patient[pid].append(_note({"id": f.stem, "text": text}, f, None, None))
    for pid in sorted(by_patient):
        yield PatientRecord(patient_id=pid, provenance=Provenance(source.name, pid),
                            events=tuple(by_patient[pid]))
