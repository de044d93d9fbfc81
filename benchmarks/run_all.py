"""Run the benchmarks whose figures are in docs/benchmarks.md (``make bench``).

    .venv/bin/python benchmarks/run_all.py            # the quick ones (minutes)
    .venv/bin/python benchmarks/run_all.py --all      # also the long ones (hours)
    .venv/bin/python benchmarks/run_all.py --list     # what would run, and nothing else

Each runs in its own process, one after another (they time themselves; running them side by
side would slow each), with the arguments docs/benchmarks.md quotes. Output goes to the
terminal; copy a figure into the docs only with its machine, date and load.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (script, arguments). Quick: minutes each on the 2-core machine.
QUICK = [
    ("ingest_fhir.py", []), ("ingest_sepsis.py", []), ("ingest_synthea_csv.py", []),
    ("imaging_ingest.py", []), ("genomics_pgx.py", []), ("pharmcat_assertions.py", []),
    ("nlp_context.py", ["--split", "heldout"]), ("synth_cohort.py", []), ("serve_cds.py", []),
    ("deid_sure_names.py", []),
]
#: Long: tens of minutes to hours each (cross-validation, training on every dev set).
LONG = [
    ("models_sepsis.py", ["--cv"]), ("models_cards.py", []),
    ("genomics_warfarin.py", ["--skip-cv"]), ("deid_physionet.py", ["--cv"]),
    ("imaging_pneumonia.py", []),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--all", action="store_true", help="also run the long benchmarks")
    ap.add_argument("--list", action="store_true", help="print the commands only")
    args = ap.parse_args()
    plan = QUICK + (LONG if args.all else [])
    failed = []
    for script, extra in plan:
        cmd = [sys.executable, str(HERE / script), *extra]
        print(f"\n=== {script} {' '.join(extra)}", flush=True)
        if args.list:
            continue
        t = time.perf_counter()
        if subprocess.run(cmd).returncode != 0:
            failed.append(script)
        print(f"=== {script}: {time.perf_counter() - t:.0f} s", flush=True)
    if not args.all:
        print("\nnot run (use --all): " + ", ".join(f"{s} {' '.join(a)}".strip() for s, a in LONG))
    if failed:
        print(f"FAILED: {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
