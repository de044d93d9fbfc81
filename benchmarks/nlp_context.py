"""Benchmark: negation / temporality / experiencer on the NegEx evaluation set, three systems.

Run: .venv/bin/python benchmarks/nlp_context.py [--split heldout|tune|all] [--data DIR]
Prints precision/recall/F1 per attribute value and sentences per second for the original NegEx
triggers, medspaCy's default ConText rules and Osler, all in the same run on the same pairs.
"""

from __future__ import annotations

import argparse
import platform
from datetime import datetime, timezone
from pathlib import Path

from osler.nlp.evaluate import evaluate_context

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "negex"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="heldout", choices=["heldout", "tune", "all"])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args()
    ev = evaluate_context(args.data, args.split)
    print(f"# NegEx evaluation set, split={args.split}, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} "
          f"UTC, {platform.node()}")
    table = ev.scores.pivot_table(index=["attribute", "value", "support"], columns="system",
                                  values=["precision", "recall", "f1"]).round(3)
    print(table.to_string())
    speed = ev.speed.set_index("system")
    base = speed.loc["medspacy-default", "pairs_per_second"]
    speed["ratio_vs_medspacy"] = speed.pairs_per_second / base
    print(speed.round(2).to_string())


if __name__ == "__main__":
    main()
