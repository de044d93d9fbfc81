"""Ward words that name no person and no place (``resources/deid/clinical_terms.txt``):
languages, rhythms, charting systems and devices, insurers, hospital objects, ward types,
abbreviations of roles and doings, genera, everyday words that are also towns, species.

The place and name rules test a word after "from", "in", "at", a plan, a relation or a role
against them ("in Swahili", "removed from Omnicell", "Plan: Medsurg 4", "Daughter, Nok",
"SON ETA 1900", "K. Pneumoniae"); the learned tagger's features never read them.
"""

from __future__ import annotations

from functools import lru_cache

from osler.resources import path as resource_path

__all__ = ["clinical_terms", "organism_species", "term_section"]

_FILE = "deid/clinical_terms.txt"


@lru_cache(maxsize=None)
def term_section(section: str) -> frozenset[str]:
    """Lower-case words of ``[section]`` of the file."""
    words: set[str] = set()
    current = None
    for line in resource_path(_FILE).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == section:
            words.update(w.lower() for w in line.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def clinical_terms() -> frozenset[str]:
    """Every section but the everyday words and the species: no person's name, no place's."""
    return frozenset().union(*(term_section(s) for s in (
        "languages", "rhythms", "systems", "insurers", "objects", "wards", "abbreviations",
        "genera")))


@lru_cache(maxsize=1)
def organism_species() -> frozenset[str]:
    """Species epithets written after a genus's initial ("pneumoniae", "aureus", "diff")."""
    return term_section("organisms")
