"""Task ``heart-disease``: angiographic coronary disease (``num`` > 0) from the 13 processed UCI
attributes, predicted once per patient. Evaluation is cross-site: train on one hospital's file
(Cleveland or Hungarian) and evaluate on the other's; no rows are held out inside a site.

The UCI files carry no patient identifier, so a row is known by its content: the model keeps a
digest of each training row's 13 attributes (:func:`content_digests`), and evaluation leaves out
exactly the rows identical to a training row, whatever file they are in or however the file is
named. File names decide nothing about "seen in training": a new file of the training file's
name is evaluated in full, and a renamed copy of the training file is left out in full. (A model
saved before the digests were kept is matched by file name and line, as then, and its card says
so.) Within one reading, each row is its own patient, ``<site>:<line>`` with the site from the
file name (``processed.cleveland.data`` -> ``cleveland``), made unique if two files share it;
these ids group rows for training's early-stopping split and the evaluation bootstrap only.

Input: a ``processed.<site>.data`` file (comma-separated, ``?`` = missing; gzipped too, as
``.gz``). A line with a byte that is not UTF-8 is skipped, named by its line. The UCI files have
no header; a first line of the column names (:data:`COLUMNS` in their order, any case, with or
without ``num``) is read as one, and is neither scored nor counted as skipped.
``row`` in prediction files is the 0-based line number in the input file (so after a header the
first patient is row 1); messages name a row by both, ``file F line 5 (row 4)``.

Values a patient cannot have (:data:`PLAUSIBLE`) are read as missing, each named by file, line
and column in the run's summary, and the row is still scored. The codes come from the UCI
codebook (sex 0/1, cp 1-4, fbs 0/1, restecg 0-2, exang 0/1, slope 1-3, ca 0-3, thal 3/6/7); the
measurements have wide physiological bounds (age 1-120 a, resting systolic pressure 50-300
mm[Hg], cholesterol 30-1500 mg/dL, peak exercise heart rate 30-250 /min, ST depression -5 to
10 mm), which every row of the Cleveland and Hungarian files meets. Why missing and not the row
skipped: the model reads a missing attribute as the sites' own ``?`` (LightGBM learns where
missing values go), so the other twelve attributes still count, and one mistyped value does not
cost a patient the prediction; why not the value as given: trees extrapolate it as the most
extreme value seen (age 500 scores as the oldest patient), a risk no one would see. A row with
no attribute left (all ``?`` or impossible) is skipped and named: its score would be the
training prevalence, not a statement about the patient.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from osler.errors import DataError
from osler.evaluate import age_bands
from osler.ingest.physionet import LARGEST_VALUE
from osler.pipelines._shared import skipped_note
from osler.pipelines._tabular import TabularData, TabularTask
from osler.record import Provenance

__all__ = ["COLUMNS", "PLAUSIBLE", "TASK", "content_digests", "load_heart_disease"]

COLUMNS = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang",
           "oldpeak", "slope", "ca", "thal", "num"]
FEATURES = COLUMNS[:-1]
_CATEGORICAL = {"cp": (1, 2, 3, 4), "restecg": (0, 1, 2), "slope": (1, 2, 3), "thal": (3, 6, 7)}


_MISSING = {"?", "-9", "-9.0", ""}
#: the label's values in the UCI codebook: 0 no disease, 1-4 diseased (> 50% narrowing)
_NUM = (0.0, 1.0, 2.0, 3.0, 4.0)
#: per attribute, the codes (a tuple) or the closed range (lo, hi) a patient can have; a value
#: outside is read as missing (see the module docstring)
PLAUSIBLE: dict[str, tuple] = {
    "age": (1.0, 120.0), "sex": (0.0, 1.0), "cp": (1.0, 2.0, 3.0, 4.0),
    "trestbps": (50.0, 300.0), "chol": (30.0, 1500.0), "fbs": (0.0, 1.0),
    "restecg": (0.0, 1.0, 2.0), "thalach": (30.0, 250.0), "exang": (0.0, 1.0),
    "oldpeak": (-5.0, 10.0), "slope": (1.0, 2.0, 3.0), "ca": (0.0, 1.0, 2.0, 3.0),
    "thal": (3.0, 6.0, 7.0)}
_RANGES = {"age", "trestbps", "chol", "thalach", "oldpeak"}


def _plausible(column: str, value: float) -> bool:
    allowed = PLAUSIBLE[column]
    if column in _RANGES:
        return allowed[0] <= value <= allowed[1]
    return value in allowed


def _allowed(column: str) -> str:
    allowed = PLAUSIBLE[column]
    if column in _RANGES:
        return f"{allowed[0]:g} to {allowed[1]:g}"
    return ", ".join(f"{v:g}" for v in allowed)


def _read(path: Path, labels: bool = True
          ) -> tuple[pd.DataFrame, list[tuple[str, str]], list[str]]:
    """Rows of a processed UCI file, 13 attributes with or without ``num``; a row that is not
    13 or 14 numbers (``?`` for missing), whose ``num`` is not one of 0-4, or with no plausible
    attribute, is skipped, counted and named by its line. Also returned: one note per value
    read as missing because no patient can have it (:data:`PLAUSIBLE`). ``labels=False``:
    ``num`` is not read (prediction needs none), so it costs no row."""
    rows, lines, skipped, impossible = [], [], [], []
    for number, line in _lines(path):
        if line is None:   # a byte that is not UTF-8: this row only, named by its line
            skipped.append((str(path), f"{_at(path, number)}: not UTF-8 text (an "
                                       "undecodable byte); row skipped"))
            continue
        fields = [f.strip() for f in line.strip().split(",")]
        if fields == [""]:
            continue  # a blank line (the UCI files end with one)
        if number == 0 and _is_header(path, fields):
            continue  # column names, as a spreadsheet saves them: no patient
        if len(fields) not in (len(FEATURES), len(COLUMNS)):
            skipped.append((str(path), f"{_at(path, number)}: {len(fields)} "
                                       f"values, expected {len(FEATURES)} or {len(COLUMNS)}; "
                                       "row skipped"))
            continue
        if not labels:
            fields = fields[:len(FEATURES)]
        values = [_number(f) for f in fields]
        if None in values:   # the column is named, never the cell (it may be anything)
            column = COLUMNS[values.index(None)]
            skipped.append((str(path), f"{_at(path, number)}: a value is not a number "
                                       f"(column '{column}'); row skipped"))
            continue
        if any(abs(v) > LARGEST_VALUE for v in values):   # inf (NaN compares False)
            skipped.append((str(path), f"{_at(path, number)}: a value is "
                                       "infinite; row skipped"))
            continue
        if len(values) == len(COLUMNS) and not (np.isnan(values[-1])
                                                or values[-1] in _NUM):
            # (num > 0) would make -1 healthy and 7 or 0.5 diseased: a label outside the
            # codebook's is a damaged row, skipped as the other damaged rows are
            skipped.append((str(path), f"{_at(path, number)}: 'num' is not "
                                       "one of 0, 1, 2, 3, 4; row skipped"))
            continue
        odd = [c for c, v in zip(FEATURES, values) if not np.isnan(v)
               and not _plausible(c, v)]
        for column in odd:
            values[FEATURES.index(column)] = np.nan
        if all(np.isnan(v) for v in values[:len(FEATURES)]):
            why = ("no attribute is recorded" if not odd else
                   f"no attribute is recorded or possible ({', '.join(odd)} impossible)")
            skipped.append((str(path), f"{_at(path, number)}: {why}; row skipped"))
            continue
        impossible += [f"{_at(path, number)}: {c} not in {_allowed(c)}" for c in odd]
        rows.append(values + [np.nan] * (len(COLUMNS) - len(values)))
        lines.append(number)
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=float)
    frame["row"] = np.array(lines, dtype=int)
    return frame, skipped, impossible


def _number(field: str) -> float | None:
    """``field`` as a number (``?`` and the other missing codes NaN); ``None`` if it is none."""
    if field in _MISSING:
        return np.nan
    try:
        return float(field)
    except ValueError:
        return None


def _readable(path: Path) -> None:
    """Refuse, before reading, an input that is not a processed UCI file this task reads: a
    folder, or a zip archive (gzip is read; a zip's members would be read as text lines and
    every one skipped as not UTF-8)."""
    if path.is_dir():
        raise DataError(f"--data {path}: is a folder; heart-disease reads processed UCI files "
                        "(.data, or gzipped .gz): give the files themselves")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError:
        return   # said by the reading itself, with its reason
    if magic in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        raise DataError(f"--data {path}: is a zip archive, a format heart-disease does not "
                        "read; unzip it and give the processed UCI file (gzip is read)")


def _lines(path: Path) -> list[tuple[int, str | None]]:
    """``(0-based line number, text)`` per line of ``path``, gunzipped when it is gzip (the
    numbers are those of the decompressed file), split where Python's text files split them
    (``\\n``, ``\\r\\n`` or ``\\r``); ``text`` is ``None`` for a line with a byte that is not
    UTF-8, so that its row alone is skipped. A byte-order mark (as some editors save) is not
    part of row 0's first value."""
    import gzip
    import re

    with path.open("rb") as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    out: list[tuple[int, str | None]] = []
    for number, raw in enumerate(re.split(rb"\r\n|\r|\n", data)):
        try:
            out.append((number, raw.decode("utf-8-sig" if number == 0 else "utf-8")))
        except UnicodeDecodeError:
            out.append((number, None))
    return out


