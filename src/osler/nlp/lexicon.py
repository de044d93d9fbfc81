"""The concept lexicon (``resources/nlp/concepts.tsv``): literals, categories and codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from osler.errors import DataError
from osler.record import RXNORM, SNOMED, Coding
from osler.resources import load_tsv

__all__ = ["CATEGORIES", "LexiconEntry", "lexicon"]

CATEGORIES = ("problem", "symptom", "finding", "medication", "procedure")
_SYSTEMS = {"snomed": SNOMED, "rxnorm": RXNORM, "": None}


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One literal and the concept it names."""

    literal: str
    category: str
    coding: Coding | None


@lru_cache(maxsize=1)
def lexicon() -> tuple[LexiconEntry, ...]:
    """All entries, validated (known category and code system)."""
    rows = load_tsv("nlp/concepts.tsv", {"literal", "category", "system", "code", "display"})
    out = []
    for i, row in enumerate(rows, 1):
        if row["category"] not in CATEGORIES or row["system"] not in _SYSTEMS:
            raise DataError(f"concepts.tsv row {i}: category must be one of {list(CATEGORIES)} "
                            f"and system one of {sorted(_SYSTEMS)}; got {row['category']!r}, "
                            f"{row['system']!r}")
        system = _SYSTEMS[row["system"]]
        coding = Coding(system, row["code"], row["display"] or None) if row["code"] else None
        out.append(LexiconEntry(row["literal"].lower(), row["category"], coding))
    return tuple(out)
