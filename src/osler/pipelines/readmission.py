"""Task ``readmission``: readmitted within 30 days (``readmitted == '<30'``), predicted at
discharge from the Diabetes 130-US hospitals encounter table (Strack et al. 2014).

Everything used is known at discharge: demographics, admission and discharge details, counts
of labs, procedures, medications and prior visits, diagnoses (as ICD-9 chapters) and diabetes
medications. Encounters that ended in death or hospice (discharge dispositions 11, 13, 14, 19,
20, 21) cannot be readmitted and are excluded by the cohort definition: counted apart from the
rows skipped as bad input (a prediction run that leaves out only these exits 0). A fifth of the
patients (``patient_nbr``, hashed) is held out and never trained on, nor used to choose the
category levels kept as features.

Columns: a column the encounter table does not have is refused by name, and so is a table
missing one the task reads. An age that is no band of the table or a negative count is read
as missing, named by file, line and column (as heart-disease reads impossible values); a
feature missing in every row is warned of in the run's summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from osler.errors import DataError
from osler.ingest.physionet import LARGEST_VALUE
from osler.pipelines._shared import COHORT_EXCLUDED, counted_reasons
from osler.pipelines._tabular import TabularData, TabularTask, frame_or_error
from osler.record import Provenance

__all__ = ["TASK", "load_readmission"]

_NUMERIC = ["time_in_hospital", "num_lab_procedures", "num_procedures", "num_medications",
            "number_outpatient", "number_emergency", "number_inpatient", "number_diagnoses"]
_CATEGORIES = {"race": None, "gender": None, "admission_type_id": None,
               "discharge_disposition_id": None, "admission_source_id": None, "payer_code": None,
               "medical_specialty": 12, "max_glu_serum": None, "A1Cresult": None,
               "change": None, "diabetesMed": None, "insulin": None, "metformin": None}
_NO_READMISSION = {"11", "13", "14", "19", "20", "21"}   # as read: text
#: what the cohort definition excludes and why, after "N excluded by the cohort definition: "
_COHORT = "encounters discharged to death or hospice (cannot be readmitted)"
# ``readmitted`` (the label) is needed to train and evaluate, not to predict.
# diag_2 and diag_3 are features as diag_1 is: a table without them would read every row's
# as missing, unsaid.
_REQUIRED = {"encounter_id", "patient_nbr", "age", "diag_1", "diag_2", "diag_3", *_NUMERIC,
             *_CATEGORIES}
#: every column of the encounter table (Strack et al. 2014, Table 1; the UCI release's header):
#: a column outside these is refused, by name, as the PhysioNet tasks refuse an unknown one
#: (a misspelt "diag_3 " or "num_medication" would otherwise be a required column missing, or
#: a feature read from nothing)
_KNOWN = {*_REQUIRED, "readmitted", "weight", "repaglinide", "nateglinide", "chlorpropamide",
          "glimepiride", "acetohexamide", "glipizide", "glyburide", "tolbutamide",
          "pioglitazone", "rosiglitazone", "acarbose", "miglitol", "troglitazone", "tolazamide",
          "examide", "citoglipton", "glyburide-metformin", "glipizide-metformin",
          "glimepiride-pioglitazone", "metformin-rosiglitazone", "metformin-pioglitazone"}
#: features often unrecorded in the table (in the development split: payer_code 39%,
#: medical_specialty 49%, A1Cresult 83%, max_glu_serum 95% of rows): a file missing them in
#: every row is no surprise; any other feature missing in every row is warned of
_OFTEN_MISSING = {"payer_code", "medical_specialty", "max_glu_serum", "A1Cresult"}
#: the age bands of the table, '[0-10)' to '[90-100)', and the next two decades (the oldest
#: verified human lived to 122): a band outside, or no band, is no age a patient can have
_AGE_BAND = re.compile(r"\[(\d+)-(\d+)\)")
_CHAPTERS = [(1, 140, "infectious"), (140, 240, "neoplasm"), (240, 280, "endocrine"),
             (280, 290, "blood"), (290, 320, "mental"), (320, 390, "nervous"),
             (390, 460, "circulatory"), (460, 520, "respiratory"), (520, 580, "digestive"),
             (580, 630, "genitourinary"), (630, 680, "pregnancy"), (680, 710, "skin"),
             (710, 740, "musculoskeletal"), (740, 760, "congenital"), (760, 800, "perinatal"),
             (800, 1000, "injury")]


#: the longest cell read (the csv module's default limit): a longer one is no code or count,
#: and its row is skipped, named by its line
_LONGEST_CELL = 131_072


def _read(path: Path) -> pd.DataFrame:
    # codes as text: one cut or odd row would otherwise turn an id column into floats, and
    # "1.0" is none of the levels "1" the model learnt, so every row would lose its categories
    # an undecodable byte is kept as a lone surrogate (never in decoded UTF-8), so that its
    # row alone is skipped, named by its line, not the whole file refused
    frame = pd.read_csv(path, na_values=["?"], low_memory=False,
                        encoding_errors="surrogateescape",
                        dtype={"encounter_id": str, "patient_nbr": str,
                               **{column: str for column in _CATEGORIES}})
    if any(_UNDECODED.search(str(column)) for column in frame.columns):
        raise DataError(f"file {path} line 1: the header is not UTF-8 text (an undecodable "
                        "byte); re-encode the file as UTF-8")
    _check_columns(path, list(frame.columns))
    header = len(frame.columns)
    lines, widths, longest, undecoded = _record_layout(path)
    # each row's first line in the file (the header is line 1); pandas skips blank lines and a
    # quoted field may span lines, so a row's position alone would name the wrong line
    known = len(lines) == len(frame)
    frame["_line"] = lines if known else np.arange(len(frame)) + 2
    # pandas fills a short row's missing fields with NaN: without its width, a truncated row
    # would read as one with empty values
    frame["_fields"] = widths if known else header
    frame["_longest"] = longest if known else 0
    frame["_undecoded"] = undecoded if known else _undecoded_cells(frame)
    frame["_header_fields"] = header
    frame["_file"] = str(path)
    for column in _ID_COLUMNS:
        if column in frame:
            frame[column] = frame[column].map(_normal_id, na_action="ignore")
    return frame


#: A byte that is not UTF-8, as the ``surrogateescape`` error handler keeps it.
_UNDECODED = re.compile("[\udc80-\udcff]")


def _check_columns(path: Path, columns: list) -> None:
    """Refuse a header naming a column the encounter table has not (pandas writes a repeated
    name "x" as "x.1"), or missing a column the task reads, naming each."""
    unknown = [str(c) for c in columns if c not in _KNOWN]
    if unknown:
        raise DataError(f"file {path} line 1: unknown column{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(repr(c) for c in unknown)}: not a column of the "
                        "diabetes-130 encounter table (a misspelt name, a repeated one, or "
                        "an added index); remove or rename it")
    missing = sorted(_REQUIRED - set(columns))
    if missing:
        raise DataError(f"file {path} line 1: missing columns {missing}, which the task reads "
                        "(the diabetes-130 encounter table's names)")


def _impossible(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Values no patient can have read as missing, as heart-disease reads them: an age that
    is no band of the table (:data:`_AGE_BAND`), a negative count. One note per value, naming
    file, line and column, never the value; the row is still scored. (The development split
    holds none: no figure moves.)"""
    notes: list[str] = []
    df = df.copy()
    band = df["age"].astype(str).str.fullmatch(_AGE_BAND.pattern)
    bounds = df["age"].astype(str).str.extract(_AGE_BAND.pattern).astype(float)
    odd = df["age"].notna() & ~(band & (bounds[0] % 10 == 0) & (bounds[1] == bounds[0] + 10)
                                & (bounds[0] <= 110)).fillna(False).astype(bool)
    notes += [f"file {f} line {n}: age is no band '[0-10)' to '[110-120)'"
              for f, n in zip(df.loc[odd, "_file"], df.loc[odd, "_line"])]
    df.loc[odd, "age"] = np.nan
    for column in _NUMERIC:
        number = pd.to_numeric(df[column], errors="coerce")
        negative = number < 0
        notes += [f"file {f} line {n}: {column} is negative"
                  for f, n in zip(df.loc[negative, "_file"], df.loc[negative, "_line"])]
        df[column] = number.where(~negative)
    return df, notes


