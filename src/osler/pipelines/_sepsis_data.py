"""Sepsis cohort loading: PhysioNet 2019 stays -> records -> hourly feature matrix.

Stays are read with the ingest layer's ``read_physionet2019``; each record becomes a
:class:`StayFrame` and then features. Two worker processes share the stays (one per core). A
stay that cannot be used is skipped, counted and named, never dropped silently.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from osler.errors import DataError, IngestError, OslerError
from osler.features import (DYNAMIC_VARIABLES, check_no_leakage, feature_names, featurize,
                            stay_frame)
from osler.ingest import files_under
from osler.pipelines._shared import implausible_note

__all__ = ["START_HOURS", "NoUsableStay", "SepsisCohort", "load_cohort", "named_stay_files",
           "stay_files", "unique_stays"]


class NoUsableStay(DataError):
    """No stay of the input could be used; ``skipped``: (file, reason) of each, so that a
    prediction run can still clear what an earlier run wrote for them."""

    def __init__(self, message: str, skipped: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.skipped = skipped


#: How many first hours of a stay are digested to recognise a training stay cut short: few
#: enough that a copy keeping a quarter of a day is caught, enough that two stays rarely share
#: them (they hold the stay's age, unit, admission time and first measurements).
START_HOURS = 6


def _digest(block: np.ndarray) -> str:
    """First 16 hex digits of SHA-256 over feature rows (float32, one NaN pattern)."""
    import hashlib

    block = np.ascontiguousarray(block, dtype=np.float32)
    block = np.where(np.isnan(block), np.float32(np.nan), block)
    return hashlib.sha256(block.tobytes()).hexdigest()[:16]


def _holds_a_measurement(block: np.ndarray) -> bool:
    """Whether feature rows show a measured vital or lab: a ``<variable>__last`` known in
    the last of them (it carries the latest measurement forward, so it is known in a row iff
    one was measured at or before that hour)."""
    return bool(len(block)) and not np.isnan(block[-1, _last_columns()]).all()


@lru_cache(maxsize=1)
def _last_columns() -> np.ndarray:
    """Columns of the feature rows holding each vital's or lab's latest measured value."""
    names = feature_names()
    return np.array([names.index(f"{v}__last") for v in DYNAMIC_VARIABLES])


_PARALLEL_FROM = 400  # below this many stays, a second process costs more than it saves


@dataclass
class SepsisCohort:
    """Hourly samples of many stays: ``X`` rows align with ``meta`` rows.

    ``meta`` columns: stay, file, hour, row, line, label, source_hour, unit, sex, age.
    ``skipped``: (file, reason) of every stay that could not be used. ``unmeasured``:
    (file, note) of every stay kept although no hour holds a measured value (prediction only).
    ``implausible``: (stay, note) per reading no living patient can have (the note names file,
    line and variable;
    :func:`osler.ingest._plausible.outside_limits`), used as given in training and scoring
    alike, so reported and never changed.
    """

    X: np.ndarray
    meta: pd.DataFrame
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unmeasured: list[tuple[str, str]] = field(default_factory=list)
    implausible: list[tuple[str, str]] = field(default_factory=list)

    @property
    def not_stays(self) -> list[tuple[str, str]]:
        """The skipped .psv files that are an earlier run's prediction files, not stays (the
        input name and why), for a summary that counts them apart from skipped stays."""
        return [s for s in self.skipped if _is_prediction_file(s)]

    def implausible_note(self) -> str:
        """``''``, or ``'; N readings outside physiological limits, used as given (...)'``."""
        if not self.implausible:
            return ""
        return "; " + implausible_note([note for _stay, note in self.implausible])

    @property
    def n_stays(self) -> int:
        return int(self.meta["stay"].nunique())

    def subset(self, stays: Iterable[str]) -> SepsisCohort:
        mask = self.meta["stay"].isin(set(stays)).to_numpy()
        kept = set(self.meta["stay"][mask])
        return SepsisCohort(self.X[mask], self.meta[mask].reset_index(drop=True), self.skipped,
                            implausible=[i for i in self.implausible if i[0] in kept])

    def content_digests(self) -> dict[str, str]:
        """Per stay, the first 16 hex digits of SHA-256 over its hourly feature rows: what the
        stay holds (values, hours, age, sex, unit), never its id, file name or labels, so a
        training stay is recognised under another name or unlabelled. The rows are parsed
        values, so a copy with other line endings or trailing blank lines has the same digest.
        Like heart-disease's row digests they store no value as such, but whoever holds the
        model directory can tell whether a given stay was trained on: keep it as confidential
        as the training data."""
        return {stay: _digest(block) for stay, block in self._stay_blocks()}

    def start_digests(self, hours: int = START_HOURS) -> dict[str, str]:
        """Per stay of at least ``hours`` rows, a digest of the feature rows of its first
        ``hours`` hours, tagged ``first6:`` (for 6): a training stay cut short (its last hours
        dropped) has a whole-stay digest of its own, but the same start. Features read no later
        row, so these rows are the same in the whole stay and in any shorter copy of it.
        A start with no measured vital or lab is not digested, as for :meth:`short_digests`:
        its age, sex, unit and hours alone are shared by chance."""
        return {stay: f"first{hours}:{_digest(block[:hours])}"
                for stay, block in self._stay_blocks()
                if len(block) >= hours and _holds_a_measurement(block[:hours])}

    def short_digests(self) -> dict[str, str]:
        """Per stay shorter than :data:`START_HOURS` hours whose rows hold a measured value, a
        digest of all its rows tagged by their number (``first5:`` for a 5-hour stay): a
        training stay cut to 5 hours has no 6-hour start to match, but its 5 rows are the
        training stay's first 5 (:meth:`prefix_digests`). A stay with nothing measured is
        left to be scored: its rows (age, sex, unit, hours) are shared by chance too easily."""
        return {stay: f"first{len(block)}:{_digest(block)}"
                for stay, block in self._stay_blocks()
                if len(block) < START_HOURS and _holds_a_measurement(block)}

    def prefix_digests(self) -> set[str]:
        """The digests :meth:`short_digests` gives a training stay cut to 1 to
        ``START_HOURS - 1`` hours, kept with the model: per stay and length k, the digest of
        its first k rows, when they hold a measured value (see :meth:`short_digests`)."""
        return {f"first{k}:{_digest(block[:k])}" for _stay, block in self._stay_blocks()
                for k in range(1, min(len(block) + 1, START_HOURS))
                if _holds_a_measurement(block[:k])}

    def _stay_blocks(self):
        """``(stay, its feature rows)`` per stay, in the cohort's order."""
        stays = self.meta["stay"].to_numpy()
        bounds = np.flatnonzero(np.r_[True, stays[1:] != stays[:-1], True])
        for a, b in zip(bounds[:-1], bounds[1:]):
            yield str(stays[a]), self.X[a:b]

    def labelled(self, doing: str) -> SepsisCohort:
        """The stays with a SepsisLabel at every hour; the others are skipped and counted
        (``doing``, e.g. "training", says what needs the labels)."""
        unknown = self.meta["label"].isna()
        if not unknown.any():
            return self
        per_stay = self.meta.loc[unknown].groupby("stay", sort=True)["file"].agg(["first", "size"])
        skipped = [(file, f"file {file}, stay {stay}: {n} hours have no SepsisLabel; {doing} "
                          "needs labelled stays")
                   for stay, file, n in per_stay.itertuples()]
        kept = self.subset(set(self.meta["stay"]) - set(per_stay.index))
        if not len(kept.meta):
            raise DataError(f"no stay has a SepsisLabel at every hour ({len(skipped)} without); "
                            f"{doing} needs labelled stays; first: {skipped[0][1]}")
        return SepsisCohort(kept.X, kept.meta, self.skipped + skipped)