def _is_header(path: Path, fields: list[str]) -> bool:
    """Whether the first line's ``fields`` are column names: every one a UCI column name (any
    case, quotes stripped). Names in another order are refused (a
    :class:`~osler.errors.DataError`): the values are read by position, so they would be
    read as the wrong attributes."""
    names = [f.strip('"').lower() for f in fields]
    if not all(name in COLUMNS for name in names):
        return False
    if names not in (FEATURES, COLUMNS):
        raise DataError(f"{_at(path, 0)}: a header must name the columns in the UCI order, "
                        f"with or without num ({', '.join(COLUMNS)}); got {', '.join(names)}")
    return True


def load_heart_disease(data: list[Path], outcomes: Path | None = None, *,
                       vocabulary: dict | None = None, sources: bool = False,
                       trains_on: object = None, labels: bool = True) -> TabularData:
    """Rows of one or more processed UCI files; ids are 0-based line numbers per file.

    The attributes and their categories are fixed by the UCI description, so ``vocabulary``
    and ``trains_on`` (used by tasks whose categories come from the training rows) are ignored.
    ``labels=False`` (prediction) leaves ``num`` unread.
    """
    if outcomes is not None:
        raise DataError("task heart-disease keeps its label in the 'num' column; --outcomes is "
                        f"not used (got {outcomes})")
    parts, skipped, impossible = [], [], []
    seen: dict[object, Path] = {}   # resolved path, and content digest -> the first file
    sites: set[str] = set()         # site labels given so far: two files never share one
    for path in map(Path, data):
        _readable(path)
        try:
            df, bad, odd = _read(path, labels)
            where, content = path.resolve(), _file_digest(path)
        except (OSError, EOFError, zlib.error) as exc:   # a damaged or cut .gz too
            raise DataError(f"file {path}: cannot read a processed UCI heart-disease file: "
                            f"{type(exc).__name__}") from exc
        first = seen.get(where) or seen.get(content)
        if first is not None:
            # ids are line numbers, so a file read twice would be twice the patients
            why = ("the file is given twice; only its first reading is used" if where in seen
                   else f"the file has the same content as {first}; only that one is used")
            skipped += bad + [(str(path), f"{_at(path, r)}: {why}; row skipped")
                              for r in df["row"]]
            continue
        seen[where], seen[content] = path, path
        skipped += bad
        impossible += odd
        if df.empty:
            raise DataError(f"file {path}: no usable row ({skipped_note(bad, 3)}; rows must "
                            f"hold {len(FEATURES)} or {len(COLUMNS)} comma-separated values: "
                            f"{', '.join(COLUMNS)})")
        df["site"] = _site_label(path, sites)
        df["_file"] = path.name
        df["_path"] = str(path)
        parts.append(df)
    df = pd.concat(parts, ignore_index=True)
    X, names = _features(df)
    unlabelled = df["num"].isna()
    if unlabelled.any() and not unlabelled.all():
        first = df[unlabelled].iloc[0]
        without = list(dict.fromkeys(df.loc[unlabelled, "_path"]))
        with_ = list(dict.fromkeys(df.loc[~unlabelled, "_path"]))
        mixed = [f for f in without if f in with_]
        which = (f"{_files(mixed)}: some rows carry 'num' and some do not" if mixed else
                 f"{_files(with_)} {'carries' if len(with_) == 1 else 'carry'} 'num' and "
                 f"{_files(without)} {'does' if len(without) == 1 else 'do'} not")
        raise DataError(f"{which} (first without: {_at(first['_path'], int(first['row']))}); "
                        "give all or none")
    y = None if unlabelled.all() else (df["num"] > 0).astype(float).to_numpy()
    zeros = np.zeros(len(df))  # one visit: every attribute is known at the prediction
    return TabularData(X, y, df["row"].to_numpy(), (df["site"] + ":" + df["row"].astype(str))
                       .to_numpy(), names, zeros, zeros,
                       attributes={"sex": df["sex"].map({1.0: "male", 0.0: "female"})
                                   .fillna("unknown").to_numpy(),
                                   "age band": age_bands(df["age"].to_numpy())},
                       skipped=skipped, impossible=impossible,
                       sources=np.array([Provenance(f, f"row {r}", r + 1)
                                         for f, r in zip(df["_file"], df["row"])], dtype=object)
                       if sources else None, content=content_digests(df))


