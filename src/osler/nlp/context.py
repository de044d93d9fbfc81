"""Assertion attributes of a concept in its sentence: negation, temporality, experiencer.

Built on medspaCy's ConText over a blank English spaCy model (nothing is downloaded). Two rule
sets: Osler's (``resources/nlp/context_rules.json``) and medspaCy's defaults, for comparison.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from dataclasses import dataclass

from osler._extras import require
from osler.errors import DataError
from osler.nlp.rules import (CATEGORY_ALSO, CATEGORY_ATTRIBUTE, MENTION_FLAGS, context_rules,
                             section_rules)

__all__ = ["Assertion", "ContextAttributor", "assertion_of", "build_pipeline", "flags_of",
           "sentence_starts"]

RULE_SETS = ("osler", "medspacy")
_SENTENCE_END = {".", "!", "?"}
#: A line shorter than this many characters ends its sentence at the line break.
SHORT_LINE = 40
_BULLETS = {"-", "*", "\u2022"}
#: Words (and marks) that leave a line open: the sentence runs on to the next line.
_ENDS_OPEN = frozenset(""", : ; - / & + of for with without w/ w/o to in on at by from and or nor
any the a an his her their its no not denies denied deny denying negative positive possible
possibly probable probably likely suspected suspicious concern concerning history h/o hx
evidence r/o rule ruled versus vs than as is are was were be been being has have had who which
that including includes include consistent signs symptoms free status post s/p""".split())
#: Lower-case words that start a sentence after a full stop: subject pronouns, which no
#: abbreviation comes before ("Mother has diabetes. he had fever").
_OPENS_A_SENTENCE = frozenset({"he", "she"})
#: Words that open a line as the continuation of the one before.
_OPENS_AS_CONTINUATION = frozenset("""and or nor with without of for to in on at by from as than
versus vs which who that including""".split())


@dataclass(frozen=True, slots=True)
class Assertion:
    """How a concept is asserted: ``Negated|Affirmed|Possible``, ``Recent|Historical|
    Hypothetical`` and ``Patient|Other``."""

    negation: str = "Affirmed"
    temporality: str = "Recent"
    experiencer: str = "Patient"

    def to_dict(self) -> dict[str, str]:
        return {"negation": self.negation, "temporality": self.temporality,
                "experiencer": self.experiencer}


def assertion_of(ent: object) -> Assertion:
    """The assertion of a spaCy entity from the ConText modifiers attached to it.

    Negation outranks possibility when both modify the concept ("no evidence of possible ...").
    """
    values: dict[str, set[str]] = {"negation": set(), "temporality": set(), "experiencer": set()}
    for mod in _about(ent):
        for attr in (CATEGORY_ATTRIBUTE.get(mod.category), CATEGORY_ALSO.get(mod.category)):
            if attr:
                values[attr[0]].add(attr[1])
    neg = "Negated" if "Negated" in values["negation"] else (
        "Possible" if values["negation"] else "Affirmed")
    temp = "Hypothetical" if "Hypothetical" in values["temporality"] else (
        "Historical" if values["temporality"] else "Recent")
    exp = "Other" if values["experiencer"] else "Patient"
    return Assertion(neg, temp, exp)


def flags_of(ent) -> frozenset[str]:
    """The :data:`~osler.nlp.rules.MENTION_FLAGS` attributes the entity's modifiers raise:
    ``'allergen'``, ``'resolved'``.

    ``'resolved'`` only when the resolution is the trigger nearest the concept of those that
    set its negation ("AKI (resolved)"; "No fever, rash resolved": the rash). Where another
    negation or an uncertainty is as near or nearer (the fever), it stays a plain negation.
    """
    about = _about(ent)
    flags = {MENTION_FLAGS[m.category] for m in about if m.category in MENTION_FLAGS}
    negating = [(_gap(m, ent), m.category) for m in about
                if CATEGORY_ATTRIBUTE.get(m.category, ("",))[0] == "negation"]
    nearest = min((gap for gap, _ in negating), default=None)
    if {category for gap, category in negating if gap == nearest} != {"RESOLVED"}:
        flags.discard("resolved")
    return frozenset(flags)


def _gap(mod, ent) -> int:
    """Tokens between a modifier's trigger and the entity."""
    start, end = mod.modifier_span
    return ent.start - end if end <= ent.start else max(start - ent.end, 0)


def _about(ent) -> list:
    """The ConText modifiers of an entity, less those inside its own words: a trigger there
    ("no rebound" in "tenderness with no rebound") is not about it."""
    return [mod for mod in ent._.modifiers
            if not (ent.start <= mod.modifier_span[0] and mod.modifier_span[1] <= ent.end)]


