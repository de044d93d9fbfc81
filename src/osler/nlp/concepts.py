"""Concept mentions in a note: sentences, sections, concepts and their assertions.

A mention carries character offsets into the ORIGINAL note text, its section, a code where the
lexicon knows one, and negation / temporality / experiencer from ConText, corrected by the
section it sits in (past history is Historical, family history is about someone else).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from osler._extras import require
from osler.nlp.context import Assertion, assertion_of, build_pipeline
from osler.nlp.lexicon import lexicon
from osler.record import Coding

__all__ = ["ConceptExtractor", "Mention"]

_SPACES = re.compile(r"[ \t\r\f\v]+")
_HISTORY_SECTIONS = {"past_medical_history", "past_surgical_history", "history_of_present_illness"}
_FAMILY_SECTIONS = {"family_history"}


@dataclass(frozen=True, slots=True)
class Mention:
    """One concept mention: ``text[start:end]`` of the original note."""

    start: int
    end: int
    text: str
    category: str
    coding: Coding | None
    assertion: Assertion
    section: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "category": self.category,
                "system": self.coding.system if self.coding else None,
                "code": self.coding.code if self.coding else None,
                "display": self.coding.display if self.coding else None,
                "section": self.section, **self.assertion.to_dict()}


def _squeeze(text: str) -> tuple[str, list[int]]:
    """Text with runs of spaces made single, and the original offset of each kept character."""
    out, index, pos = [], [], 0
    for m in _SPACES.finditer(text):
        out.append(text[pos:m.start()])
        index.extend(range(pos, m.start()))
        out.append(" ")
        index.append(m.start())
        pos = m.end()
    out.append(text[pos:])
    index.extend(range(pos, len(text)))
    index.append(len(text))
    return "".join(out), index


def _section_fix(assertion: Assertion, section: str | None) -> Assertion:
    if section in _HISTORY_SECTIONS - {"history_of_present_illness"} and (
            assertion.temporality == "Recent"):
        assertion = Assertion(assertion.negation, "Historical", assertion.experiencer)
    if section in _FAMILY_SECTIONS:
        assertion = Assertion(assertion.negation, assertion.temporality, "Other")
    return assertion


class ConceptExtractor:
    """Find coded concept mentions with their assertions in clinical notes.

    Parameters
    ----------
    rules : {'osler', 'medspacy'}
        ConText rule set.

    Examples
    --------
    >>> ex = ConceptExtractor()                                   # doctest: +SKIP
    >>> [m.assertion.negation for m in ex.extract("No fever. Cough.")]  # doctest: +SKIP
    ['Negated', 'Affirmed']
    """

    def __init__(self, rules: str = "osler") -> None:
        self.rules = rules
        require("medspacy", "nlp")
        from medspacy.target_matcher import TargetRule

        self._nlp = build_pipeline(rules, sentences=True, sections=True)
        matcher = self._nlp.add_pipe("medspacy_target_matcher", before="medspacy_context")
        self._entries = {}
        for entry in lexicon():
            pattern = _pattern(entry.literal)
            matcher.add([TargetRule(entry.literal, entry.category.upper(), pattern=pattern)])
            self._entries[(entry.literal, entry.category.upper())] = entry

    def extract(self, text: str) -> list[Mention]:
        """Mentions in ``text``, in order, with offsets into ``text``."""
        return self.extract_many([text])[0]

    def extract_many(self, texts: Iterable[str]) -> list[list[Mention]]:
        """Mentions for each text (batched through spaCy's ``pipe``)."""
        squeezed = [_squeeze(t) for t in texts]
        with warnings.catch_warnings():
            # medspaCy's matchers warn (spaCy W036) when one of their internal matchers has no
            # patterns of its kind (e.g. no literal-only section rule); harmless here.
            warnings.filterwarnings("ignore", message=r".*\[W036\]")
            docs = list(self._nlp.pipe(s for s, _ in squeezed))
        out = []
        for (norm, index), doc in zip(squeezed, docs):
            mentions = []
            for ent in doc.ents:
                literal = ent._.literal if ent.has_extension("literal") else None
                entry = self._entries.get((literal, ent.label_)) or self._entries.get(
                    (ent.text.lower(), ent.label_)) or next(
                    (e for (lit, lab), e in self._entries.items()
                     if lab == ent.label_ and lit == " ".join(ent.text.lower().split())), None)
                section = ent._.section_category if ent.has_extension("section_category") else None
                start, end = index[ent.start_char], index[ent.end_char - 1] + 1
                mentions.append(Mention(
                    start, end, ent.text, ent.label_.lower(), entry.coding if entry else None,
                    _section_fix(assertion_of(ent), section), section))
            out.append(mentions)
        return out


def _pattern(literal: str) -> list[dict]:
    """Token pattern of a lexicon literal: any case, the last word also in the plural
    ("fevers", "seizures"); an abbreviation of two letters only in capitals ("MI", never the
    "mi" of "5 mi walk")."""
    words = literal.split()
    if len(words) == 1 and len(literal) <= 2:
        return [{"ORTH": literal.upper()}]
    *head, last = words
    forms = [last] if len(last) <= 3 or last.endswith("s") else [last, last + "s", last + "es"]
    return [{"LOWER": w} for w in head] + [{"LOWER": {"IN": forms}}]