def _at(path: Path | str, row: int) -> str:
    """Where a row is, in the words of both conventions: ``file F line 5 (row 4)``, the
    1-based line an editor shows and the 0-based ``row`` of the prediction file."""
    return f"file {path} line {row + 1} (row {row})"


def _site_label(path: Path, taken: set[str]) -> str:
    """``cleveland`` for ``processed.cleveland.data`` (the stem for other names); a label an
    earlier file of this reading has is numbered (``cleveland~2``), so that two folders' files
    of the same name are two sets of patients, not one. Adds the label to ``taken``."""
    site = path.name.split(".")[1] if path.name.count(".") >= 2 else path.stem
    label, k = site, 1
    while label in taken:
        k += 1
        label = f"{site}~{k}"
    taken.add(label)
    return label


def _files(paths: list[str]) -> str:
    return ("file " if len(paths) == 1 else "files ") + ", ".join(paths)


def _file_digest(path: Path) -> str:
    """SHA-256 of the file's bytes: a copy of an input under another name is the same input."""
    from osler.models.persist import file_sha256

    return file_sha256(path)


def content_digests(df: pd.DataFrame) -> np.ndarray:
    """Per row, the first 16 hex digits of SHA-256 over its 13 attributes written one way
    (``63.0`` for ``63``, ``?`` for any missing mark), without ``num``: the same patient's row
    in any file, labelled or not, has the same digest. This is the identity evaluation uses for
    "trained on": the files have no patient id, and a file name says nothing about its rows.
    Two patients with identical attributes cannot be told apart; the second is left out too,
    which errs on the side of never scoring a training row. The digests store no value
    as such, but 13 attributes of few values each can be tried one row at a time: whoever holds
    the model directory can tell whether a given row was trained on, so keep the directory as
    confidential as its training data."""
    import hashlib

    def digest(values: np.ndarray) -> str:
        text = ",".join("?" if np.isnan(v) else repr(float(v)) for v in values)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    return np.array([digest(row) for row in df[FEATURES].to_numpy(dtype=float)], dtype=object)


