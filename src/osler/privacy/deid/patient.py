"""De-identify the notes of one patient together: what one note reveals, every note hides.

Context names a person or a place once ("Dr. Kowal paged", "transferred from Lochmoor"); the
patient's other notes often mention the same word without that context ("Kowal aware",
"Lochmoor records requested"). A word found as a name or place in any note of the patient,
and listed or written as a proper name (:func:`shared_words`), is redacted at every mention in
all of them, as :func:`~osler.privacy.deid.detect.detect_phi` already does inside one note.
The result is deterministic; memory is the patient's notes, their rule layers and spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from osler.privacy.deid.detect import (known_word_at, phi_of, resolve_tagger, rule_layers,
                                      spreading_words)
from osler.privacy.deid.fold import fold, other_script_words, over_marks
from osler.privacy.deid.lexicons import (census_names, first_names, last_names, place_names,
                                         us_places)
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.visible import VisibleText

if TYPE_CHECKING:
    from osler.privacy.deid.tagger import PhiTagger

__all__ = ["consistent_phi", "detect_phi_notes", "shared_words"]

# Each round can only add spans; after the last, a word found in that round may still be
# unredacted in another note (the bound keeps a pathological patient from looping long).
_MAX_ROUNDS = 3


def detect_phi_notes(texts: Sequence[str], *, tagger: PhiTagger | str | Path | None = "bundled"
                     ) -> list[list[PhiSpan]]:
    """PHI spans of each note of ONE patient, found together, with offsets into each note.

    Parameters
    ----------
    texts : sequence of str
        The patient's notes (any order: the result does not depend on it except for the type
        given to a word found as both a name and a place).
    tagger : PhiTagger, path, 'bundled' or None
        As for :func:`~osler.privacy.deid.detect.detect_phi`.

    Returns
    -------
    list of list of PhiSpan
        One span list per note, as :func:`detect_phi` gives for a note alone, plus every
        mention of a word of :func:`shared_words` that another note of the patient revealed.

    Examples
    --------
    >>> notes = ["Seen by Dr. Quimby today.", "Quimby aware of K 3.1."]
    >>> [[n[s.start:s.end] for s in spans]
    ...  for n, spans in zip(notes, detect_phi_notes(notes, tagger=None))]
    [['Quimby'], ['Quimby']]
    """
    model = None if tagger is None else resolve_tagger(tagger)
    views = [VisibleText.of(t) for t in texts]   # as for detect_phi: visible, then folded
    folded = [fold(v.text) for v in views]
    return [v.to_original(over_marks(v.text, other_script_words(v.text, spans))) for v, spans
            in zip(views, consistent_phi(folded, [rule_layers(t) for t in folded], model))]


def consistent_phi(texts: Sequence[str], layers: Sequence[dict[str, list[PhiSpan]]],
                   model: PhiTagger | None, *, patients: Sequence[str] | None = None,
                   across_patients: int | None = None) -> list[list[PhiSpan]]:
    """:func:`detect_phi_notes` from precomputed rule layers (one dict per note).

    Each note is first de-identified alone; then every note that mentions a word another note
    of its patient revealed, outside its spans, is de-identified again with the patient's
    words (the tagger sees the new spans as context), until no note does (at most three
    rounds). A single note gets exactly what :func:`~osler.privacy.deid.detect.detect_phi`
    gives.

    Parameters
    ----------
    texts : sequence of str
        The notes.
    layers : sequence of dict
        :func:`~osler.privacy.deid.detect.rule_layers` of each note.
    model : PhiTagger or None
        The tagger, or ``None`` for the rules alone.
    patients : sequence of str, optional
        One id per note (default: all notes are one patient's); words spread within a patient.
    across_patients : int, optional
        With k, a word revealed in at least k notes also spreads to the notes of every other
        patient (clinicians and hospitals recur across patients).

    Returns
    -------
    list of list of PhiSpan
        One span list per note, in order.
    """
    spans = [phi_of(text, lay, model) for text, lay in zip(texts, layers)]
    groups = list(patients) if patients is not None else [""] * len(texts)
    for _ in range(_MAX_ROUNDS if len(texts) > 1 else 0):  # one note: as detect_phi gives
        known = _known_words(texts, spans, groups, across_patients)
        redo = [i for i, text in enumerate(texts) if _uncovered(text, spans[i], known[groups[i]])]
        if not redo:
            break
        for i in redo:
            spans[i] = phi_of(texts[i], layers[i], model, known=known[groups[i]])
    return spans


def _known_words(texts: Sequence[str], spans: Sequence[Sequence[PhiSpan]], groups: list[str],
                 across_patients: int | None) -> dict[str, dict[str, str]]:
    """The words that spread to each patient's notes (see :func:`consistent_phi`)."""
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    known = {group: shared_words([texts[i] for i in index], [spans[i] for i in index])
             for group, index in members.items()}
    if across_patients:
        seen: dict[str, int] = {}
        for text, note_spans in zip(texts, spans):
            for word in shared_words([text], [note_spans]):
                seen[word] = seen.get(word, 0) + 1
        everywhere = shared_words(texts, spans)
        common = {w: t for w, t in everywhere.items() if seen.get(w, 0) >= across_patients}
        for words in known.values():
            for word, phi_type in common.items():
                words.setdefault(word, phi_type)
    return known


def shared_words(texts: Sequence[str], spans: Sequence[Sequence[PhiSpan]]) -> dict[str, str]:
    """Lower-case words of the notes' name and place spans that spread to the other notes.

    Those of :func:`~osler.privacy.deid.detect.spreading_words` that also look like a proper
    name where they were found: listed as a name or a place (alone, or their whole span:
    "glen burnie"), or written with a capital in a note whose capitals mean something (mixed
    case). An everyday word that the tagger took for a place once ("unable to obtain") stays
    in its note instead of spreading to every note of the patient.
    """
    words: dict[str, str] = {}
    for text, note_spans in zip(texts, spans):
        spreading = spreading_words([text], [note_spans])
        mixed = _mixed_case(text)
        for span in note_spans:
            if span.type not in ("NAME", "LOCATION"):
                continue
            value = text[span.start:span.end]
            whole = _listed(" ".join(_WORD.findall(value)).lower())
            for word in _WORD.findall(value):
                low = word.lower().removesuffix("'s")
                if (low in spreading and low not in words
                        and (whole or _listed(low) or mixed and word[:1].isupper())):
                    words[low] = spreading[low]
    return words


_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def _mixed_case(text: str) -> bool:
    letters = sum(map(str.isalpha, text))
    return bool(letters) and 0.03 * letters <= sum(map(str.isupper, text)) < 0.6 * letters


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    return (first_names() | last_names() | census_names() | us_places() | place_names())


def _listed(low: str) -> bool:
    return low in _lexicon()


def _uncovered(text: str, spans: Sequence[PhiSpan], words: dict[str, str]) -> bool:
    """Whether ``text`` mentions one of ``words`` outside its ``spans``."""
    if not words:
        return False
    low = text.lower()
    for word in words:
        start = low.find(word)
        while start >= 0:
            end = start + len(word)
            if known_word_at(text, start, end) and not any(
                    s.start <= start and end <= s.end for s in spans):
                return True
            start = low.find(word, start + 1)
    return False