def _missing_everywhere(df: pd.DataFrame) -> list[str]:
    """A warning per feature column missing ('?' or empty) in every row read, but for those
    often unrecorded (:data:`_OFTEN_MISSING`): every row then reads as unrecorded there."""
    columns = ["age", *_NUMERIC, *(c for c in _CATEGORIES if c not in _OFTEN_MISSING),
               "diag_1", "diag_2", "diag_3"]
    files = ", ".join(dict.fromkeys(map(str, df["_file"])))
    return [f"{column} is missing in all {len(df)} row{'s' if len(df) > 1 else ''} of {files}"
            " (read as unrecorded for every encounter)"
            for column in columns if len(df) and df[column].isna().all()]


def _undecoded_cells(frame: pd.DataFrame) -> np.ndarray:
    """Per row, whether a text cell holds an undecodable byte."""
    out = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        if frame[column].dtype == object:
            out |= frame[column].map(lambda v: isinstance(v, str) and bool(_UNDECODED.search(v)))\
                .to_numpy(dtype=bool)
    return out


#: The id columns: one encounter or patient whichever way a spreadsheet wrote its number.
_ID_COLUMNS = ("encounter_id", "patient_nbr")


#: A whole number written with its digits in groups of three, one separator throughout: a
#: spreadsheet's "55,629,189", "54 772 425" (space, no-break or thin space), "1_000_000" or
#: "1'000'000" (Swiss); "1,2345" or "12,34,567" (other grouping) is no such number.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?P<sep>[,_' \u00a0\u202f\u2009\u2019])\d{3}(?:(?P=sep)\d{3})*")


