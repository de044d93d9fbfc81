"""How often the context-vouched names (``names.find_sure_names``) land on gold PHI.

    .venv/bin/python benchmarks/deid_sure_names.py [--split tune|heldout|all] [--data DIR]

A development check, not a score: it runs over the notes of the PhysioNet deid corpus (all of
them by default: earlier rules were written from errors of both halves; ``--split tune`` for
the tuning half alone), counting the spans the detector yields and how many overlap a gold
PHI span. Prints counts only, never a note's words.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from osler.privacy.deid.evaluate import read_physionet_deid
from osler.privacy.deid.fold import fold
from osler.privacy.deid.names import find_sure_names

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "deid-physionet"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--split", default="all", choices=["all", "tune", "heldout"])
    args = ap.parse_args()
    notes = read_physionet_deid(args.data, None if args.split == "all" else args.split)
    spans = on_gold = 0
    for note in notes:
        gold = [(g.start, g.end) for g in note.phi]
        for s in find_sure_names(fold(note.text)):
            spans += 1
            on_gold += any(a < s.end and s.start < b for a, b in gold)
    print(f"{len(notes)} notes; {spans} context-vouched name spans, {on_gold} overlapping a "
          f"gold PHI span ({on_gold / max(spans, 1):.3f})")


if __name__ == "__main__":
    main()
