"""A change check for de-identification rules: which spans each layer gains or loses.

    .venv/bin/python benchmarks/deid_layer_diff.py --baseline SRC [--data DIR]

On the notes whose errors may be read (the tuning half and the held-out half's "read" part,
:func:`~osler.privacy.deid.evaluate.heldout_part`; never the "score" part), the spans of every
rule layer (``rule_layers``), of the sure names and sure places, and of the final
``detect_phi`` output, for this checkout and for the ``osler`` package in ``SRC`` (another
checkout's ``src``: ``git archive <rev> src | tar -x -C DIR``, run in a child process that
returns offsets only). Prints, per layer, spans added and removed, each on gold (overlapping a
gold PHI span) or off it; never a note's words. "identical" when nothing moved.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "deid-physionet"


def readable_notes(folder: Path):
    from osler.privacy.deid.evaluate import heldout_part, read_physionet_deid

    return read_physionet_deid(folder, "tune") + [
        n for n in read_physionet_deid(folder, "heldout") if heldout_part(n.patient) == "read"]


def layers(folder: Path) -> dict[str, dict[str, list[list[int]]]]:
    """{patient:note: {layer: [[start, end], ...]}}, offsets only, gold included."""
    from osler.privacy.deid import detect_phi
    from osler.privacy.deid.detect import rule_layers
    from osler.privacy.deid.names import find_sure_names
    from osler.privacy.deid.places import find_sure_places

    def offsets(spans) -> list[list[int]]:
        return sorted([s.start, s.end] for s in spans)

    out = {}
    for n in readable_notes(folder):
        found = {k: offsets(v) for k, v in rule_layers(n.text).items()}
        found["sure_names"] = offsets(find_sure_names(n.text))
        found["sure_places"] = offsets(find_sure_places(n.text))
        found["final"] = offsets(detect_phi(n.text))
        found["gold"] = offsets(n.phi)
        out[f"{n.patient}:{n.note}"] = found
    return out


def moved(before, after) -> Counter:
    """(layer, added|removed, on|off gold) -> number of spans."""
    count: Counter = Counter()
    for note, old in before.items():
        new, gold = after[note], old["gold"]
        for layer in (set(old) | set(new)) - {"gold"}:
            a = {tuple(s) for s in old.get(layer, [])}
            b = {tuple(s) for s in new.get(layer, [])}
            for what, spans in (("added", b - a), ("removed", a - b)):
                for s, e in spans:
                    on = any(s < ge and gs < e for gs, ge in gold)
                    count[(layer, what, "on gold" if on else "off gold")] += 1
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", type=Path, required=True,
                    help="src folder of the checkout to compare with")
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--emit", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.emit:
        print(json.dumps(layers(args.data)))
        return
    env = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())}
    before = json.loads(subprocess.run(
        [sys.executable, __file__, "--emit", "--baseline", str(args.baseline),
         "--data", str(args.data)], env=env, check=True, capture_output=True, text=True).stdout)
    after = layers(args.data)
    print(f"{len(after)} readable notes (tuning half + held-out read part)")
    count = moved(before, after)
    for key in sorted(count):
        print(" ".join(key), count[key])
    if not count:
        print("identical")


if __name__ == "__main__":
    main()
