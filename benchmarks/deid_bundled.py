"""A change check for de-identification rules: the rules and the bundled tagger on one split.

    .venv/bin/python benchmarks/deid_bundled.py [--split tune|heldout|all] [--by-type] [--data DIR]

Not a score: the bundled tagger (``resources/deid/phi_tagger.json.gz``) is trained on every
note of the PhysioNet deid corpus, so on any split these are training figures. Run it before
and after a rule change (``git stash`` or a worktree of the earlier commit) on the tuning half
to see whether the change moves anything there. Prints span recall and precision and predicted
spans by type, never a note's words. ``--by-type`` adds recall per gold PHI type and precision
per predicted type, so a rule change that trades one type for another shows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from osler.privacy.deid import detect_phi
from osler.privacy.deid.detect import rule_layers
from osler.privacy.deid.evaluate import read_physionet_deid, score_spans

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "deid-physionet"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="tune", choices=["tune", "heldout", "all"])
    ap.add_argument("--by-type", action="store_true",
                    help="also print recall per gold type and precision per predicted type")
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args()
    notes = read_physionet_deid(args.data, None if args.split == "all" else args.split)
    print(f"{len(notes)} notes, {sum(len(n.phi) for n in notes)} gold spans, split={args.split}")
    for name, detector in (("rules", lambda t: rule_layers(t)["rules"]),
                           ("bundled tagger", detect_phi)):
        s = score_spans(notes, detector)
        print(f"{name}: recall {s.recall():.3f} precision {s.precision():.3f} predicted "
              f"{dict(sorted(s.pred_total.items()))}")
        if args.by_type:
            print(by_type_table(s))


def by_type_table(scores) -> str:
    """Recall (of gold spans) and precision (of predicted spans) per PHI type, one row a type."""
    types = sorted(set(scores.gold_total) | set(scores.pred_total))
    lines = [f"  {'type':<18} {'gold':>6} {'recall':>7} {'predicted':>9} {'precision':>9}"]
    for t in types:
        recall = f"{scores.recall(t):.3f}" if scores.gold_total[t] else "-"
        precision = f"{scores.precision(t):.3f}" if scores.pred_total[t] else "-"
        lines.append(f"  {t:<18} {scores.gold_total[t]:>6} {recall:>7} "
                     f"{scores.pred_total[t]:>9} {precision:>9}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