def _normal_id(cell: str) -> str | float:
    """An id as the table gives it (``str(int(value))``), as icu-mortality reads RecordIDs: a
    spreadsheet's ``54772425.0`` or a padded `` 54772425`` is patient 54772425, so a training
    patient is not taken for an unseen one, nor one encounter scored twice; an id that is no
    whole number is kept as written (stripped); a blank one is missing. Digits grouped by
    thousands ("149,190", "54 772 425") are the number they group: 149190, 54772425."""
    text = cell.strip()
    if not text:
        return np.nan
    if _GROUPED.fullmatch(text):
        text = re.sub(r"[^\d+-]", "", text)
    elif "_" in text:   # float() would read "12_34" as 1234: no grouping by three, so not a number
        return text
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and abs(value) <= LARGEST_VALUE else text


def _record_layout(path: Path) -> tuple[list[int], list[int], list[int], list[bool]]:
    """The line on which each data row of the CSV ``path`` starts, as pandas reads its rows
    (blank and space-only lines are no rows), how many fields it holds, the length of its
    longest field and whether a field holds a byte that is not UTF-8. The file is opened as
    pandas opens it (compression from the name: gzip, bz2, xz, zip, zstd, tar), so that every
    compression gives the same rows, skips and lines."""
    import csv
    import io

    from pandas.io.common import get_handle

    starts, widths, longest, undecoded, previous = [], [], [], [], 0
    limit = csv.field_size_limit()
    # no cell aborts the reading: a row with an over-long one is skipped, named by its line
    csv.field_size_limit(2 ** 31 - 1)
    try:
        with get_handle(path, "rb", compression="infer", is_text=False) as handles:
            text = io.TextIOWrapper(handles.handle, encoding="utf-8-sig",
                                    errors="surrogateescape", newline="")
            reader = csv.reader(text)
            try:
                for row in reader:
                    if len(row) > 1 or (row and row[0].strip()):
                        starts.append(previous + 1)
                        widths.append(len(row))
                        longest.append(max(map(len, row)))
                        undecoded.append(any(_UNDECODED.search(cell) for cell in row))
                    previous = reader.line_num
            except csv.Error as exc:   # the layout (quotes, NUL), never a cell's value
                raise DataError(f"file {path} line {reader.line_num}: cannot read the "
                                f"diabetes-130 encounter table ({exc})") from exc
            finally:
                text.detach()
    finally:
        csv.field_size_limit(limit)
    return starts[1:], widths[1:], longest[1:], undecoded[1:]


