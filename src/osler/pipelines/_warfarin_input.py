"""Row checks for IWPC-format tables: a row that cannot be dosed safely is skipped and named.

A dose computed from a silently imputed age, or from a genotype nobody wrote, is worse than no
dose, so a present but unreadable value skips the row (a *missing* value stays missing and is
handled as IWPC did). Reasons name the file, the line and the column, never the value.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from osler.genomics.dosing import SUBJECT_COLUMN

__all__ = ["read_checked", "row_problems", "short_rows", "skipped_line"]

_AGE = re.compile(r"^\s*(?:\d{1,3}\s*-\s*\d{1,3}|\d{1,3}\s*\+|\d{1,3}(?:\.\d+)?)\s*$")
_STAR_DIPLOTYPE = re.compile(r"^\s*\*\d+[A-Z]?\s*/\s*\*\d+[A-Z]?\s*$")
_VKORC1 = {"G/G", "A/G", "G/A", "A/A"}


def short_rows(path: Path) -> np.ndarray:
    """Per data row of a CSV/TSV (as pandas numbers them), whether it holds a different number
    of fields than the header: pandas would pad such a row with missing values silently."""
    suffix = "".join(Path(path).suffixes).lower()
    if suffix.endswith((".xls", ".xlsx")):
        return np.zeros(0, dtype=bool)
    with Path(path).open(newline="", encoding="utf-8", errors="replace") as fh:
        records = [r for r in csv.reader(fh, delimiter="\t" if suffix.endswith(".tsv") else ",")
                   if r]  # pandas skips blank lines too
    if not records:
        return np.zeros(0, dtype=bool)
    width = len(records[0])
    return np.array([len(r) != width for r in records[1:]], dtype=bool)


def row_problems(frame: pd.DataFrame) -> pd.Series:
    """Per row, why it cannot be dosed ('' when it can)."""
    reason = pd.Series("", index=frame.index, dtype=object)

    def flag(bad: pd.Series, why: str) -> None:
        nonlocal reason
        reason = reason.where((reason != "") | ~bad.fillna(False).astype(bool), why)

    subject = frame[SUBJECT_COLUMN].astype("string").str.strip()
    flag(subject.isna() | (subject == ""), f"no {SUBJECT_COLUMN}")
    if "Age" in frame:
        age = frame["Age"].astype("string")
        flag(age.notna() & ~age.str.match(_AGE).fillna(False), "'Age' is not an age band "
             "('60 - 69', '90+') or a number of years")
    for column in ("Height (cm)", "Weight (kg)"):
        if column in frame:
            number = pd.to_numeric(frame[column], errors="coerce")
            flag(frame[column].notna() & number.isna(), f"{column!r} is not a number")
            flag(number <= 0, f"{column!r} is not positive")
    if "Cyp2C9 genotypes" in frame:
        cyp = frame["Cyp2C9 genotypes"].astype("string")
        flag(cyp.notna() & ~cyp.str.match(_STAR_DIPLOTYPE).fillna(False),
             "'Cyp2C9 genotypes' is not a star-allele diplotype such as '*1/*3'")
    if "VKORC1 -1639 consensus" in frame:
        vk = frame["VKORC1 -1639 consensus"].astype("string").str.strip()
        flag(vk.notna() & ~vk.isin(_VKORC1), "'VKORC1 -1639 consensus' is not G/G, A/G or A/A")
    return reason


def read_checked(paths: list[Path], reader) -> tuple[pd.DataFrame, list[str]]:
    """The rows of every file (read by ``reader``) that can be dosed, and why the others not."""
    frames, skipped = [], []
    for path in map(Path, paths):
        frame = reader(path)
        reason = row_problems(frame)
        short = short_rows(path)
        if len(short) == len(frame):  # else a quoted field spans lines: leave it to pandas
            reason = reason.where(~short, "the row has another number of fields than the header")
        bad = reason != ""
        skipped += [f"file {path.name} line {i + 2}: {why}; row skipped"
                    for i, why in zip(np.flatnonzero(bad), reason[bad])]
        frames.append(frame[~bad.to_numpy()])
    return pd.concat(frames, ignore_index=True), skipped


def skipped_line(skipped: list[str]) -> str:
    """``'0 rows skipped'`` or ``'2 rows skipped (reason; reason)'`` (at most five reasons)."""
    from osler.pipelines._shared import counted_reasons
    return counted_reasons("rows skipped", skipped)
