"""Benchmark: reading a Synthea CSV export into whole patient records.

Run: .venv/bin/python benchmarks/ingest_synthea_csv.py [--copies 20] [--repeats 5] [--data DIR]

Reads the 27-patient shared sample, and a scaled export made of ``--copies`` copies of it with
renamed patient and encounter ids (in a temporary directory, deleted afterwards). The peer,
timed in the same run on the same files, is ``pandas.read_csv`` of the same nine tables: parsing
only, no mapping, no grouping by patient, no validation.
"""

from __future__ import annotations

import argparse
import csv
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from osler.ingest.synthea_csv import read_synthea_csv

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "synthea-csv"
TABLES = ("patients", "encounters", "conditions", "allergies", "observations", "medications",
          "immunizations", "procedures", "imaging_studies")
_ID_COLUMNS = {"Id", "PATIENT", "ENCOUNTER"}


def scaled_copy(src: Path, out: Path, copies: int) -> None:
    """``copies`` disjoint copies of the export: ids get a ``-k`` suffix per copy."""
    for table in TABLES:
        with (src / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        cols = [i for i, c in enumerate(header) if c in _ID_COLUMNS]
        with (out / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for k in range(copies):
                for row in body:
                    row = list(row)
                    for i in cols:
                        row[i] = f"{row[i]}-{k}" if row[i] else row[i]
                    writer.writerow(row)


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _measure(export: Path, repeats: int) -> dict[str, float]:
    records = list(read_synthea_csv(export, on_error=lambda e: None))
    n_events = sum(len(r.events) for r in records)
    osler = _median_seconds(lambda: sum(1 for _ in read_synthea_csv(export)), repeats)
    peer = _median_seconds(lambda: [pd.read_csv(export / f"{t}.csv", dtype=str)
                                    for t in TABLES], repeats)
    return {"patients": len(records), "events": n_events, "osler_s": osler, "pandas_s": peer,
            "events_per_s": n_events / osler, "ratio_vs_pandas": osler / peer}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    print(f"# Synthea CSV ingest, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
          f"{platform.node()}, median of {args.repeats}")
    rows = {"sample": _measure(args.data, args.repeats)}
    with tempfile.TemporaryDirectory() as tmp:
        scaled_copy(args.data, Path(tmp), args.copies)
        rows[f"sample x{args.copies}"] = _measure(Path(tmp), args.repeats)
    print(pd.DataFrame(rows).T.round(3).to_string())


if __name__ == "__main__":
    main()