def _unusable(df: pd.DataFrame) -> pd.Series:
    """Per row, why it cannot be used ('' when it can): a missing id, a label that is none of
    the three, a non-numeric or infinite count, or an id repeating that of an earlier readable
    row. The reason names the column, never the value. ``df`` is left as it is."""
    reason = pd.Series("", index=df.index)
    if "_fields" in df:   # first: a cut row's other reasons would only follow from the cut
        width, header = df["_fields"].astype(int), df["_header_fields"].astype(int)
        reason = reason.where(width == header, "row has " + width.astype(str) + " fields where "
                              "the header has " + header.astype(str))
    if "_undecoded" in df:
        reason = reason.where((reason != "") | ~df["_undecoded"].astype(bool),
                              "a field is not UTF-8 text (an undecodable byte); re-encode the "
                              "file as UTF-8")
    if "_longest" in df:
        reason = reason.where((reason != "") | (df["_longest"].astype(int) <= _LONGEST_CELL),
                              f"a field holds more than {_LONGEST_CELL} characters")
    ids = {column: df[column] for column in _ID_COLUMNS}   # normalised by _read
    for column in _ID_COLUMNS:
        reason = reason.where(reason != "", np.where(ids[column].isna(), f"no {column}", ""))
    if "readmitted" in df:
        label = df["readmitted"]
        odd = label.notna() & ~label.isin(["<30", ">30", "NO"])
        reason = reason.where(reason != "", np.where(
            odd, "'readmitted' is not one of '<30', '>30', 'NO'", ""))
        if label.notna().any():   # a labelled file: an empty label is unknown, never "NO"
            reason = reason.where(reason != "", np.where(
                label.isna(), "'readmitted' is empty where other rows hold it", ""))
    for column in _NUMERIC:
        number = pd.to_numeric(df[column], errors="coerce")
        bad = number.isna() & df[column].notna()
        reason = reason.where(reason != "", np.where(bad, f"'{column}' is not a number", ""))
        huge = ~(number.abs() <= LARGEST_VALUE) & number.notna()   # inf, or overflowing
        reason = reason.where(reason != "", np.where(huge, f"'{column}' is not finite", ""))
    # last, and only against rows that can be read: a copy after an unreadable first one is
    # the encounter's only usable row; a copy after one discharged to death or hospice (a
    # readable row, skipped later) is a repeat, so the encounter is not scored on a copy that
    # contradicts it
    valid = reason == ""
    encounter = ids["encounter_id"]   # "31310520.0" repeats "31310520"
    repeat = valid & encounter.where(valid).duplicated() & encounter.notna()
    reason = reason.where(reason != "", np.where(
        repeat, "encounter_id repeats an earlier row's; only the first is used", ""))
    return reason