def stay_files(paths: Iterable[Path], workdir: Path) -> list[Path]:
    """Every ``.psv`` (or ``.psv.gz``) under ``paths`` (files, directories or zips, zips
    inside either), zips unpacked in ``workdir``."""
    return [path for path, _name in named_stay_files(paths, workdir)]


def named_stay_files(paths: Iterable[Path], workdir: Path) -> list[tuple[Path, str]]:
    """:func:`stay_files` with the name each file has in the input, as the ingest layer
    names members: ``stays/A/p1.psv`` in a folder, ``set.zip!A/p1.psv`` in a zip (never where
    a zip was unpacked), so that two stays of one name in two folders are told apart."""
    files: list[tuple[Path, str]] = []
    for k, p in enumerate(map(Path, paths)):
        if p.is_file() and p.suffix.lower() == ".zip":
            files += _unzipped(p, workdir / f"{k}-{p.stem}", p.name)
        elif p.is_dir():
            files += _psv_under(p, workdir / f"{k}-{p.name}", f"{p.name}/")
        elif p.is_file():
            files.append((p, p.name))
        else:
            raise DataError(f"no such file or directory: {p}")
    return files


def _unzipped(archive: Path, target: Path, name: str) -> list[tuple[Path, str]]:
    """The stays of a zip (``name`` as the input shows it), unpacked once into ``target`` so
    that they can be split into per-process file lists (the reader itself reads zips
    directly); one folder per archive, so that two set.zip never mix."""
    try:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DataError(f"{archive.name}: not a valid zip archive ({exc})") from None
    return _psv_under(target, target.with_name(target.name + "-inner"), f"{name}!")


