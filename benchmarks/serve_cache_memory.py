"""Memory a kept patient takes in the service's cache: record plus its ICU stays.

    .venv/bin/python benchmarks/serve_cache_memory.py --dir /tmp/sbench

Reads every patient of the SYNTHETIC demo store in DIR (built by benchmarks/serve_cds.py)
that has an ICU stay, keeps each record and its stays as the service does, and prints the
Python memory they hold (tracemalloc) per patient and per event. Assessments are left out:
a few evidence items each.
"""

from __future__ import annotations

import argparse
import tracemalloc
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, required=True, help="the demo folder serve_cds.py made")
    args = ap.parse_args()
    from osler.features import icu_stays
    from osler.store import open_store

    with open_store(args.dir / "osler.duckdb", read_only=True) as store:
        ids = store.patient_ids(encounter_class="ICU")
        tracemalloc.start()
        kept = []
        for pid in ids:
            record = store.patient(pid)
            kept.append((record, icu_stays(record)))
        held, _peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    events = sum(len(r.events) for r, _ in kept)
    print(f"{len(kept)} ICU patients, {events / len(kept):.0f} events each on average: "
          f"{held / len(kept) / 2**20:.2f} MB per kept patient, "
          f"{held / events / 1024:.2f} KB per event")


if __name__ == "__main__":
    main()
