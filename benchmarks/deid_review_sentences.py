"""A regression check for de-identification rules on reviewers' made-up sentences.

    .venv/bin/python benchmarks/deid_review_sentences.py [--baseline SRC] [--list]

Two reviews (2026-12-01) typed sentences shaped like the rules they were reviewing, every one
made up (``benchmarks/data/deid_review/``; no line comes from a real note):

- ``*_free.txt``: sentences with no PHI at all ("Moving to Heliox", "Wife is Bedbound",
  "Osler Node seen"), one a line; any span found in one is a false positive;
- ``*_phi.tsv``: a sentence, a tab, then its made-up PHI strings joined by ``|``.

For each set, with the bundled tagger (``detect_phi``) and with the rules alone
(``rule_layers(text)["rules"]``): PHI-free sentences with any span, and PHI strings whose
every non-space character some span covers. ``--baseline SRC`` runs the same in a child
process with the ``osler`` package of another checkout's ``src`` folder
(``git archive <rev> src | tar -x -C DIR``), so before and after are counted in one run, and
adds the PHI-free sentences that gain a span and the PHI strings that lose cover. ``--list``
prints those sentences (made-up text only). Not a score: these sentences were written to probe
the rules, so the counts show which kinds of error exist, not how often they occur in notes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "deid_review"


def read_sets() -> dict[str, tuple[list[str], list[tuple[str, list[str]]]]]:
    """{set name: (PHI-free sentences, [(sentence, PHI strings)])}."""
    sets = {}
    for free in sorted(DATA.glob("*_free.txt")):
        name = free.name.removesuffix("_free.txt")
        clean = [s for s in free.read_text(encoding="utf-8").splitlines() if s.strip()]
        phi = []
        for line in (DATA / f"{name}_phi.tsv").read_text(encoding="utf-8").splitlines():
            sentence, _, gold = line.partition("\t")
            if sentence.strip():
                phi.append((sentence, [g for g in gold.split("|") if g]))
        sets[name] = (clean, phi)
    return sets


def spans_of_every_sentence() -> dict[str, dict[str, list[list[list[int]]]]]:
    """{set: {"free"|"phi": [[tagger spans], [rule spans]] per sentence}}, offsets only."""
    from osler.privacy.deid import detect_phi
    from osler.privacy.deid.detect import rule_layers

    def both(text: str) -> list[list[list[int]]]:
        return [[[s.start, s.end] for s in detect_phi(text)],
                [[s.start, s.end] for s in rule_layers(text)["rules"]]]

    return {name: {"free": [both(s) for s in clean], "phi": [both(s) for s, _ in phi]}
            for name, (clean, phi) in read_sets().items()}


def covered(sentence: str, gold: str, spans: list[list[int]]) -> bool:
    """Whether every non-space character of ``gold`` (its first occurrence) is in a span."""
    at = sentence.find(gold)
    if at < 0:
        raise ValueError(f"a PHI string is not in its sentence ({len(gold)} characters)")
    inside = {i for a, b in spans for i in range(a, b)}
    return all(i in inside for i in range(at, at + len(gold)) if not sentence[i].isspace())


def counts(sets, spans) -> dict[str, dict[str, int]]:
    out = {}
    for name, (clean, phi) in sets.items():
        row = {"free sentences": len(clean), "PHI strings": sum(len(g) for _, g in phi)}
        for d, label in ((0, "tagger"), (1, "rules")):
            row[f"free with a span, {label}"] = sum(bool(s[d]) for s in spans[name]["free"])
            row[f"PHI covered, {label}"] = sum(
                covered(sentence, g, spans[name]["phi"][k][d])
                for k, (sentence, golds) in enumerate(phi) for g in golds)
        out[name] = row
    return out


def changes(sets, before, after) -> list[str]:
    """PHI-free sentences where a span reaches a character no span held before, and PHI strings
    that lose cover, per detector."""
    lines = []
    for name, (clean, phi) in sets.items():
        for d, label in ((0, "tagger"), (1, "rules")):
            for k, sentence in enumerate(clean):
                old = {i for a, b in before[name]["free"][k][d] for i in range(a, b)}
                new = [sentence[a:b] for a, b in after[name]["free"][k][d]
                       if not set(range(a, b)) <= old]   # a span cut shorter is no gain
                if new:
                    lines.append(f"{name} {label} gains {new} in: {sentence}")
            for k, (sentence, golds) in enumerate(phi):
                for g in golds:
                    if (covered(sentence, g, before[name]["phi"][k][d])
                            and not covered(sentence, g, after[name]["phi"][k][d])):
                        lines.append(f"{name} {label} loses {g!r} in: {sentence}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", type=Path, help="src folder of the checkout to compare with")
    ap.add_argument("--list", action="store_true", help="print the sentences that changed")
    ap.add_argument("--emit-spans", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.emit_spans:
        print(json.dumps(spans_of_every_sentence()))
        return
    sets = read_sets()
    after = spans_of_every_sentence()
    runs = {"this checkout": counts(sets, after)}
    before = None
    if args.baseline:
        env = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())}
        out = subprocess.run([sys.executable, __file__, "--emit-spans"], env=env, check=True,
                             capture_output=True, text=True).stdout
        before = json.loads(out)
        runs = {"baseline": counts(sets, before), **runs}
    for name in sets:
        print(f"{name}:")
        for key in runs[next(iter(runs))][name]:
            print(f"  {key:<28}" + "".join(f" {run}: {runs[run][name][key]:>4}" for run in runs))
    if before is not None:
        moved = changes(sets, before, after)
        gains = sum(" gains " in m for m in moved)
        print(f"PHI-free sentences gaining a span (tagger or rules): {gains}; "
              f"PHI strings losing cover: {len(moved) - gains}")
        if args.list:
            print("\n".join(moved))


if __name__ == "__main__":
    main()
