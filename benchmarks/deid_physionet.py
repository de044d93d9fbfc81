"""Benchmark: text de-identification on the PhysioNet deid gold standard, Osler vs Presidio.

Run: .venv/bin/python benchmarks/deid_physionet.py [--split heldout|tune|all] [--data DIR]
     .venv/bin/python benchmarks/deid_physionet.py --cv [--folds 5]
     .venv/bin/python benchmarks/deid_physionet.py --cv --part read|score [--baseline SRC]

``--split``: the rules alone, and the learned tagger trained at run time on the tuning half
(python-crfsuite), on one split. ``--cv``: the honest protocol for the learned part: 5-fold
cross-validation by patient over the held-out half's patients; each fold's tagger trains on the
tuning half plus the other four folds, chooses its thresholds inside those notes (scored on
the notes the rules were not written from: the other four folds), and predicts only its own
fold, each patient's notes together; recall and precision are pooled over the folds. The same
run also reports each note de-identified alone, the rules alone (per note and by patient), and
words found in three notes of a fold spread to its other patients.

``--part read|score`` (round 4 on): the held-out half's patients are split by a hash
(:func:`~osler.privacy.deid.evaluate.heldout_part`) into a "read" part (20 patients), whose
errors may be read to write rules, and a "score" part (30 patients), scored once with
everything fixed. The CV then runs over that part only, each fold training on every other
note of the corpus. ``--baseline SRC`` runs the same CV a second time with the ``osler``
package of another checkout's ``src`` folder (``git archive <rev> src | tar -x -C DIR``) in a
child process, which returns span offsets only, so before and after are scored on the same
notes in one run. ``--emit-spans`` prints the CV's spans as JSON offsets (no text) and stops.

In one run, on the same notes: span-level recall per gold PHI type and precision per predicted
type (a gold span is found when any predicted span overlaps it), overall; Presidio's
AnalyzerEngine with its pattern recognizers only over a blank spaCy model (no downloaded NER;
tldextract uses its bundled public-suffix snapshot, so nothing is fetched); a residual-PHI audit
of Osler's surrogate output (gold strings still present as whole words, counted by type, never
printed); and notes per second for both.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import types
from collections import Counter
from functools import partial
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from osler.privacy import DeidKey
from osler.privacy.deid import detect_phi
from osler.privacy.deid.detect import rule_layers, tagged_phi
from osler.privacy.deid.evaluate import (NAME_TYPES, read_physionet_deid, residual_phi,
                                         score_spans, split_of)
from osler.privacy.deid.learn import (cross_validate_tagger, patient_fold, predict_by_patient,
                                      rules_not_written_from, train_tagger)
from osler.privacy.deid.patient import consistent_phi
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.text import replace_phi

try:
    from osler.privacy.deid.evaluate import heldout_part
except ImportError:  # a --baseline checkout older than round 4: the same hash
    import hashlib

    def heldout_part(patient: str) -> str:
        h = int.from_bytes(hashlib.blake2b(f"deid-read-score:{patient}".encode(),
                                           digest_size=8).digest(), "big")
        return "read" if h % 5 < 2 else "score"

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "deid-physionet"
_PRESIDIO_TYPES = {"DATE_TIME": "DATE", "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL",
                   "URL": "URL", "IP_ADDRESS": "IP", "PERSON": "NAME", "LOCATION": "LOCATION"}


def presidio_pattern_analyzer():
    """Presidio's predefined recognizers over a blank English spaCy model, fully offline."""
    import spacy
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    email_recognizer.tldextract = types.SimpleNamespace(extract=offline)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank"}])
    engine.nlp = {"en": spacy.blank("en")}
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=engine)
    registry.remove_recognizer("SpacyRecognizer")  # NER needs a trained model we cannot have
    analyzer = AnalyzerEngine(nlp_engine=engine, registry=registry)

    def predict(text: str) -> list[PhiSpan]:
        return [PhiSpan(r.start, r.end, _PRESIDIO_TYPES.get(r.entity_type, r.entity_type))
                for r in analyzer.analyze(text, language="en")]
    return predict


def _timed(predict, notes):
    t0 = time.perf_counter()
    for n in notes:
        predict(n.text)
    return len(notes) / (time.perf_counter() - t0)


def _table(notes, systems):
    tables = []
    for name, predict in systems.items():
        tables.append(pd.DataFrame(score_spans(notes, predict).rows()).assign(system=name))
    table = pd.concat(tables).pivot_table(index=["side", "type"], columns="system",
                                          values=["n", "recall", "precision"])
    return table.round(3).to_string()


def _residual(notes, spans_of, key) -> str:
    """Residual audit of surrogate output: gold strings left as whole words, by type only."""
    residual: Counter[str] = Counter()
    for n in notes:
        out = replace_phi(n.text, spans_of(n), key, patient=n.patient).text
        residual.update(residual_phi(n, out))
    names_left = sum(v for t, v in residual.items() if t in NAME_TYPES)
    return f"{dict(sorted(residual.items()))}; gold names left: {names_left}"