#: The 13 UCI attributes in words, with UCUM units (UCI heart-disease documentation).
LABELS = {
    "age": ("Age", "a"), "sex": ("Sex (1 = male)", None), "cp": ("Chest pain type", None),
    "trestbps": ("Resting blood pressure", "mm[Hg]"), "chol": ("Serum cholesterol", "mg/dL"),
    "fbs": ("Fasting blood sugar > 120 mg/dL", None), "restecg": ("Resting ECG result", None),
    "thalach": ("Maximum heart rate on exercise", "/min"),
    "exang": ("Exercise-induced angina", None),
    "oldpeak": ("ST depression on exercise, relative to rest", "mm"),
    "slope": ("Slope of the peak exercise ST segment", None),
    "ca": ("Major vessels coloured by fluoroscopy", None), "thal": ("Thallium scan", None),
}


def _features(df: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    cols, names = [], []
    for f in FEATURES:
        cols.append(df[f].to_numpy(dtype=float))
        names.append(f)
        for level in _CATEGORICAL.get(f, ()):
            cols.append(np.where(df[f].isna(), np.nan, (df[f] == level).astype(float)))
            names.append(f"{f}=={level}")
    return np.column_stack(cols), names


TASK = TabularTask(
    name="heart-disease", title="Coronary artery disease (UCI heart disease, cross-site)",
    id_column="row", loader=load_heart_disease, held_out=0.0, feature_labels=lambda: LABELS,
    label_source="the 14th value of each row ('num', 0-4)",
    model_params={"n_estimators": 300, "learning_rate": 0.03, "num_leaves": 7,
                  "min_child_samples": 10, "colsample_bytree": 0.7, "reg_lambda": 1.0,
                  "calibration": "sigmoid", "validation_fraction": 0.2,
                  "early_stopping_rounds": 40, "n_jobs": 1},
    about="LightGBM and logistic regression on the 13 processed attributes; trained on one "
          "site and evaluated on the other, so every figure here is cross-site.")
