"""De-id tagger candidates compared by 5-fold CV by patient over the TUNING half only.

Run: ``.venv/bin/python benchmarks/deid_candidates.py CANDIDATE [--data DIR]``
with CANDIDATE one of ``first-round`` (the choice of the first tagger round: threshold and
union scored on every training note, precision floor 0.87, no name threshold, names weigh as
other spans) or ``realistic-choice`` (the choice scored on notes the rules were not written
from, floor 0.86, name thresholds tried, a gold name weighs twice). Both are reported with
each note de-identified alone, with each patient's notes together, and with words found in
three notes of a fold also spread to its other patients.

Each fold trains on the other tuning folds plus the whole held-out half (training data only:
no held-out note is ever scored here) and predicts its own tuning patients. The tuning
patients are split by a hash into a "read" group, whose errors were read while developing,
and a "judge" group, whose errors were not: the judge group is the figure that chooses.
Rules were fitted to errors of the whole tuning half in earlier rounds, so both groups are
easier than new notes: compare candidates with each other here, never with the held-out
figures. Prints counts only, never a note's words.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from osler.privacy import DeidKey
from osler.privacy.deid.detect import rule_layers
from osler.privacy.deid.evaluate import NAME_TYPES, read_physionet_deid, residual_phi, score_spans
from osler.privacy.deid.learn import (cross_validate_tagger, patient_fold, predict_by_patient,
                                      rules_not_written_from)
from osler.privacy.deid.patient import consistent_phi
from osler.privacy.deid.text import replace_phi

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "deid-physionet"
CANDIDATES = {
    "first-round": {"min_precision": 0.87, "name_thresholds": (None,), "name_weight": 1.0},
    "realistic-choice": {"min_precision": 0.86, "choose_on": rules_not_written_from,
                         "name_weight": 2.0},
}


def reading_group(patient: str) -> str:
    """"read" or "judge" for a tuning patient (a hash of the id, as the folds)."""
    return "read" if patient_fold(patient, 2, "deid-read") == 0 else "judge"


def _report(label: str, notes, predicted, key) -> None:
    for group in ("judge", "read"):
        chosen = [n for n in notes if reading_group(n.patient) == group]
        by_text = {n.text: predicted[(n.patient, n.note)] for n in chosen}
        scores = score_spans(chosen, by_text.__getitem__)
        left: Counter[str] = Counter()
        for n in chosen:
            out = replace_phi(n.text, predicted[(n.patient, n.note)], key, patient=n.patient)
            left.update(residual_phi(n, out.text))
        types = " ".join(f"{t} {scores.recall(t):.3f}" for t in sorted(scores.gold_total))
        print(f"{label:38s} {group:5s} ({sum(scores.gold_total.values())} gold): recall "
              f"{scores.recall():.3f} precision {scores.precision():.3f} "
              f"({sum(scores.pred_total.values())} predicted); {types}; gold names left "
              f"{sum(v for t, v in left.items() if t in NAME_TYPES)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("candidate", choices=sorted(CANDIDATES))
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args()
    key = DeidKey(b"benchmark key, not a secret ....")
    tune = read_physionet_deid(args.data, "tune")
    heldout = read_physionet_deid(args.data, "heldout")
    layers = {(n.patient, n.note): rule_layers(n.text) for n in (*tune, *heldout)}
    t0 = time.perf_counter()
    cv = cross_validate_tagger(heldout, tune, folds=5, layers=layers, by_patient=False,
                               **CANDIDATES[args.candidate])
    print(f"# candidate {args.candidate}: CV over the tuning half ({len(tune)} notes) in "
          f"{time.perf_counter() - t0:.0f} s")
    for choice in cv.choices:
        print(f"fold {choice}")
    alone, together, across = cv.predicted, {}, {}
    for choice, model in zip(cv.choices, cv.models):
        fold = [n for n in tune if patient_fold(n.patient, 5) == choice["fold"]]
        fold_layers = [layers[(n.patient, n.note)] for n in fold]
        together.update(predict_by_patient(fold, fold_layers, model))
        spans = consistent_phi([n.text for n in fold], fold_layers, model,
                               patients=[n.patient for n in fold], across_patients=3)
        across.update({(n.patient, n.note): s for n, s in zip(fold, spans)})
    rules = {(n.patient, n.note): layers[(n.patient, n.note)]["rules"] for n in tune}
    _report("rules, each note alone", tune, rules, key)
    _report("tagger, each note alone", tune, alone, key)
    _report("tagger, by patient", tune, together, key)
    _report("tagger, by patient + words in 3 notes", tune, across, key)


if __name__ == "__main__":
    main()
