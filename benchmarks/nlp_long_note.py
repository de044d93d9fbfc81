"""Concept extraction time against note length: one made-up note repeated.

    .venv/bin/python benchmarks/nlp_long_note.py [--copies 10 20 40 80]

Times ``osler.nlp.concepts.ConceptExtractor.extract`` (sentences, sections, the lexicon,
ConText; a note over ``CHUNK_CHARS`` is read in pieces) on one note made of N copies of a
made-up history (no real data), and, as the peer in the same run, medspaCy's own pipeline with
its default ConText rules and the same lexicon reading the whole note at once (what Osler did
before it read long notes in pieces). Time that grows with the square of the length shows as
seconds per 10 KB rising with N; linear work keeps it flat.
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import datetime, timezone

# Made up: no person, place or number here belongs to anyone.
HISTORY = """HPI: 67 yo M with h/o CHF, COPD, HTN, DM2 and AFib on warfarin presents with 3 days of
SOB and cough. He denies chest pain, fever, nausea, vomiting, or syncope but reports fatigue.

PAST MEDICAL HISTORY:
- CHF
- s/p CABG 2015
- hypothyroidism

FAMILY HISTORY:
Mother with breast cancer. Father had MI at 50.

MEDICATIONS:
metoprolol 25 mg bid, lisinopril 10 mg daily, furosemide 40 mg daily, warfarin 5 mg.

ASSESSMENT AND PLAN:
Possible pneumonia; CXR ordered. No edema. Hold lisinopril. Return if fever develops.

"""


def _medspacy_whole_note():
    """medspaCy 1.3's default pipeline (tokenizer, PyRuSH, default ConText, sectionizer)
    with Osler's lexicon as target rules, reading a note whole."""
    import medspacy
    from medspacy.target_matcher import TargetRule

    from osler.nlp.lexicon import lexicon

    nlp = medspacy.load(medspacy_enable=["medspacy_tokenizer", "medspacy_pyrush",
                                         "medspacy_target_matcher", "medspacy_context"])
    nlp.add_pipe("medspacy_sectionizer", before="medspacy_context")
    matcher = nlp.get_pipe("medspacy_target_matcher")
    matcher.add([TargetRule(e.literal, e.category.upper()) for e in lexicon()])
    return nlp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[10, 20, 40, 80])
    args = ap.parse_args()
    from osler.nlp.concepts import CHUNK_CHARS, ConceptExtractor

    osler = ConceptExtractor()
    peer = _medspacy_whole_note()
    osler.extract(HISTORY)   # load the pipelines
    peer(HISTORY)
    print(f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{len(HISTORY)} chars per copy, pieces of {CHUNK_CHARS} chars")
    print("copies | chars | osler s | osler s per 10 KB | osler mentions | medspaCy whole s | "
          "medspaCy s per 10 KB | medspaCy entities | osler / medspaCy")
    for n in args.copies:
        note = HISTORY * n
        t0 = time.perf_counter()
        mentions = osler.extract(note)
        ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        ents = peer(note).ents
        theirs = time.perf_counter() - t0
        print(f"{n} | {len(note)} | {ours:.2f} | {ours / len(note) * 10_000:.2f} | "
              f"{len(mentions)} | {theirs:.2f} | {theirs / len(note) * 10_000:.2f} | "
              f"{len(ents)} | x{ours / theirs:.2f}", flush=True)


if __name__ == "__main__":
    main()