def sentence_starts(doc) -> list[int]:
    """Indices of tokens that start a sentence after a full stop, '!' or '?' inside one text.

    The word after the mark starts a sentence if it begins with a capital letter or a digit
    ("No cough. Has fever."), so that ConText's scope, which is the sentence, ends there; a
    lower-case word does not ("pt. denies"), as abbreviations are tokenised like full stops,
    but for a subject pronoun ("Mother has diabetes. he had fever": no abbreviation ends
    before 'he' or 'she', and the mother's reach ends with her sentence).
    Symbols between the mark and the word (an emoji, ':)') are skipped, and then any word starts
    a sentence: PyRuSH keeps "cancer. \U0001F600 No evidence of ..." as one sentence.

    A line break ends a sentence after a short line (under :data:`SHORT_LINE` characters:
    "no fever\ncough x3 days", "Pt denies cp\nc/o sob"), where a note is a list of short
    statements, unless the line ends open (a comma, a colon, "of", "any", "denies",
    "possible" ...) or the next one opens as a continuation ("and", "with" ...): "No evidence
    of\npneumonia" runs on. A long line is prose wrapped at a fixed width and runs on.
    """
    starts = []
    line_start = 0
    for i, tok in enumerate(doc):
        if "\n" in tok.text:
            nxt = i + 1
            if (nxt < len(doc) and tok.idx - line_start < SHORT_LINE
                    and any(ch.isalnum() for ch in doc[nxt].text)
                    and not (i and (doc[i - 1].lower_ in _ENDS_OPEN
                                    or (doc[i - 1].lower_, doc[nxt].lower_) in _concept_joins()))
                    and doc[nxt].lower_ not in _OPENS_AS_CONTINUATION):
                starts.append(nxt)
            line_start = tok.idx + tok.text.rindex("\n") + 1
            continue
        if tok.text not in _SENTENCE_END:
            continue
        j = i + 1
        while j < len(doc) and not any(ch.isalnum() for ch in doc[j].text) and (
                doc[j].text not in _SENTENCE_END):
            j += 1
        if j < len(doc) and any(ch.isalnum() for ch in doc[j].text) and (
                j > i + 1 or doc[j].text[0].isupper() or doc[j].text[0].isdigit()
                or doc[j].text in _OPENS_A_SENTENCE):
            starts.append(j)
    return starts


@lru_cache(maxsize=1)
def _concept_joins() -> frozenset[tuple[str, str]]:
    """Pairs of words that follow each other inside a lexicon concept ("pulmonary",
    "embolism"): a line that ends with the first and a line that opens with the second are
    one concept wrapped ("No prior history of pulmonary\nembolism"), and run on; "no
    diabetes\nhypertension" does not."""
    from osler.nlp.lexicon import lexicon

    pairs = set()
    for e in lexicon():
        words = e.literal.lower().split()
        pairs |= set(zip(words, words[1:]))
    return frozenset(pairs)


def _split_sentences(doc):
    """spaCy component: add :func:`sentence_starts` to the boundaries PyRuSH found, and take
    back PyRuSH's boundary before a dash inside a line ("father - MI at 60" is one sentence; a
    dash that opens a line is a bullet)."""
    for tok in doc[1:]:
        if tok.is_sent_start and tok.text in _BULLETS and "\n" not in doc[tok.i - 1].text:
            tok.is_sent_start = False
    for j in sentence_starts(doc):
        doc[j].is_sent_start = True
    return doc


def _quiet_pyrush() -> None:
    """PyRuSH logs every sentence boundary at DEBUG, through loguru or logging."""
    logging.getLogger("PyRuSH").setLevel(logging.WARNING)
    try:
        from loguru import logger
    except ImportError:  # older PyRuSH releases log through the standard library only
        return
    logger.disable("PyRuSH")


def build_pipeline(rules: str = "osler", *, sentences: bool = True, sections: bool = False):
    """A medspaCy pipeline: medspaCy tokenizer, PyRuSH sentences, ConText with ``rules``.

    Parameters
    ----------
    rules : {'osler', 'medspacy'}
        Osler's versioned rules, or medspaCy's default English rules.
    sentences : bool
        Add the PyRuSH sentence splitter (notes), helped by :func:`sentence_starts`; without it
        the caller sets the sentences.
    sections : bool
        Add medspaCy's sectionizer with its default English section patterns.
    """
    if rules not in RULE_SETS:
        raise DataError(f"The 'rules' parameter must be one of {set(RULE_SETS)}; got {rules!r}")
    medspacy = require("medspacy", "nlp")
    _quiet_pyrush()
    enable = ["medspacy_tokenizer"] + (["medspacy_pyrush"] if sentences else [])
    nlp = medspacy.load(medspacy_enable=enable)
    if sentences:
        from spacy.language import Language

        if "osler_sentence_starts" not in Language.factories:
            Language.component("osler_sentence_starts", func=_split_sentences)
        nlp.add_pipe("osler_sentence_starts", after="medspacy_pyrush")
    if sections:
        # A header opens a line: "seasonal allergies" or "past medical history of" mid-sentence
        # is prose, and a section it opened would run to the next header.
        sectionizer = nlp.add_pipe("medspacy_sectionizer", config={"require_start_line": True})
        sectionizer.add(section_rules())
    if rules == "medspacy":
        nlp.add_pipe("medspacy_context")
    else:
        ctx = nlp.add_pipe("medspacy_context", config={"rules": None})
        ctx.add(context_rules())
        _add_child_rules(ctx)
    return nlp


