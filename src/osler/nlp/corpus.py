"""The NegEx/ConText evaluation set: concept/sentence pairs with gold assertions.

Read at run time from its folder (never copied). Pairs are split into a tuning part and a
held-out part by a hash of the normalised sentence, so that pairs sharing a sentence never
straddle the split.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from osler.errors import DataError

__all__ = ["AnnotatedPair", "read_negex_annotations", "split_of"]

_TEMPORALITY = {"recent": "Recent", "historical": "Historical", "hypothetical": "Hypothetical",
                "not particular": "Hypothetical"}
_EXPERIENCER = {"patient": "Patient", "other": "Other", "family member": "Other"}
_NEGATION = {"negated": "Negated", "affirmed": "Affirmed", "possible": "Possible"}


@dataclass(frozen=True, slots=True)
class AnnotatedPair:
    """One annotated concept in its sentence."""

    row: str
    concept: str
    sentence: str
    negation: str
    temporality: str
    experiencer: str


def split_of(sentence: str, heldout_share: float = 0.5) -> str:
    """``'heldout'`` or ``'tune'`` for a sentence, stable across machines and runs."""
    norm = " ".join(sentence.lower().split())
    h = int.from_bytes(hashlib.blake2b(f"negex-split:{norm}".encode(), digest_size=8).digest(),
                       "big")
    return "heldout" if h % 1000 < heldout_share * 1000 else "tune"


def _value(mapping: dict[str, str], raw: str, where: str) -> str:
    value = mapping.get(raw.strip().lower())
    if value is None:
        raise DataError(f"{where}: value must be one of {sorted(mapping)}; got {raw!r}")
    return value


def read_negex_annotations(folder: str | Path, split: str | None = None) -> list[AnnotatedPair]:
    """Pairs of ``annotations_dev.tsv``; gold "Not particular" counts as Hypothetical and
    "Family member" as Other, the values ConText uses."""
    path = Path(folder) / "annotations_dev.tsv"
    if not path.is_file():
        raise DataError(f"NegEx evaluation set: {path} is missing")
    pairs = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        for n, row in enumerate(reader, 2):
            if len(row) < 6:
                raise DataError(f"{path.name} line {n}: expected 6 tab-separated columns")
            where = f"{path.name} line {n}"
            pair = AnnotatedPair(row[0], row[1], row[2], _value(_NEGATION, row[3], where),
                                 _value(_TEMPORALITY, row[4], where),
                                 _value(_EXPERIENCER, row[5], where))
            if split is None or split_of(pair.sentence) == split:
                pairs.append(pair)
    return pairs