def _is_stay(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith((".psv", ".psv.gz")) and not name.startswith(".")


def _psv_under(folder: Path, workdir: Path, prefix: str) -> list[tuple[Path, str]]:
    """Every stay file under ``folder`` (any case of the suffix, gzipped or not, hidden files
    and files in hidden folders aside), and those of the zips it holds (unpacked under
    ``workdir``), each with its name in the input: ``prefix`` and its path inside
    ``folder``."""
    # a hidden folder (.ipynb_checkpoints, .git) holds copies, not stays: a stale copy must
    # never be read as (or instead of) the real stay
    found = files_under(folder)   # symlinked folders followed, each real folder once
    files = [(q, prefix + q.relative_to(folder).as_posix()) for q in found if _is_stay(q)]
    for n, inner in enumerate(q for q in found if q.suffix.lower() == ".zip"):
        files += _unzipped(inner, workdir / f"{n}-{inner.stem}",
                           prefix + inner.relative_to(folder).as_posix())
    return files


def load_cohort(paths: Iterable[Path], *, n_jobs: int | None = None,
                unmeasured: bool = False, labels: bool = True) -> SepsisCohort:
    """Read, check and featurise every stay under ``paths``; skipped stays are reported.

    ``unmeasured`` keeps stays whose hours hold no measured value (their features are the time
    in the ICU and missingness alone), for prediction files that need a row per input hour;
    they are listed in ``SepsisCohort.unmeasured``. Training and evaluation skip them.
    ``labels=False`` does not read SepsisLabel (prediction needs none), so a stay with an
    invalid label is still scored; training and evaluation skip it, naming file and line.
    """
    with tempfile.TemporaryDirectory(prefix="osler-sepsis-") as tmp:
        files = named_stay_files(paths, Path(tmp))
        if not files:
            raise DataError(f"no .psv stays found under {[str(p) for p in paths]}")
        names = dict(files)
        kept, repeated = unique_stays(files, labels)
        pairs = [(f, names[f]) for f in kept]
        n_jobs = n_jobs or min(2, os.cpu_count() or 1)
        if n_jobs > 1 and len(pairs) >= _PARALLEL_FROM:
            chunks = [pairs[i::n_jobs] for i in range(n_jobs)]
            with ProcessPoolExecutor(n_jobs) as pool:
                parts = list(pool.map(_featurize_files, chunks, [unmeasured] * n_jobs,
                                      [labels] * n_jobs))
        else:
            parts = [_featurize_files(pairs, unmeasured, labels)]
    meta = pd.concat([p[1] for p in parts], ignore_index=True)
    order = np.lexsort((meta["row"].to_numpy(), meta["stay"].to_numpy()))
    # Each part's rows go straight to their sorted place: no unsorted copy of the whole matrix.
    destination = np.empty(len(order), dtype=np.int64)
    destination[order] = np.arange(len(order))
    X = np.empty((len(order), len(feature_names())), dtype=np.float32)
    start = 0
    for part in parts:
        X[destination[start:start + len(part[0])]] = part[0]
        start += len(part[0])
    skipped = [s for p in parts for s in p[2]] + repeated
    # an earlier run's prediction files are named last: they are no stay, and the first
    # problem a refusal names should be a stay's
    skipped.sort(key=_is_prediction_file)
    kept_unmeasured = [s for p in parts for s in p[3]]
    implausible = [s for p in parts for s in p[4]]
    del parts
    cohort = SepsisCohort(X, meta.iloc[order].reset_index(drop=True), skipped, kept_unmeasured,
                          implausible)
    check_no_leakage("sepsis", cohort.meta["stay"].tolist(), cohort.meta["hour"].to_numpy(),
                     cohort.meta["source_hour"].to_numpy())
    if not len(cohort.meta):
        raise NoUsableStay(_none_usable(files, cohort.skipped), cohort.skipped)
    return cohort


def _is_prediction_file(skip: tuple[str, str]) -> bool:
    from osler.ingest.physionet import PREDICTION_FILE

    return f": {PREDICTION_FILE}" in skip[1]


def _none_usable(files: list[tuple[Path, str]], skipped: list[tuple[str, str]]) -> str:
    """Why no stay could be used, counting stays (ids of files that are not an earlier run's
    prediction files) apart from those prediction files."""
    from osler.ingest.physionet import psv_stay_id

    not_stays = {name for name, why in skipped if _is_prediction_file((name, why))}
    stays = {psv_stay_id(f.name) for f, name in files if name not in not_stays}
    if not stays:
        return (f"no stays found: all {len(not_stays)} .psv file(s) are Osler prediction files "
                "(header PredictedProbability|PredictedLabel), not stays; first: "
                f"{skipped[0][1]}")
    beside = (f" ({len(not_stays)} .psv file(s) beside them are Osler prediction files, not "
              "stays)") if not_stays else ""
    return (f"none of {len(stays)} stays could be used{beside}; first problem: "
            f"{skipped[0][1] if skipped else 'unknown'}")


def unique_stays(files: list[tuple[Path, str]], labels: bool = False
                 ) -> tuple[list[Path], list[tuple[str, str]]]:
    """One file per stay id (the reader's: :func:`psv_stay_id`) among ``(path, name in the
    input)`` pairs (:func:`named_stay_files`): a later file with the same id (``p1.psv`` beside
    ``p1.psv.gz``, or in another folder) is skipped, naming both files, never merged into the
    first: predictions are written per stay id. Only files that read as a stay (``labels``:
    whether SepsisLabel is read, as the caller will read it) compete for an id, so an empty
    backup copy or an earlier run's prediction file never costs the stay its id: the first
    file that reads wins, and one that does not is skipped, saying why. When no file of an id
    reads, all are kept, for the reader to report each."""
    from osler.ingest.physionet import psv_stay_id

    by_id: dict[str, list[int]] = {}
    for i, (f, _name) in enumerate(files):
        by_id.setdefault(psv_stay_id(f.name), []).append(i)
    problems: dict[int, IngestError | None] = {}   # only files whose id repeats are read here

    def problem(i: int) -> IngestError | None:
        if i not in problems:
            problems[i] = _read_problem(files[i][0], labels)
        return problems[i]

    winner = {stay: next((i for i in idx if problem(i) is None), None)
              for stay, idx in by_id.items() if len(idx) > 1}
    kept, skipped = [], []
    for i, (f, name) in enumerate(files):
        stay = psv_stay_id(f.name)
        w = winner.get(stay, i)
        if w is None or w == i:
            kept.append(f)
        elif problem(i) is None:
            which = "first" if w == by_id[stay][0] else "first readable"
            skipped.append((f.name, f"file {name}, stay {stay}: {files[w][1]} has the same stay "
                                    f"id; only that {which} file is used (output files are "
                                    "named by stay id)"))
        else:
            skipped.append(_unread(f, name, problem(i), f"; the stay is read from {files[w][1]}, "
                                                        "which has the same stay id"))
    return kept, skipped


def _read_problem(path: Path, labels: bool) -> IngestError | None:
    """Why the file at ``path`` does not read as one stay (None: it does)."""
    from osler.ingest.physionet import read_physionet2019

    errors: list[IngestError] = []
    records = list(read_physionet2019(path, on_error=errors.append, labels=labels))
    if errors:
        return errors[0]
    return None if len(records) == 1 else IngestError("not one stay", file=path.name)


def _unread(path: Path, name: str, err: IngestError, note: str = "") -> tuple[str, str]:
    """A (file, reason) skip for a file the reader refused, named as the input names it. An
    Osler prediction file is named as no stay; its entry is the input name (with its folders),
    so that prediction never takes it for a stay whose earlier output is stale."""
    from osler.ingest.physionet import PREDICTION_FILE, psv_stay_id

    if err.reason == PREDICTION_FILE:
        return name, f"file {name}: {PREDICTION_FILE}{note}"
    where = f", line {err.line}" if err.line else ""
    return path.name, f"file {name}, stay {psv_stay_id(path.name)}{where}: {err.reason}{note}"


def _featurize_files(files: list[tuple[Path, str]], unmeasured: bool = False,
                     labels: bool = True) -> tuple[np.ndarray, pd.DataFrame, list, list, list]:
    """Features of the stays of ``(path, name in the input)`` pairs; also the skipped, the
    unmeasured and the readings outside physiological limits (see :class:`SepsisCohort`)."""
    from osler.ingest._plausible import outside_limits
    from osler.ingest.physionet import PREDICTION_FILE, read_physionet2019

    blocks, metas, skipped, kept_unmeasured, implausible = [], [], [], [], []
    for path, name in files:
        errors: list[IngestError] = []
        for record in read_physionet2019(path, on_error=errors.append, labels=labels):
            try:
                # one row per input hour: the reader keeps a label row (NaN if unknown) for
                # every hour, so prediction files always line up with their input
                frame = stay_frame(record, allow_unmeasured=unmeasured)
            except OslerError as err:
                skipped.append((path.name, str(err)))
                continue
            if unmeasured and np.isnan(frame.values).all():
                kept_unmeasured.append((path.name, f"file {path.name}, stay {frame.stay_id}: no "
                                        "hour holds a measured value; scored from the time in "
                                        "the ICU and missingness alone"))
            block = featurize(frame)
            implausible += [(frame.stay_id, note) for note in outside_limits(record, "2019")]
            blocks.append(block.X)
            metas.append(_meta(frame, block, path.name))
        skipped += [_unread(path, name, e) if e.reason == PREDICTION_FILE else (path.name, str(e))
                    for e in errors]
    width = len(feature_names())
    X = np.vstack(blocks) if blocks else np.empty((0, width), dtype=np.float32)
    meta = pd.concat(metas, ignore_index=True) if metas else _meta_empty()
    return X, meta, skipped, kept_unmeasured, implausible



def _meta(frame, block, file: str) -> pd.DataFrame:
    n = len(block.rows)
    return pd.DataFrame({
        "stay": np.repeat(frame.stay_id, n), "file": np.repeat(file, n),
        "hour": block.prediction_hours, "row": block.rows, "line": frame.lines[block.rows],
        "label": frame.labels[block.rows], "source_hour": block.source_hours,
        "unit": np.repeat(frame.unit or "unknown", n), "sex": np.repeat(frame.sex or "unknown", n),
        "age": np.repeat(frame.static.get("Age", np.nan), n)})


def _meta_empty() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in ("stay", "file", "hour", "row", "line", "label",
                                         "source_hour", "unit", "sex", "age")})