#: Osler's rules for a paediatric note's informant, kept in a file of their own.
CHILD_RULES = "nlp/context_rules_child.json"


def _add_child_rules(ctx) -> None:
    """Add :data:`CHILD_RULES` to Osler's ConText component: the child of a parent's account
    is the patient ("Mother reports the child has had fever", "The child has fever per
    mother"). In the same matcher as the main rules, so that their longer spans prune a
    relative's trigger inside them."""
    ctx.add(context_rules(CHILD_RULES))


class ContextAttributor:
    """Assertion attributes for (concept, sentence) pairs, as in the NegEx evaluation set.

    Parameters
    ----------
    rules : {'osler', 'medspacy'}
        Which ConText rule set to use.

    Examples
    --------
    >>> ca = ContextAttributor()                                  # doctest: +SKIP
    >>> ca.attribute([("edema", "No peripheral edema.")])[0].negation  # doctest: +SKIP
    'Negated'
    """

    def __init__(self, rules: str = "osler") -> None:
        self.rules = rules
        self._nlp = build_pipeline(rules, sentences=False)
        self._context = self._nlp.get_pipe("medspacy_context")

    def attribute(self, pairs: Iterable[tuple[str, str]]) -> list[Assertion]:
        """One :class:`Assertion` per ``(concept, sentence)``; the concept is found in the
        sentence case-insensitively (its first occurrence), else its first word, else the
        sentence's last word stands for it. A row holding more than one sentence is split by
        :func:`sentence_starts`: a trigger in one does not reach the concept in another."""
        return [a for a, _ in self.attribute_explained(pairs)]

    def attribute_explained(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[Assertion, str]]:
        """As :meth:`attribute`, each with what stood for the concept: ``'concept'``,
        ``'first word'`` (of the concept), ``'last word'`` (of the sentence) or ``'nothing'``
        (an empty sentence: the defaults, Affirmed, Recent, Patient)."""
        return [self._one(concept, sentence) for concept, sentence in pairs]

    def _one(self, concept: str, sentence: str) -> tuple[Assertion, str]:
        # Runs of spaces become one: the tokenizer keeps them as tokens, which breaks triggers.
        sentence, concept = " ".join(sentence.split()), " ".join(concept.split())
        # A closing line break lets a templated answer end the text ("Fever: no").
        doc = self._nlp.make_doc(sentence + "\n" if sentence else sentence)
        if len(doc) == 0:
            return Assertion(), "nothing"
        starts = {0, *sentence_starts(doc)}
        for i, tok in enumerate(doc):
            tok.is_sent_start = i in starts
        span, found = self._concept_span(doc, sentence, concept)
        doc.ents = [span]
        doc = self._context(doc)
        return assertion_of(doc.ents[0]), found

    @staticmethod
    def _concept_span(doc, sentence: str, concept: str):
        """The concept's first occurrence as whole words (else inside a word: "MI" is not the
        "mi" of "vomiting" while a whole "MI" follows); else its first word; else the last
        word: the span and which of the three it is. The span is labelled with the concept's
        lexicon category when the lexicon knows it ("MEDICATION": the rules restricted to
        drugs and procedures apply as in ``osler nlp extract``), else ``CONCEPT``."""
        from spacy.tokens import Span

        from osler.privacy.deid.fold import lower_keeping_length

        label = _lexicon_label(concept)
        low = lower_keeping_length(sentence)   # offsets of the original ("İ" lowers to two)
        needle_low = lower_keeping_length(concept)
        for needle, found in ((needle_low, "concept"),
                              ((needle_low.split() or [""])[0], "first word")):
            start = _whole_word(low, needle) if needle else -1
            if start < 0 and needle:
                start = low.find(needle)   # inside a longer word ("pneumonias"): as before
            if start >= 0:
                span = doc.char_span(start, start + len(needle), label=label,
                                     alignment_mode="expand")
                if span is not None:
                    return span, found
        words = [t.i for t in doc if t.is_alpha] or [t.i for t in doc if not t.is_space][-1:] or [0]
        return Span(doc, words[-1], words[-1] + 1, label=label), "last word"


def _lexicon_label(concept: str) -> str:
    """The upper-case lexicon category of ``concept`` (as ``osler nlp extract`` labels its
    mentions), or ``CONCEPT`` when the lexicon does not know it or knows it as several."""
    return _lexicon_labels().get(" ".join(concept.lower().split()), "CONCEPT")


@lru_cache(maxsize=1)
def _lexicon_labels() -> dict[str, str]:
    """Lexicon literal -> its one category, upper case; literals of several categories left out."""
    from osler.nlp.lexicon import lexicon

    categories: dict[str, set[str]] = {}
    for e in lexicon():
        categories.setdefault(e.literal, set()).add(e.category)
    return {lit: cats.pop().upper() for lit, cats in categories.items() if len(cats) == 1}


def _whole_word(text: str, needle: str) -> int:
    """Where ``needle`` first occurs in ``text`` with no letter or digit on either side."""
    import re

    m = re.search(rf"(?<![^\W_]){re.escape(needle)}(?![^\W_])", text)
    return m.start() if m else -1
