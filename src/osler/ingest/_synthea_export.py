"""Where a Synthea CSV export lives: a directory of ``<table>.csv`` files, or a zip of them.

The export is found by its ``patients.csv``; the other tables sit next to it. Names shown in
provenance and errors are the table's file name (``conditions.csv``), or ``export.zip!inner``
inside an archive, so they are stable across machines.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from osler.errors import IngestError

__all__ = ["PATIENT_COLUMNS", "SyntheaExport", "is_patients_header"]

#: Columns of patients.csv that identify a Synthea export (v2 and v3 both have them).
PATIENT_COLUMNS = ("Id", "BIRTHDATE", "DEATHDATE", "GENDER")


def is_patients_header(first_line: str) -> bool:
    try:
        header = next(csv.reader([first_line.lstrip("\ufeff")]), [])
    except csv.Error:  # binary or not CSV at all
        return False
    return all(c in header for c in PATIENT_COLUMNS)


class SyntheaExport:
    """One export. ``rows(table)`` yields ``(line, row dict)``; absent tables yield nothing."""

    def __init__(self, source: Path) -> None:
        source = Path(source)
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        if source.is_dir():
            self.root = source
        elif source.is_file() and zipfile.is_zipfile(source):
            self.root = source
            self._open_zip(source)
        elif source.is_file() and source.name.lower() == "patients.csv":
            self.root = source.parent  # the whole export, not just its patients
        elif source.exists():
            raise IngestError("not a Synthea CSV export: expected a directory or zip holding "
                              "patients.csv", file=source.name)
        else:
            raise IngestError("no such file or directory", file=str(source))

    def _open_zip(self, source: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(source)
        except zipfile.BadZipFile as exc:
            raise IngestError(f"not a valid zip archive ({exc})", file=source.name) from exc
        self._names = set(self._zip.namelist())
        found = sorted((n for n in self._names if Path(n).name == "patients.csv"),
                       key=lambda n: (n.count("/"), n))
        if found:  # the shallowest export if an archive holds several
            self._prefix = found[0][: -len("patients.csv")]

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def name(self, table: str) -> str:
        if self._zip is not None:
            return f"{self.root.name}!{self._prefix}{table}.csv"
        return f"{table}.csv"

    def has(self, table: str) -> bool:
        if self._zip is not None:
            return f"{self._prefix}{table}.csv" in self._names
        return (self.root / f"{table}.csv").is_file()

    def _open(self, table: str) -> io.TextIOBase:
        if self._zip is not None:
            raw = self._zip.open(f"{self._prefix}{table}.csv")
            return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        return (self.root / f"{table}.csv").open(encoding="utf-8-sig", newline="")

    def header(self, table: str) -> list[str]:
        with self._open(table) as fh:
            return next(csv.reader(fh), [])

    def rows(self, table: str) -> Iterator[tuple[int, dict[str, str]]]:
        """``(first line of the row, column -> cell)``; a ragged row has ``None`` keys."""
        name, start = self.name(table), 1
        try:
            with self._open(table) as fh:
                reader = csv.reader(fh)
                header = next(reader, [])
                start = 2
                for cells in reader:
                    row = dict(zip(header, cells))
                    if len(cells) != len(header):
                        row[None] = f"{len(cells)} cells; the header has {len(header)}"
                    yield start, row
                    start = reader.line_num + 1  # a quoted cell may span lines
        except (OSError, UnicodeDecodeError, csv.Error, zipfile.BadZipFile) as exc:
            raise IngestError(f"cannot read the rest of the table: {type(exc).__name__}: {exc}",
                              file=name, line=start) from exc
