"""FHIR ingest throughput against the physical floor (orjson) and fhir.resources, same run.

    .venv/bin/python benchmarks/ingest_fhir.py [--data ../shared/data/synthea-fhir-r4]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--repeats 1]

Stages (each in its own process, so peak memory is per stage):
  orjson        gunzip + orjson.loads of every bundle: the floor any Python reader pays
  fhir.resources  gunzip + orjson + R4B Bundle.model_validate (full validation, no mapping)
  osler-duckdb  osler ingest (fast validation, mapping, store write) into a fresh DuckDB file
  osler-strict  the same with --validation strict (fhir.resources on every resource)
  osler-postgres  the same into a fresh PostgreSQL database
Prints a Markdown table: seconds, resources/s, patients/s, peak RSS, and the ratio of each
rate to orjson's.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "synthea-fhir-r4"


def _files(data: Path) -> list[Path]:
    return sorted(data.glob("*.json*"))


def stage_orjson(data: Path) -> dict:
    import orjson
    n = 0
    for f in _files(data):
        n += len(orjson.loads(gzip.decompress(f.read_bytes()))["entry"])
    return {"resources": n}


def stage_fhir_resources(data: Path) -> dict:
    import orjson
    from fhir.resources.R4B.bundle import Bundle
    n = 0
    for f in _files(data):
        n += len(Bundle.model_validate(orjson.loads(gzip.decompress(f.read_bytes()))).entry)
    return {"resources": n}


def stage_osler(data: Path, db: str, validation: str) -> dict:
    from osler.pipelines.ingest_job import ingest_paths
    from osler.store import open_store
    with open_store(db) as store:
        report = ingest_paths([data], store, options={"fhir-bundle": {"validation": validation}})
    return {"patients": report.stored.patients, "quarantined": len(report.quarantined)}


def _child(stage: str, data: Path, db: str | None) -> dict:
    t = time.perf_counter()
    if stage == "orjson":
        out = stage_orjson(data)
    elif stage == "fhir.resources":
        out = stage_fhir_resources(data)
    else:
        out = stage_osler(data, db, "strict" if stage == "osler-strict" else "fast")
    out["seconds"] = time.perf_counter() - t
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run(stage: str, data: Path, db: str | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", stage, "--data", str(data)]
    if db:
        cmd += ["--db", db]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _postgres_db(url: str) -> str:
    import psycopg
    name = f"osler_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{url.rsplit('/', 1)[0]}/{name}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--skip", nargs="*", default=[])
    ap.add_argument("--child")
    ap.add_argument("--db")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.data, args.db)))
        return
    floor = _run("orjson", args.data)
    resources = floor["resources"]
    rows = [("orjson (floor)", floor)]
    tmp = Path(tempfile.mkdtemp())
    for stage in ("fhir.resources", "osler-duckdb", "osler-strict", "osler-postgres"):
        if stage in args.skip:
            continue
        db = (_postgres_db(args.postgres) if stage == "osler-postgres"
              else str(tmp / f"{stage}.duckdb") if stage.startswith("osler") else None)
        rows.append((stage, _run(stage, args.data, db)))
    print(f"{len(_files(args.data))} files, {resources:,} resources "
          f"({rows[-1][1].get('patients', '')} patients in the last Osler stage)\n")
    print("| stage | seconds | resources/s | patients/s | peak RSS MB | rate / orjson |")
    print("|---|---|---|---|---|---|")
    for name, r in rows:
        rate = resources / r["seconds"]
        pps = f"{r['patients'] / r['seconds']:.0f}" if "patients" in r else "–"
        print(f"| {name} | {r['seconds']:.1f} | {rate:,.0f} | {pps} | {r['peak_mb']:.0f} | "
              f"{rate / (resources / floor['seconds']):.2f} |")


if __name__ == "__main__":
    main()