def _speed(systems, notes) -> None:
    speed = {name: _timed(predict, notes) for name, predict in systems.items()}
    base = speed["presidio-patterns"]
    for name, rate in speed.items():
        print(f"speed {name}: {rate:.1f} notes/s (x{rate / base:.2f} vs presidio-patterns)")


def _header(label, notes) -> None:
    print(f"# PhysioNet deid, {label}: {len(notes)} notes, "
          f"{sum(len(n.phi) for n in notes)} gold spans, "
          f"{len({n.patient for n in notes})} patients; "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}")


def run_split(args, key) -> None:
    """Rules alone, and the tagger trained on the tuning half at run time, on one split."""
    notes = read_physionet_deid(args.data, None if args.split == "all" else args.split)
    _header(f"split={args.split}", notes)
    tune = read_physionet_deid(args.data, "tune")
    t0 = time.perf_counter()
    tagger = train_tagger(tune)
    print(f"tagger trained on the tuning half ({len(tune)} notes) in "
          f"{time.perf_counter() - t0:.0f} s: threshold {tagger.threshold}, union_rules "
          f"{tagger.union_rules}" + (" (scored on its own training notes)"
                                     if args.split != "heldout" else ""))
    rules = partial(detect_phi, tagger=None)
    learned = partial(detect_phi, tagger=tagger)
    systems = {"osler-rules": rules, "osler-tagger-tune": learned,
               "presidio-patterns": presidio_pattern_analyzer()}
    print(_table(notes, systems))
    for name, predict in (("osler-rules", rules), ("osler-tagger-tune", learned)):
        print(f"residual gold PHI after {name} surrogate de-id (by type): "
              f"{_residual(notes, lambda n, p=predict: p(n.text), key)}")
    _speed(systems, notes)


def run_cv(args, key) -> None:
    """5-fold CV by patient over the held-out half; each fold also trains on the tuning half."""
    tune = read_physionet_deid(args.data, "tune")
    scored = read_physionet_deid(args.data, "heldout")
    _header(f"{args.folds}-fold CV by patient over the held-out half (training: tuning half "
            f"+ the other folds)", scored)
    t0 = time.perf_counter()
    layers = {(n.patient, n.note): rule_layers(n.text) for n in (*tune, *scored)}
    cv = cross_validate_tagger(tune, scored, folds=args.folds, layers=layers,
                               choose_on=rules_not_written_from)
    print(f"CV done in {time.perf_counter() - t0:.0f} s (single-threaded crfsuite)")
    for choice in cv.choices:
        print(f"fold {choice}")
    note_layers = [layers[(n.patient, n.note)] for n in scored]
    predicted = {
        "osler-rules": {(n.patient, n.note): lay["rules"] for n, lay in zip(scored, note_layers)},
        "osler-rules-by-patient": predict_by_patient(scored, note_layers, None),
        "osler-tagger-cv-by-note": _by_note(cv, scored, layers, args.folds),
        "osler-tagger-cv": cv.predicted,
        "osler-tagger-cv-across3": _across(cv, scored, layers, args.folds)}
    systems = {name: {n.text: p[(n.patient, n.note)] for n in scored}.__getitem__
               for name, p in predicted.items()}
    systems["presidio-patterns"] = presidio_pattern_analyzer()
    print(_table(scored, systems))
    for name, p in predicted.items():
        print(f"residual gold PHI after {name} surrogate de-id (by type): "
              f"{_residual(scored, lambda n, p=p: p[(n.patient, n.note)], key)}")
    last = cv.models[-1]
    _speed({"osler-rules": partial(detect_phi, tagger=None),
            "osler-tagger (last fold's model)": partial(detect_phi, tagger=last),
            "presidio-patterns": systems["presidio-patterns"]}, scored)
    t0 = time.perf_counter()
    predict_by_patient(scored, [rule_layers(n.text) for n in scored], last)
    print(f"speed osler-tagger by patient (last fold's model, rule layers included): "
          f"{len(scored) / (time.perf_counter() - t0):.1f} notes/s")


def _part_cv(args):
    """CV over one part of the held-out half; each fold trains on every other note."""
    notes = read_physionet_deid(args.data)
    scored = [n for n in notes if split_of(n.patient) == "heldout"
              and heldout_part(n.patient) == args.part]
    ids = {(n.patient, n.note) for n in scored}
    others = [n for n in notes if (n.patient, n.note) not in ids]
    t0 = time.perf_counter()
    layers = {(n.patient, n.note): rule_layers(n.text) for n in notes}
    cv = cross_validate_tagger(others, scored, folds=args.folds, layers=layers,
                               choose_on=rules_not_written_from)
    return scored, layers, cv, time.perf_counter() - t0


def _by_patient_speed(scored, model) -> float:
    t0 = time.perf_counter()
    predict_by_patient(scored, [rule_layers(n.text) for n in scored], model)
    return len(scored) / (time.perf_counter() - t0)


