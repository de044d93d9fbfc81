"""Ingest of the PhysioNet 2019 sepsis stays: stays/s and peak memory, against pandas.

    .venv/bin/python benchmarks/ingest_sepsis.py [--data ../shared/data/sepsis-2019/training_setB_dev.zip]

Stages run in separate processes (peak RSS per stage):
  pandas       pandas.read_csv(sep='|') of every stay in the zip: parsing only, the peer
  osler-read   read_physionet2019: typed events with LOINC codes, labels, validation
  osler-duckdb osler ingest into a fresh DuckDB file (read + store write)
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "sepsis-2019" / "training_setB_dev.zip"


def _child(stage: str, data: Path, db: str | None) -> dict:
    t = time.perf_counter()
    if stage == "pandas":
        import pandas as pd
        with zipfile.ZipFile(data) as zf:
            names = [n for n in zf.namelist() if n.endswith(".psv")]
            rows = sum(len(pd.read_csv(zf.open(n), sep="|")) for n in names)
        out = {"stays": len(names), "rows": rows}
    elif stage == "osler-read":
        from osler.ingest import read_physionet2019
        n = events = 0
        for rec in read_physionet2019(data):
            n += 1
            events += len(rec.events)
        out = {"stays": n, "events": events}
    else:
        from osler.pipelines.ingest_job import ingest_paths
        from osler.store import open_store
        with open_store(db) as store:
            report = ingest_paths([data], store)
        out = {"stays": report.stored.patients, "events": sum(report.stored.events.values())}
    out["seconds"] = time.perf_counter() - t
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--child")
    ap.add_argument("--db")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.data, args.db)))
        return
    db = str(Path(tempfile.mkdtemp()) / "sepsis.duckdb")
    results = {}
    for stage in ("pandas", "osler-read", "osler-duckdb"):
        cmd = [sys.executable, __file__, "--child", stage, "--data", str(args.data), "--db", db]
        results[stage] = json.loads(subprocess.run(cmd, capture_output=True, text=True,
                                                   check=True).stdout.strip().splitlines()[-1])
    base = results["pandas"]["stays"] / results["pandas"]["seconds"]
    print("| stage | stays | events | seconds | stays/s | peak RSS MB | rate / pandas |")
    print("|---|---|---|---|---|---|---|")
    for stage, r in results.items():
        rate = r["stays"] / r["seconds"]
        print(f"| {stage} | {r['stays']:,} | {r.get('events', r.get('rows', 0)):,} | "
              f"{r['seconds']:.1f} | {rate:.0f} | {r['peak_mb']:.0f} | {rate / base:.2f} |")


if __name__ == "__main__":
    main()
