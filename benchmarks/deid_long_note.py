"""De-identification time against note length: one made-up discharge summary repeated.

    .venv/bin/python benchmarks/deid_long_note.py [--copies 25 50 100]
    .venv/bin/python benchmarks/deid_long_note.py --runs 5000 10000 20000
    .venv/bin/python benchmarks/deid_long_note.py --distinct-names --copies 50 100 200 400


Times ``osler.privacy.deid.deidentify_text`` (rules + bundled tagger, tag profile) on one note
made of N copies of a made-up summary (no real data), and Presidio's pattern analyzer on the
same note in the same run as the peer. Time that grows with the square of the length shows as
seconds per 10 KB rising with N; linear work keeps it flat. ``--distinct-names`` gives each copy
its own made-up surnames (syllables drawn with a fixed seed), as a long real note names more
people the longer it is: work done per name found over the whole note shows only then. CPU
seconds (``time.process_time``) are printed beside the wall-clock ones: on a shared machine
the wall clock mostly measures the other jobs. ``--runs`` times degenerate text
instead (one shape repeated: spaces, '-1', dots, capitals, base64), where a regex that lets
two runs trade characters grows with the square of the run.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Made up: no person, place or number here belongs to anyone.
SUMMARY = """DISCHARGE SUMMARY
Patient: Quackenbush, Zebulon   MRN: 4455667   DOB: 03/14/1951
Attending: Dr. Hallgrimsdottir   Admitted 3/2/2021, discharged 3/9/2021.
Mr. Quackenbush is a 70 year old man admitted with community acquired pneumonia. His wife
Ottoline (617-555-0142) was at the bedside. He lives at 55 Fruit Street, Lochmoor MA 02114.
Hospital course: ceftriaxone and azithromycin, afebrile by day 3. No chest pain, no edema.
Follow up with Dr. Pemberton at Lochmoor Clinic on 3/23/2021. Email: zq@example.org.
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[25, 50, 100])
    ap.add_argument("--distinct-names", action="store_true",
                    help="give each copy its own made-up surnames")
    ap.add_argument("--runs", type=int, nargs="+", default=None,
                    help="time degenerate runs of these lengths instead")
    args = ap.parse_args()
    from deid_physionet import presidio_pattern_analyzer

    from osler.privacy import DeidKey
    from osler.privacy.deid import deidentify_text

    key = DeidKey(b"benchmark key, not a secret ....")
    presidio = presidio_pattern_analyzer()
    deidentify_text(SUMMARY, key, profile="tag")   # load the tagger and the lexicons
    presidio(SUMMARY)
    if args.runs:
        return _degenerate(args.runs, key, presidio)
    print(f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{len(SUMMARY)} chars per copy{', distinct names' if args.distinct_names else ''}")
    print("copies | chars | osler s | osler s per 10 KB | presidio s | osler / presidio | "
          "osler cpu s | osler cpu s per 10 KB | presidio cpu s")
    for n in args.copies:
        note = _distinct(n) if args.distinct_names else SUMMARY * n
        (osler, osler_cpu), (peer, peer_cpu) = _both(note, key, presidio, cpu=True)
        print(f"{n} | {len(note)} | {osler:.2f} | {osler / len(note) * 10_000:.2f} | "
              f"{peer:.2f} | x{osler / peer:.1f} | {osler_cpu:.2f} | "
              f"{osler_cpu / len(note) * 10_000:.2f} | {peer_cpu:.2f}", flush=True)


def _distinct(copies: int) -> str:
    """``copies`` of the summary, each with its own made-up surnames (fixed seed)."""
    import random

    rnd = random.Random(20261202)

    def surname() -> str:
        return "".join(rnd.choice("bdfgklmnprstvz") + rnd.choice("aeiou")
                       for _ in range(3)).capitalize() + rnd.choice(["worth", "by", "mere"])
    return "".join(SUMMARY.replace("Quackenbush", surname()).replace("Pemberton", surname())
                   .replace("Hallgrimsdottir", surname()) for _ in range(copies))


_SHAPES = {"spaces": " ", "-1": "-1", "dots": ".", "capitals": "AB ", "word, ": "Smith, ",
           "base64": "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkrLw=="}


def _both(text: str, key, presidio, cpu: bool = False):
    """Seconds Osler (rules + bundled tagger, tag profile) and the peer take on ``text``;
    with ``cpu``, each as (wall-clock, CPU) seconds."""
    from osler.privacy.deid import deidentify_text

    t0, c0 = time.perf_counter(), time.process_time()
    deidentify_text(text, key, profile="tag")
    osler = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    presidio(text)
    peer = time.perf_counter() - t0, time.process_time() - c0
    return (osler, peer) if cpu else (osler[0], peer[0])


def _degenerate(lengths: list[int], key, presidio) -> None:
    print(f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, degenerate runs")
    print("shape | chars | osler s | presidio s")
    for name, unit in _SHAPES.items():
        for n in lengths:
            text = "Jo" + (unit * (n // len(unit) + 1))[:n]   # a word first: names look back
            osler, peer = _both(text, key, presidio)
            print(f"{name} | {n} | {osler:.2f} | {peer:.2f}", flush=True)


if __name__ == "__main__":
    main()
