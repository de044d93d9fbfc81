"""Medical eponyms are not PHI: "Stevens-Johnson syndrome", "Mallory-Weiss tear".

The name rules and the learned tagger read capitalised surnames; clinical text is full of
diseases, signs, scores and devices named after people. Redacting them costs the note its
meaning (a drug's severe skin reaction becomes "[NAME]-[NAME] syndrome") and protects no one.
The phrases are versioned data (``resources/deid/medical_eponyms.txt``): hyphenated eponyms
are matched whole; a single surname only before a clinical head word ("Graves disease",
"Foley catheter"), so that the same word as a person's name ("Mr. Graves") stays PHI.
"""

from __future__ import annotations

import re
from functools import lru_cache

from osler.privacy.deid.spans import PhiSpan
from osler.resources import path as resource_path

__all__ = ["eponym_spans", "without_eponyms"]

# only these types can be an eponym read as PHI; dates, numbers and ids never are
_NAMELIKE = frozenset({"NAME", "LOCATION"})


@lru_cache(maxsize=1)
def _sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in resource_path("deid/medical_eponyms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return sections


def _alternatives(phrases: list[str]) -> str:
    # longest first, so "Child-Turcotte-Pugh" wins over "Child"; a hyphen or a space inside a
    # phrase matches either, as notes write both ("Guillain Barre")
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\-", r"[-\s]").replace(r"\ ", r"[-\s]")
                    for p in ordered)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    s = _sections()
    joined = _alternatives(s.get("joined", []))
    before = _alternatives(s.get("before", []))
    heads = _alternatives(s.get("heads", []))
    return re.compile(rf"\b(?:(?P<joined>{joined})(?:['’]s)?\b"
                      rf"|(?:{before})(?:['’]s?)?\s+(?:{heads})\b)", re.IGNORECASE)


# "Mr. Wilson disease ..." reads as a person before anything else
_TITLE_BEFORE = re.compile(r"\b(?:mr|mrs|ms|miss|dr|prof|pt)\.?\s+$", re.IGNORECASE)


def eponym_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each medical eponym phrase in ``text``.

    >>> text = "Hx of Stevens-Johnson syndrome; Foley catheter in; Mr. Graves disease"
    >>> [text[a:b] for a, b in eponym_spans(text)]
    ['Stevens-Johnson', 'Foley catheter']
    """
    return [m.span() for m in _pattern().finditer(text)
            if m["joined"] or not _TITLE_BEFORE.search(text, max(0, m.start() - 8), m.start())]


def without_eponyms(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with no name or place inside a medical eponym: a span wholly inside one is
    dropped, one that runs into one (a tagger's "Quimby diagnosed Stevens" before
    "-Johnson syndrome") is cut back to the words outside it."""
    found = eponym_spans(text)
    if not found:
        return spans
    out = []
    for span in spans:
        start, end = span.start, span.end
        for a, b in found if span.type in _NAMELIKE else ():
            if a <= start and end <= b:
                start = end   # wholly inside: dropped
            elif start < a < end:
                end = a       # runs into it: keep what comes before
            elif start < b < end:
                start = b     # starts inside it: keep what comes after
        while start < end and not text[end - 1].isalnum():
            end -= 1
        while start < end and not text[start].isalnum():
            start += 1
        if start < end:
            out.append(span if (start, end) == (span.start, span.end)
                       else PhiSpan(start, end, span.type))
    return out