def load_readmission(data: list[Path], outcomes: Path | None = None, *,
                     vocabulary: dict | None = None, sources: bool = False,
                     trains_on: Callable[[np.ndarray], np.ndarray] | None = None,
                     labels: bool = True) -> TabularData:
    """Encounters of the diabetes-130 table(s) as features at discharge.

    ``vocabulary`` fixes the category levels (those of the training data, saved with the
    model); without it the levels are the commonest among the rows of the patients for which
    ``trains_on(patient ids)`` is True (every row without it), so that held-out patients
    never shape the model. ``labels=False`` (prediction) leaves ``readmitted`` unread, so
    that no row is skipped for its label.
    """
    if outcomes is not None:
        raise DataError("task readmission keeps its label in 'readmitted'; --outcomes is not "
                        f"used (got {outcomes})")
    frames = [frame_or_error(Path(p), _read, "the diabetes-130 encounter table") for p in data]
    df = pd.concat(frames, ignore_index=True)   # each file's columns checked by _read
    if "readmitted" not in df or not labels:
        df["readmitted"] = np.nan  # predicting: the label plays no part
    reason = _unusable(df)
    bad = reason != ""
    skipped = [(f, f"file {f} line {line}: {why}; row skipped")
               for f, line, why in zip(df.loc[bad, "_file"], df.loc[bad, "_line"], reason[bad])]
    df = df[~bad]
    dead = _category_values(df, "discharge_disposition_id").isin(_NO_READMISSION)
    # the task's cohort, not bad input: counted apart from the skipped rows
    excluded = [(f, f"file {f} line {line}, encounter {e}: discharged to death or hospice")
                for f, line, e in zip(df.loc[dead, "_file"], df.loc[dead, "_line"],
                                      df.loc[dead, "encounter_id"])]
    df = df[~dead].reset_index(drop=True)
    _each_file_has_a_row(data, frames, set(df["_file"]), skipped + excluded)
    df, impossible = _impossible(df)
    warnings = _missing_everywhere(df)
    if not vocabulary:
        training = trains_on(df["patient_nbr"].astype(str).to_numpy()) if trains_on else None
        vocabulary = _vocabulary(df if training is None else df[training])
    X, names = _features(df, vocabulary)
    unseen = _unseen_categories(df, vocabulary)
    y = None
    if df["readmitted"].notna().any():
        y = (df["readmitted"] == "<30").astype(float).to_numpy()
    age = _age_decade(df).to_numpy()
    at_discharge = np.zeros(len(df))  # every column is recorded by the end of the stay
    return TabularData(X, y, df["encounter_id"].to_numpy(), df["patient_nbr"].astype(str)
                       .to_numpy(), names, at_discharge, at_discharge,
                       attributes={"race": df["race"].fillna("unknown").to_numpy(),
                                   "sex": df["gender"].fillna("unknown").to_numpy(),
                                   "age band": df["age"].fillna("unknown").to_numpy()},
                       skipped=skipped, vocabulary=vocabulary, unseen_categories=unseen,
                       impossible=impossible, warnings=warnings,
                       excluded={_COHORT: [why for _f, why in excluded]} if excluded else {},
                       sources=np.array([Provenance(Path(f).name, e, int(n)) for f, e, n in
                                         zip(df["_file"], df["encounter_id"], df["_line"])],
                                        dtype=object) if sources else None)


def _each_file_has_a_row(data: list[Path], frames: list[pd.DataFrame], kept: set[str],
                         skipped: list[tuple[str, str]]) -> None:
    """Refuse a file none of whose rows can be used, saying why (a header only, or every row
    skipped, with the first reasons): an empty input is a mistake, never an empty result."""
    for path, frame in zip(map(str, data), frames):
        if path in kept:
            continue
        if frame.empty:
            why = "it holds a header and no data row"
        else:
            why = counted_reasons(f"of {len(frame)} rows skipped or {COHORT_EXCLUDED}",
                                  [reason for f, reason in skipped if f == path], shown=3)
        raise DataError(f"file {path}: no usable row; {why}")


