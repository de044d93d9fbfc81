"""PhysioNet/CinC ICU challenge data: 2019 (sepsis, hourly ``.psv``) and 2012 (mortality).

Both give time only relative to ICU admission, so events carry an ``offset`` from the start of
the stay's ``Encounter`` and no absolute time: Osler does not invent one. Outcomes
(``SepsisLabel``, in-hospital death) become :class:`~osler.record.Label` s, never observations.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from osler.errors import IngestError
from osler.ingest._files import Member, iter_members
from osler.record import (LOINC, OSLER, Coding, Encounter, Label, Observation, PatientRecord,
                          Provenance, Quantity, event_id)

__all__ = ["LARGEST_VALUE", "NO_OUTCOME_ROW", "PREDICTION_FILE", "PSV_COLUMNS", "outcome_files",
           "read_outcome_files_2012", "read_outcomes_2012",
           "read_patient_map", "read_physionet2012", "read_physionet2019", "sniff_physionet2012",
           "sniff_physionet2019"]

OnError = Callable[[IngestError], None] | None

PSV_COLUMNS = ("HR|O2Sat|Temp|SBP|MAP|DBP|Resp|EtCO2|BaseExcess|HCO3|FiO2|pH|PaCO2|SaO2|AST|BUN|"
               "Alkalinephos|Calcium|Chloride|Creatinine|Bilirubin_direct|Glucose|Lactate|"
               "Magnesium|Phosphate|Potassium|Bilirubin_total|TroponinI|Hct|Hgb|PTT|WBC|"
               "Fibrinogen|Platelets|Age|Gender|Unit1|Unit2|HospAdmTime|ICULOS|SepsisLabel"
               ).split("|")
_NON_OBS = {"Gender", "Unit1", "Unit2", "ICULOS", "SepsisLabel"}
#: Constant over a stay, so stored once: dated at admission (``offset`` 0) but known only from
#: the first row that holds it (``known_offset``): a stay whose Age is NaN in its first five
#: rows gives no Age to the features of those hours.
_ONCE = {"Age", "HospAdmTime"}


@lru_cache(maxsize=2)
def _codings(challenge: str) -> dict[str, tuple[Coding, str | None, str]]:
    from osler.resources import load_tsv
    out = {}
    for r in load_tsv("physionet/variables.tsv",
                      {"challenge", "variable", "loinc", "display", "ucum", "category"}):
        if r["challenge"] != challenge:
            continue
        system, code = (LOINC, r["loinc"]) if r["loinc"] else (f"{OSLER}:physionet{challenge}",
                                                               r["variable"])
        out[r["variable"]] = (Coding(system, code, r["display"]), r["ucum"] or None, r["category"])
    return out


def _report(err: IngestError, on_error: OnError) -> None:
    if on_error is None:
        raise err
    on_error(err)


def sniff_physionet2019(path: Path, head: bytes) -> bool:
    return head.startswith(b"HR|O2Sat|")


def sniff_physionet2012(path: Path, head: bytes) -> bool:
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"Time,Parameter,Value")


def read_patient_map(path: Path) -> dict[str, str]:
    """``stay_id,patient_id`` CSV -> mapping (how a site links ICU stays to its patients)."""
    path = Path(path)
    with path.open(encoding="utf-8-sig") as fh:   # a BOM is not part of the first column
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"stay_id", "patient_id"} <= set(reader.fieldnames):
            raise IngestError("patient map must have columns stay_id and patient_id",
                              file=path.name, line=1)
        return {row["stay_id"]: row["patient_id"] for row in reader if row["patient_id"]}


def _mapping(patient_map: Path | dict[str, str] | None) -> dict[str, str]:
    if patient_map is None:
        return {}
    return dict(patient_map) if isinstance(patient_map, dict) else read_patient_map(patient_map)


def read_physionet2019(source: Path, *, on_error: OnError = None,
                       patient_map: Path | dict[str, str] | None = None,
                       labels: bool = True) -> Iterator[PatientRecord]:
    """One :class:`PatientRecord` per ``.psv`` stay in a file, directory or zip.

    The stay id (file name) is the patient id unless ``patient_map`` (a ``stay_id,patient_id``
    CSV or dict) links the stay to a patient, whose timeline it then joins as an ICU encounter.
    A stay with a wrong header, a non-numeric cell or hours that do not increase is rejected
    whole (named by file and line): Osler never stores half a stay. ``labels=False`` leaves
    the SepsisLabel column unread (every hour's label unknown), for prediction, which needs
    no label: a label that is not 0, 1 or NaN then costs no stay.
    """
    mapping = _mapping(patient_map)
    for member in iter_members(Path(source), lambda n: n.endswith((".psv", ".psv.gz")),
                               on_error):
        try:
            record = _read_psv(member, labels)
        except IngestError as err:
            _report(err, on_error)
            continue
        if record.patient_id in mapping:
            record = replace(record, patient_id=mapping[record.patient_id])
        yield record


_NAN = float("nan")
#: Larger than any physiological value in any unit; beyond it a cell is a corrupt export (and
#: float32 features, as the models read them, would overflow to infinity).
LARGEST_VALUE = 1e9


def psv_stay_id(name: str) -> str:
    """The stay id of a PhysioNet 2019 file: its name without ``.psv`` (or ``.psv.gz``), so
    that ``p9.psv`` and ``p9.v2.psv`` stay two stays with two prediction files."""
    base = Path(name).name
    for suffix in (".gz", ".psv"):
        if base.lower().endswith(suffix):
            base = base[:-len(suffix)]
    return base


def _parse_float(cell: str, member: Member, line: int, column: str) -> float:
    if cell == "NaN":  # most cells: skip the float() call
        return _NAN
    try:
        value = float(cell)
    except ValueError:
        if not cell.strip():   # an empty cell, as pandas writes NaN: missing, not an error
            return _NAN
        raise IngestError(f"column {column!r} must be numeric or NaN; got a non-numeric cell",
                          file=member.name, record=psv_stay_id(member.name),
                          line=line) from None
    if not abs(value) <= LARGEST_VALUE and not math.isnan(value):
        raise IngestError(f"column {column!r} must be a finite number (|x| <= "
                          f"{LARGEST_VALUE:g}) or NaN; got an infinite or overflowing cell",
                          file=member.name, record=psv_stay_id(member.name), line=line)
    return value


def _text(member: Member) -> str:
    """A member's text (UTF-8, a BOM dropped); another encoding is an error naming it."""
    data = member.open_bytes()
    try:
        return data.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise IngestError(f"not UTF-8 text (byte {exc.start} cannot be decoded)",
                          file=member.name, line=line) from None


# PhysioNet's column names are one word; a cell with spaces, dots or dashes (a name, a date)
# is not echoed as a column name
_COLUMN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


#: The reason a .psv file written by ``osler predict sepsis`` is refused as a stay (an earlier
#: run's output folder inside a data folder holds them, named as the stays).
PREDICTION_FILE = ("an Osler prediction file (header PredictedProbability|PredictedLabel), not "
                   "a stay")


def _header_problem(header: list[str]) -> str:
    """Why a .psv header is not PhysioNet 2019's, naming the columns (never cell values)."""
    if header[:1] == ["PredictedProbability"]:
        return PREDICTION_FILE
    if not header or header == [""]:
        return ("header must be the PhysioNet 2019 columns (HR|O2Sat|...|SepsisLabel); got an "
                "empty file")
    # An unknown cell is never echoed, even when it looks like a column name: a first line
    # may hold an MRN or a surname. Its position is named; PhysioNet's own names are safe.
    unknown = [i for i, c in enumerate(header, 1) if c not in PSV_COLUMNS]
    missing = [c for c in PSV_COLUMNS[:-1] if c not in header]
    if any(not _COLUMN_NAME.fullmatch(header[i - 1]) for i in unknown):
        # values or binary, not a header
        return (f"header must be the PhysioNet 2019 columns (HR|O2Sat|...|SepsisLabel); the "
                f"first line holds {len(header)} cell(s) that are not column names")
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    parts = ([f"unknown column(s) at position(s) {', '.join(map(str, unknown[:5]))}{more} "
              "(names not shown)"] if unknown else []) + \
            ([f"missing column(s) {missing[:5]}"] if missing else [])
    if not parts:
        parts = ["the columns are PhysioNet 2019's but in another order or repeated"]
    return ("header must be the 40 PhysioNet 2019 columns, optionally followed by SepsisLabel, "
            "in the challenge's order: " + "; ".join(parts))


def _read_psv(member: Member, read_labels: bool = True) -> PatientRecord:
    lines = _text(member).splitlines()   # a BOM is not a column
    stay = psv_stay_id(member.name)
    # the header is the first line holding anything: a blank line above it is no header
    top = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    header = [c.strip() for c in lines[top].strip().split("|")] if top < len(lines) else []
    trailing = len(header) > 1 and header[-1] == ""   # "HR|...|SepsisLabel|": a closing bar
    if trailing:
        header = header[:-1]
    if header not in (PSV_COLUMNS, PSV_COLUMNS[:-1]):
        raise IngestError(_header_problem(header), file=member.name, record=stay,
                          line=top + 1 if top < len(lines) else 1)
    columns = header  # without SepsisLabel: an unlabelled stay, as the challenge's scorer feeds
    if not any(line.strip() for line in lines[top + 1:]):
        raise IngestError("stay has no rows", file=member.name, record=stay, line=top + 2)
    codings = _codings("2019")
    enc_id = event_id("physionet2019", stay, "stay")
    obs: list[Observation] = []
    labels: list[Label] = []
    first: dict[str, tuple[float, float, int]] = {}   # column -> (value, hour, line) first seen
    last_hour, last_line = -math.inf, 1
    head: dict[str, float] = {}
    head_line = top + 2
    descriptors: dict[str, tuple[dict[str, float], float, int]] = {}   # Gender, unit -> row
    for lineno, line in enumerate(lines[top + 1:], start=top + 2):
        if not line.strip():
            continue   # a blank line (often the last) holds no hour; line numbers stay true
        cells = line.split("|")
        if trailing and len(cells) == len(columns) + 1 and not cells[-1].strip():
            cells.pop()
        if len(cells) != len(columns):
            raise IngestError(f"row has {len(cells)} cells; expected {len(columns)}",
                              file=member.name, record=stay, line=lineno)
        row = {c: _parse_float(v, member, lineno, c) for c, v in zip(columns, cells)
               if read_labels or c != "SepsisLabel"}
        row.setdefault("SepsisLabel", _NAN)
        if row["SepsisLabel"] not in (0.0, 1.0) and not math.isnan(row["SepsisLabel"]):
            raise IngestError("SepsisLabel must be 0, 1 or NaN", file=member.name, record=stay,
                              line=lineno)
        if not head:
            head, head_line = row, lineno
        hour = row["ICULOS"]
        _first_descriptors(row, hour, lineno, descriptors)
        if math.isnan(hour):
            raise IngestError("ICULOS (the hour of the stay) is missing", file=member.name,
                              record=stay, line=lineno)
        if hour != math.floor(hour):   # "3.0" is 3; "2.5" or "1.0000000001" is no ICU hour
            raise IngestError("ICULOS must be a whole number of hours: a PhysioNet 2019 stay "
                              "has one row per ICU hour; this row's is not", file=member.name,
                              record=stay, line=lineno)
        # PhysioNet counts hours from 1; some exports count from 0 (admission), which is
        # still a time in the stay. A negative hour is before the ICU admission: no ICU hour.
        if hour < 0:
            raise IngestError("ICULOS must be 0 or more (hours since ICU admission; PhysioNet "
                              "counts from 1); this row's is negative", file=member.name,
                              record=stay, line=lineno)
        if hour <= last_hour:   # the hours are not echoed: the line numbers find them
            raise IngestError(f"ICULOS must increase row by row; this row's is not above that "
                              f"of line {last_line}", file=member.name, record=stay, line=lineno)
        last_hour, last_line = hour, lineno
        offset = timedelta(hours=hour)
        prov = Provenance(member.name, stay, lineno)
        for col in PSV_COLUMNS:
            value = row[col]
            if col in _NON_OBS or math.isnan(value):
                continue
            if col in _ONCE:
                first.setdefault(col, (value, hour, lineno))
                continue
            coding, unit, category = codings[col]
            obs.append(Observation(id=event_id("physionet2019", stay, lineno, col), coding=coding,
                                   provenance=prov, offset=offset, encounter_id=enc_id,
                                   category=category, value=Quantity(value, unit)))
        # Every input hour keeps a label row, NaN where the label is unknown, so that an hour
        # holding no measurement still gets its prediction line.
        labels.append(Label(name="SepsisLabel", value=row["SepsisLabel"], provenance=prov,
                            offset=offset, encounter_id=enc_id))
    return _assemble_2019(member, stay, enc_id, head, head_line, first, obs, labels,
                           descriptors)


def _first_descriptors(row: dict[str, float], hour: float, lineno: int,
                       descriptors: dict[str, tuple[dict[str, float], float, int]]) -> None:
    """Keep the first row (with its hour and line) that knows Gender, and the first that
    knows the unit (Unit1 or Unit2): an export may leave them NaN in row 1 and fill them
    from row 2 ("NaN|...|NaN|NaN" then "...|1|0|1"); the first row alone would lose them."""
    if "Gender" not in descriptors and not math.isnan(row["Gender"]):
        descriptors["Gender"] = (row, hour, lineno)
    if "unit" not in descriptors and not (math.isnan(row["Unit1"]) and math.isnan(row["Unit2"])):
        descriptors["unit"] = (row, hour, lineno)


def _assemble_2019(member: Member, stay: str, enc_id: str, head: dict[str, float],
                   head_line: int, first: dict[str, tuple[float, float, int]],
                   obs: list[Observation], labels: list[Label],
                   descriptors: dict[str, tuple[dict[str, float], float, int]] | None = None
                   ) -> PatientRecord:
    """``head``: the first row, parsed, on ``head_line``. ``first``: each once-per-stay
    column's first value with the hour and line of its row. ``descriptors``: the first row
    (hour, line) knowing Gender, and the first knowing the unit; sex and unit are read from
    them, and one known only after the first row is dated by its row (``descriptor_hours``),
    as Age is."""
    descriptors = descriptors or {}
    prov = Provenance(member.name, stay, head_line)
    codings = _codings("2019")
    once = [Observation(id=event_id("physionet2019", stay, col), coding=codings[col][0],
                        provenance=Provenance(member.name, stay, line), offset=timedelta(0),
                        known_offset=timedelta(hours=hour), encounter_id=enc_id,
                        category=codings[col][2], value=Quantity(v, codings[col][1]))
            for col, (v, hour, line) in first.items()]
    unit_row = descriptors.get("unit", (head,))[0]
    unit = "MICU" if unit_row["Unit1"] == 1 else "SICU" if unit_row["Unit2"] == 1 else None
    sex = {0.0: "female", 1.0: "male"}.get(descriptors.get("Gender", (head,))[0]["Gender"])
    first_hour = head.get("ICULOS", _NAN)
    late = [(name, hour) for key, (_row, hour, _line) in descriptors.items() if hour > first_hour
            for name in (("Gender",) if key == "Gender" else ("Unit1", "Unit2"))]
    site = Path(member.inner).parent.name if member.inner else member.path.parent.name
    encounter = Encounter(id=enc_id, coding=Coding(OSLER + ":encounter-class", "ICU", "ICU stay"),
                          provenance=prov, offset=timedelta(0), encounter_class="ICU", unit=unit,
                          care_site=site or None)
    return PatientRecord(patient_id=stay, provenance=Provenance(member.name, stay), sex=sex,
                         site=site or None, events=(encounter, *once, *obs), labels=tuple(labels),
                         descriptor_hours=tuple(late))


# ---------------------------------------------------------------------------- 2012

def read_outcomes_2012(path: Path) -> dict[str, dict[str, float]]:
    """``RecordID -> {SAPS-I, SOFA, Length_of_stay, Survival, In-hospital_death}``.

    The file is UTF-8 CSV, gzipped or not (judged by content). RecordIDs are read as the stay
    files' are (``140000.0`` or `` 140000`` is stay 140000); an empty cell other than the
    label is missing, as the challenge's -1; an empty or bad label is an error for its line.
    """
    path = Path(path)
    reader = csv.DictReader(io.StringIO(_text(Member(name=path.name, path=path))))
    try:
        reader.fieldnames   # noqa: B018 - reads the header line
    except csv.Error as exc:
        raise IngestError(f"header is not readable CSV ({exc})", file=path.name,
                          line=1) from None
    if not reader.fieldnames or "RecordID" not in reader.fieldnames:
        raise IngestError("outcomes file must have a RecordID column", file=path.name, line=1)
    if "In-hospital_death" not in reader.fieldnames:
        raise IngestError("outcomes file must have an In-hospital_death column (the label)",
                          file=path.name, line=1)
    out: dict[str, dict[str, float]] = {}
    first: dict[str, int] = {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:   # a cell over the csv module's limit, a NUL, ...
            # the csv reader's count: DictReader's own is only set after a good row
            raise IngestError(f"row is not readable CSV ({exc})", file=path.name,
                              line=reader.reader.line_num) from None
        lineno = reader.line_num   # the file's own line: DictReader skips blank lines
        record = _outcome_record_id(row["RecordID"])
        values = _outcome_values(row, path.name, record, lineno)
        if record in first:
            raise IngestError(f"RecordID repeated (first on line {first[record]}); one "
                              "outcome row per stay", file=path.name, record=record,
                              line=lineno)
        first[record] = lineno
        out[record] = values
    return out


def _outcome_record_id(cell: str | None) -> str:
    """A RecordID as the stay files give it (``str(int(value))``): a spreadsheet's
    ``140000.0`` or a padded `` 140000`` is 140000; anything else is kept as written."""
    text = (cell or "").strip()
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) <= LARGEST_VALUE else text


def _outcome_values(row: dict, file: str, record: str, lineno: int) -> dict[str, float]:
    values = {}
    for column, cell in row.items():
        if column == "RecordID":
            continue
        if column is None:   # csv's key for cells past the header's
            raise IngestError(f"row has more cells than the header's {len(row) - 1}",
                              file=file, record=record, line=lineno)
        if column != "In-hospital_death" and (cell is None or not cell.strip()):
            values[column] = -1.0   # an empty SAPS-I or SOFA: not computed, as the -1 marks
            continue
        try:
            values[column] = float(cell)
        except (TypeError, ValueError):
            which = "In-hospital_death (the label)" if column == "In-hospital_death" else \
                "outcome values"
            raise IngestError(f"{which} must be numeric", file=file, record=record,
                              line=lineno) from None
    if values["In-hospital_death"] not in (0.0, 1.0):
        raise IngestError("In-hospital_death must be 0 or 1", file=file, record=record,
                          line=lineno)
    return values


def outcome_files(outcomes: Path | Sequence[Path] | None) -> list[Path]:
    """``outcomes`` as a list of files: none, one, or several."""
    if outcomes is None:
        return []
    if isinstance(outcomes, (str, Path)):
        return [Path(outcomes)]
    return [Path(p) for p in outcomes]


def read_outcome_files_2012(outcomes: Path | Sequence[Path] | None
                            ) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """The outcome rows of one or more outcomes files by RecordID (see
    :func:`read_outcomes_2012`), and per RecordID the name of the file that gave it. A
    RecordID in two files with the same values is one outcome; with different values it is an
    :class:`IngestError` naming both files (which one is right cannot be told)."""
    rows: dict[str, dict[str, float]] = {}
    where: dict[str, Path] = {}
    for path in outcome_files(outcomes):
        for record, values in read_outcomes_2012(path).items():
            if record in rows and rows[record] != values:
                raise IngestError(f"the outcomes files {where[record]} and {path} give this "
                                  "RecordID different values; give each stay's outcome once",
                                  record=record)
            if record not in rows:
                rows[record], where[record] = values, path
    return rows, {record: path.name for record, path in where.items()}


def read_physionet2012(source: Path, *, outcomes: Path | Sequence[Path] | None = None,
                       on_error: OnError = None) -> Iterator[PatientRecord]:
    """One record per 2012 stay (``Time,Parameter,Value`` files); outcomes become labels.
    ``outcomes``: one outcomes file or several, stays matched by RecordID across all of them
    (:func:`read_outcome_files_2012`)."""
    files = outcome_files(outcomes)
    outcome_rows, outcome_names = read_outcome_files_2012(files)
    labelled = _Outcomes(outcome_rows, outcome_names, [p.name for p in files]) if files else None
    for member in iter_members(Path(source), lambda n: n.endswith(".txt") and "outcome" not in n,
                               on_error):
        try:
            yield _read_2012(member, labelled)
        except IngestError as err:
            _report(err, on_error)


#: The reason a stay is skipped for want of an outcome (``load_icu_mortality`` tells it apart).
NO_OUTCOME_ROW = "stay has no row in the outcomes file"


@dataclass(frozen=True)
class _Outcomes:
    """Outcome rows by RecordID, the file each came from, and the files' names."""

    rows: dict[str, dict[str, float]]
    file_of: dict[str, str]
    names: list[str]


_HOURS_MINUTES = re.compile(r"(?P<h>[0-9]+):(?P<m>[0-5][0-9])")


def _offset_2012(text: str, member: Member, lineno: int, record_id: str) -> timedelta:
    # digits only: int() would read "-0:30" as +30 minutes, and take "+1:00" or "1_0:00"
    m = _HOURS_MINUTES.fullmatch(text.strip())
    if m:
        return timedelta(hours=int(m["h"]), minutes=int(m["m"]))
    # never the cell itself: a misplaced cell may hold a name or a date of birth
    raise IngestError("Time must be HH:MM (hours and minutes since ICU admission); got a "
                      "cell that is not", file=member.name, record=record_id, line=lineno)


#: Parameters of a 2012 stay that are not measurements (read into the record's header).
_DESCRIPTORS_2012 = {"RecordID", "Gender", "ICUType"}


def _parameter_name(param: str, codings: dict) -> str:
    """``param`` quoted when it is a 2012 variable; otherwise a description that does not
    repeat the cell (it is no variable name, so it may be anything a file holds)."""
    if param in codings or param in _DESCRIPTORS_2012:
        return repr(param)
    return "a Parameter that is not a PhysioNet 2012 variable"


def _csv_rows(text: str, file: str,
              record: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of each CSV row of ``text``, the line where the row starts; a row the
    csv module cannot read (a cell over its 131,072-character limit, a NUL) is an
    :class:`IngestError` naming file and line, never a ``_csv.Error`` traceback."""
    reader = csv.reader(io.StringIO(text))
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise IngestError(f"row is not readable CSV ({exc})", file=file, record=record,
                              line=reader.line_num) from None
        yield start, row
        start = reader.line_num + 1


def _read_2012(member: Member, outcomes: _Outcomes | None) -> PatientRecord:
    rows = _csv_rows(_text(member), member.name, member.stem)
    lineno, header = next(rows, (1, None))
    if header != ["Time", "Parameter", "Value"]:
        raise IngestError("header must be 'Time,Parameter,Value'", file=member.name, line=1)
    codings = _codings("2012")
    record_id, sex, icu_type, obs, measured = member.stem, None, None, [], False
    latest, latest_line = timedelta(0), 1
    id_line = None   # the line of the stay's RecordID row, once read
    for lineno, row in rows:
        if not row or not "".join(row).strip():
            continue   # a blank line (often the last) holds no measurement
        if len(row) != 3:
            raise IngestError(f"row must have 3 cells; got {len(row)}", file=member.name, line=lineno)
        time_text, param, value_text = row
        offset = _offset_2012(time_text, member, lineno, record_id)
        if offset < latest:   # the challenge's files never go back (set-a: none of 3996 does)
            raise IngestError(f"Time must not decrease within a stay (rows are in time order); "
                              f"this row's is before that of line {latest_line}",
                              file=member.name, record=record_id, line=lineno)
        if offset > latest:
            latest, latest_line = offset, lineno
        try:
            value = float(value_text)
        except ValueError:
            raise IngestError(f"Value of {_parameter_name(param, codings)} must be numeric",
                              file=member.name, record=record_id, line=lineno) from None
        if not abs(value) <= LARGEST_VALUE:
            raise IngestError(f"Value of {_parameter_name(param, codings)} must be a finite "
                              f"number (|x| <= {LARGEST_VALUE:g})", file=member.name,
                              record=record_id, line=lineno)
        if param == "RecordID":
            # never the cell: a wrong RecordID is named by its line (as other cells are)
            if not value.is_integer():
                raise IngestError("RecordID must be a whole number; got another",
                                  file=member.name, record=record_id, line=lineno)
            if id_line is not None and str(int(value)) != record_id:
                raise IngestError(f"a second RecordID differs from that of line {id_line}; a "
                                  "stay has one RecordID", file=member.name, record=record_id,
                                  line=lineno)
            record_id, id_line = str(int(value)), id_line or lineno
            continue
        if param == "Gender":
            sex = sex or _descriptor(offset, {0.0: "female", 1.0: "male"}.get(value))
            continue
        if param == "ICUType":
            icu_type = icu_type or _descriptor(
                offset, {1.0: "CCU", 2.0: "CSRU", 3.0: "MICU", 4.0: "SICU"}.get(value))
            continue
        if value < 0 and param in {"Age", "Height", "Weight"}:
            continue  # -1 marks "not recorded" in the general descriptors
        if param not in codings:
            raise IngestError("Parameter must be one of the PhysioNet 2012 variables (listed "
                              "in osler/resources/physionet/variables.tsv); got another",
                              file=member.name, record=record_id, line=lineno)
        coding, unit, category = codings[param]
        measured = measured or param not in {"Age", "Height", "Weight"}
        obs.append(Observation(id=event_id("physionet2012", record_id, lineno), coding=coding,
                               provenance=Provenance(member.name, record_id, lineno), offset=offset,
                               encounter_id=event_id("physionet2012", record_id, "stay"),
                               category=category, value=Quantity(value, unit)))
    if not measured:
        raise IngestError("stay has no measurement (only a header or general descriptors); "
                          "nothing to predict from", file=member.name, record=record_id,
                          line=lineno + 1)
    return _assemble_2012(member, record_id, sex, icu_type, obs, outcomes)


#: The challenge's stays are its first 48 h; its task predicts at their end. A descriptor
#: written later ("50:00,Gender,1") is no part of them: a record's sex or unit read from it
#: would tell the features at 48 h of a later time.
_DESCRIPTOR_HORIZON = timedelta(hours=48)


def _descriptor(offset: timedelta, value: str | None) -> str | None:
    """A Gender or ICUType row's value if it counts: written within the first 48 h, and known
    (-1 marks "not recorded"); the first such row of a stay is the stay's, as for Age."""
    return value if offset <= _DESCRIPTOR_HORIZON else None


def _assemble_2012(member: Member, record_id: str, sex: str | None, icu_type: str | None,
                   obs: list[Observation], outcomes: _Outcomes | None) -> PatientRecord:
    enc_id = event_id("physionet2012", record_id, "stay")
    prov = Provenance(member.name, record_id)
    encounter = Encounter(id=enc_id, coding=Coding(OSLER + ":encounter-class", "ICU", "ICU stay"),
                          provenance=prov, offset=timedelta(0), encounter_class="ICU", unit=icu_type)
    labels: tuple[Label, ...] = ()
    if outcomes is not None:
        if record_id not in outcomes.rows:
            files = "" if len(outcomes.names) == 1 else f"s ({', '.join(outcomes.names)})"
            raise IngestError(NO_OUTCOME_ROW + files, file=member.name, record=record_id)
        oprov = Provenance(outcomes.file_of[record_id], record_id)
        labels = tuple(Label(name=k, value=v, provenance=oprov, encounter_id=enc_id)
                       for k, v in outcomes.rows[record_id].items())
    return PatientRecord(patient_id=record_id, provenance=prov, sex=sex,
                         events=(encounter, *obs), labels=labels)