def emit_spans(args) -> None:
    """Print the part CV's spans (offsets and types only) as JSON: the --baseline child."""
    scored, layers, cv, seconds = _part_cv(args)
    def spans(predicted):
        return {f"{p}|{n}": [[s.start, s.end, s.type] for s in v]
                for (p, n), v in predicted.items()}
    print(json.dumps({"by_patient": spans(cv.predicted),
                      "by_note": spans(_by_note(cv, scored, layers, args.folds)),
                      "choices": list(cv.choices), "seconds": seconds,
                      "speed_by_patient": _by_patient_speed(scored, cv.models[-1])},
                     default=str))


def _baseline(args) -> dict:
    """The same part CV run by the ``osler`` of ``args.baseline`` in a child process."""
    command = [sys.executable, __file__, "--cv", "--part", args.part, "--folds",
               str(args.folds), "--data", str(args.data), "--emit-spans"]
    env = {**os.environ, "PYTHONPATH": str(Path(args.baseline).resolve())}
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    for system in ("by_patient", "by_note"):
        result[system] = {tuple(k.split("|")): [PhiSpan(a, b, t) for a, b, t in v]
                          for k, v in result[system].items()}
    return result


def run_part(args, key) -> None:
    """CV over the read or score part, this code and (``--baseline``) another checkout's."""
    base = _baseline(args) if args.baseline else None
    scored, layers, cv, seconds = _part_cv(args)
    _header(f"{args.folds}-fold CV by patient over the held-out half's {args.part} part "
            "(training: every other note)", scored)
    if base is not None:
        print(f"baseline ({args.baseline}) CV done in {base['seconds']:.0f} s")
        for choice in base["choices"]:
            print(f"baseline fold {choice}")
    print(f"CV done in {seconds:.0f} s (single-threaded crfsuite)")
    for choice in cv.choices:
        print(f"fold {choice}")
    predicted = {"osler-rules": {(n.patient, n.note): layers[(n.patient, n.note)]["rules"]
                                 for n in scored}}
    if base is not None:
        predicted["baseline-tagger-by-note"] = base["by_note"]
        predicted["baseline-tagger-by-patient"] = base["by_patient"]
    predicted["osler-tagger-by-note"] = _by_note(cv, scored, layers, args.folds)
    predicted["osler-tagger-by-patient"] = cv.predicted
    systems = {name: {n.text: p[(n.patient, n.note)] for n in scored}.__getitem__
               for name, p in predicted.items()}
    presidio = presidio_pattern_analyzer()
    systems["presidio-patterns"] = presidio
    print(_table(scored, systems))
    for name, p in predicted.items():
        print(f"residual gold PHI after {name} surrogate de-id (by type): "
              f"{_residual(scored, lambda n, p=p: p[(n.patient, n.note)], key)}")
    base_rate = _timed(presidio, scored)
    rates = {"presidio-patterns": base_rate,
             "osler-rules": _timed(partial(detect_phi, tagger=None), scored),
             "osler-tagger-by-patient (last fold's model, rule layers included)":
                 _by_patient_speed(scored, cv.models[-1])}
    if base is not None:
        rates["baseline-tagger-by-patient (child process, same notes)"] = base["speed_by_patient"]
    for name, rate in rates.items():
        print(f"speed {name}: {rate:.1f} notes/s (x{rate / base_rate:.2f} vs presidio-patterns)")


def _across(cv, scored, layers, folds: int, notes_needed: int = 3) -> dict:
    """By patient, and words found in ``notes_needed`` notes of a fold spread to all of it."""
    out = {}
    for choice, model in zip(cv.choices, cv.models):
        fold = [n for n in scored if patient_fold(n.patient, folds) == choice["fold"]]
        spans = consistent_phi([n.text for n in fold], [layers[(n.patient, n.note)] for n in fold],
                               model, patients=[n.patient for n in fold],
                               across_patients=notes_needed)
        out.update({(n.patient, n.note): s for n, s in zip(fold, spans)})
    return out


def _by_note(cv, scored, layers, folds: int) -> dict:
    """The CV models' predictions with each note de-identified alone (no patient sharing)."""
    out = {}
    for choice, model in zip(cv.choices, cv.models):
        for n in scored:
            if patient_fold(n.patient, folds) == choice["fold"]:
                out[(n.patient, n.note)] = tagged_phi(n.text, layers[(n.patient, n.note)], model)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="heldout", choices=["heldout", "tune", "all"])
    ap.add_argument("--cv", action="store_true",
                    help="cross-validate the learned tagger by patient over the held-out half")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--part", choices=["read", "score"],
                    help="with --cv: cross-validate over this part of the held-out half only")
    ap.add_argument("--baseline", type=Path,
                    help="with --part: also run the CV with the osler package in this src folder")
    ap.add_argument("--emit-spans", action="store_true",
                    help="with --part: print the CV's span offsets as JSON and stop")
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args()
    key = DeidKey(b"benchmark key, not a secret ....")
    if args.cv and args.part and args.emit_spans:
        emit_spans(args)
    elif args.cv and args.part:
        run_part(args, key)
    elif args.cv:
        run_cv(args, key)
    else:
        run_split(args, key)


if __name__ == "__main__":
    main()