#: Columns of the encounter table in words, with UCUM units (Strack et al. 2014, Table 1).
LABELS = {
    "time_in_hospital": ("Days in hospital", "d"),
    "num_lab_procedures": ("Lab tests during the stay", None),
    "num_procedures": ("Procedures (other than lab tests) during the stay", None),
    "num_medications": ("Distinct medications given", None),
    "number_outpatient": ("Outpatient visits in the year before", None),
    "number_emergency": ("Emergency visits in the year before", None),
    "number_inpatient": ("Inpatient stays in the year before", None),
    "number_diagnoses": ("Diagnoses entered", None), "age_decade": ("Age band, lower bound", "a"),
}


def _age_decade(df: pd.DataFrame) -> pd.Series:
    """The lower bound of the ``age`` band ('[60-70)' -> 60), NaN where there is none."""
    return df["age"].astype(str).str.extract(r"\[(\d+)-")[0].astype(float)


def _vocabulary(df: pd.DataFrame) -> dict[str, list[str]]:
    out = {}
    for c, top in _CATEGORIES.items():
        values = _category_values(df, c)
        out[c] = sorted(values.value_counts().index[: top or 30])
    return out


def _category_values(df: pd.DataFrame, column: str) -> pd.Series:
    """A code column as levels: text, "missing" for none, and an id a spreadsheet wrote as
    a float ("3.0") read as the integer it is ("3")."""
    values = df[column].astype(str).str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    return values.where(df[column].notna(), "missing")


def _unseen_categories(df: pd.DataFrame, vocabulary: dict[str, list[str]]) -> dict[str, int]:
    """Per category column, the rows whose value is none of the model's levels: a value not
    seen in training (nor missing, where training had no gap). medical_specialty is left out:
    it keeps its commonest levels only, by design, so the others are expected there."""
    out = {}
    for column, top in _CATEGORIES.items():
        if top is not None:
            continue
        n = int((~_category_values(df, column).isin(vocabulary[column])).sum())
        if n:
            out[column] = n
    return out


def _features(df: pd.DataFrame, vocabulary: dict[str, list[str]]) -> tuple[np.ndarray, list[str]]:
    cols = {c: df[c].astype(float) for c in _NUMERIC}
    cols["age_decade"] = _age_decade(df)
    for c in _CATEGORIES:
        values = _category_values(df, c)
        for level in vocabulary[c]:
            cols[f"{c}=={level}"] = (values == level).astype(float)
    for k in (1, 2, 3):
        chapter = _chapter(df[f"diag_{k}"]) if f"diag_{k}" in df else pd.Series("missing",
                                                                                 index=df.index)
        for name in [c[2] for c in _CHAPTERS] + ["diabetes", "supplementary", "missing"]:
            cols[f"diag_{k}=={name}"] = (chapter == name).astype(float)
    names = list(cols)
    return np.column_stack([cols[n].to_numpy(dtype=float) for n in names]), names


def _chapter(codes: pd.Series) -> pd.Series:
    text = codes.astype(str)
    num = pd.to_numeric(text.where(~text.str[0].isin(["V", "E"])), errors="coerce")
    out = pd.Series("missing", index=codes.index, dtype=object)
    out[text.str[0].isin(["V", "E"])] = "supplementary"
    for lo, hi, name in _CHAPTERS:
        out[(num >= lo) & (num < hi)] = name
    out[(num >= 250) & (num < 251)] = "diabetes"
    return out


TASK = TabularTask(
    name="readmission", title="30-day readmission (Diabetes 130-US hospitals)",
    id_column="encounter_id", loader=load_readmission, held_out=0.2, feature_labels=lambda: LABELS,
    label_source="the 'readmitted' column ('<30', '>30' or 'NO')",
    model_params={"n_estimators": 800, "learning_rate": 0.03, "num_leaves": 31,
                  "min_child_samples": 100, "subsample": 0.8, "colsample_bytree": 0.5,
                  "reg_lambda": 5.0, "calibration": "isotonic", "validation_fraction": 0.15,
                  "early_stopping_rounds": 60, "n_jobs": 2},
    about="LightGBM and a logistic regression on the same encounter features at discharge; "
          "split by patient (patient_nbr), never by encounter.")
