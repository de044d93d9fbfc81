"""Benchmark: text de-identification on the PhysioNet deid gold standard, Osler vs Presidio.

Run: .venv/bin/python benchmarks/deid_physionet.py [--split heldout|tune|all] [--data DIR]

In one run, on the same notes: span-level recall per gold PHI type and precision per predicted
type (a gold span is found when any predicted span overlaps it), overall; Presidio's
AnalyzerEngine with its pattern recognizers only over a blank spaCy model (no downloaded NER;
tldextract uses its bundled public-suffix snapshot, so nothing is fetched); a residual-PHI audit
of Osler's surrogate output (gold strings still present as whole words, counted by type, never
printed); and notes per second for both.
"""

from __future__ import annotations

import argparse
import platform
import time
import types
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.deid.evaluate import (NAME_TYPES, read_physionet_deid, residual_phi,
                                         score_spans)
from osler.privacy.deid.spans import PhiSpan

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="heldout", choices=["heldout", "tune", "all"])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    args = ap.parse_args()
    notes = read_physionet_deid(args.data, None if args.split == "all" else args.split)
    key = DeidKey(b"benchmark key, not a secret ....")
    systems = {"osler": detect_phi, "presidio-patterns": presidio_pattern_analyzer()}
    print(f"# PhysioNet deid, split={args.split}: {len(notes)} notes, "
          f"{sum(len(n.phi) for n in notes)} gold spans, "
          f"{len({n.patient for n in notes})} patients; "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}")
    tables, speed = [], {}
    for name, predict in systems.items():
        scores = score_spans(notes, predict)
        tables.append(pd.DataFrame(scores.rows()).assign(system=name))
        speed[name] = _timed(predict, notes)
    table = pd.concat(tables).pivot_table(index=["side", "type"], columns="system",
                                          values=["n", "recall", "precision"])
    print(table.round(3).to_string())
    residual: Counter[str] = Counter()
    for n in notes:
        out = deidentify_text(n.text, key, patient=n.patient).text
        residual.update(residual_phi(n, out))
    names_left = sum(v for t, v in residual.items() if t in NAME_TYPES)
    print(f"residual gold PHI after Osler surrogate de-id (by type): {dict(residual)}; "
          f"gold names left: {names_left}")
    base = speed["presidio-patterns"]
    for name, rate in speed.items():
        print(f"speed {name}: {rate:.1f} notes/s (x{rate / base:.2f} vs presidio-patterns)")


if __name__ == "__main__":
    main()
