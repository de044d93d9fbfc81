"""The concept lexicon (``resources/nlp/concepts.tsv``): literals, categories and codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from osler.errors import DataError
from osler.record import RXNORM, SNOMED, Coding
from osler.resources import load_json, load_tsv

__all__ = ["CATEGORIES", "LexiconEntry", "OtherSense", "lexicon", "other_senses"]

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


@dataclass(frozen=True, slots=True)
class OtherSense:
    """Words around a lexicon literal that show it names something else ("PE: HEENT normal"
    is the physical exam, "CT to suction" a chest tube): such a mention is set aside."""

    literal: str
    sense: str
    before: frozenset[str]
    after: tuple[tuple[str, ...], ...]
    defined_by: tuple[str, ...]


_SENSE_KEYS = {"literal", "sense", "before", "after", "defined_by"}


@lru_cache(maxsize=1)
def other_senses() -> dict[str, tuple[OtherSense, ...]]:
    """The other senses of ``resources/nlp/concept_senses.json`` by literal, validated."""
    data = load_json("nlp/concept_senses.json", keys={"source", "version", "other_senses"})
    known = {e.literal for e in lexicon()}
    out: dict[str, tuple[OtherSense, ...]] = {}
    for i, row in enumerate(data["other_senses"]):
        if set(row) != _SENSE_KEYS or row["literal"] not in known:
            raise DataError(f"concept_senses.json entry {i}: keys must be {sorted(_SENSE_KEYS)} "
                            f"and literal a lexicon literal; got {sorted(row)}, "
                            f"{row.get('literal')!r}")
        out[row["literal"]] = out.get(row["literal"], ()) + (OtherSense(
            row["literal"], row["sense"], frozenset(w.lower() for w in row["before"]),
            tuple(tuple(words.lower().split()) for words in row["after"]),
            tuple(d.lower() for d in row["defined_by"])),)
    return out
