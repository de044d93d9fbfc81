"""Names that a letter's or a message's wording vouches for, kept whatever the learned tagger
says (part of :func:`~osler.privacy.deid.names.find_sure_names`, not a rule layer, so no
tagger feature): a name before the role it holds ("Seen by Chidi Okafor (fellow)"), a signer
under or after a closing ("Thanks,\\nRowena Blackwood", "Thanks, Rowena") or after a dash
that ends a message ("Can I get a refill? - Thaddeus"), the words after "my name is", and a
name that opens a message's subject ("Subject: RE: Quentin Abernathy follow-up").

Every word must be written as a name and lie outside every vocabulary (or be a listed name),
so "Thanks,\\nNursing" or "Subject: RE: Lab Results" keep their words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from osler.privacy.deid.features import public_vocabulary
from osler.privacy.deid.lexicons import census_first_names, common_words, first_names
from osler.privacy.deid.names import (_NOT_NAMES, _known, _known_in_context, _name_shaped,
                                      _outside_vocabulary)
from osler.privacy.deid.places import SPECIALTIES
from osler.privacy.deid.spans import PhiSpan

__all__ = ["find_cued_names"]

_NAME_WORDS = r"[A-Z][a-z'-]+(?:[ \t]+[A-Z]\.?)?(?:[ \t]+[A-Z][a-z'-]+){0,2}"
#: "Chidi Okafor (fellow)": capitalised words right before a role in parentheses.
_BEFORE_ROLE = re.compile(
    rf"(?<![\w'-])(?P<n>{_NAME_WORDS})[ \t]*\((?:the[ \t]+)?(?i:fellow|resident|attending|"
    r"intern|rn|np|md|do|pa|pa-c|nurse|physician|surgeon|radiologist|pathologist|"
    r"anesthesiologist|therapist|pharmacist|consultant|hospitalist|tech|technician|"
    r"scribe|chaplain|interpreter|social[ \t]+worker|case[ \t]+manager|pcp)\)")
_CLOSING = (r"(?i:thanks|thank[ \t]+you|many[ \t]+thanks|(?:best|kind|warm|warmest)[ \t]+"
            r"regards|regards|sincerely|yours[ \t]+truly|best|cheers|respectfully|warmly)")
#: "Thanks,\nRowena Blackwood": a closing line, then (after at most one blank line) a line
#: of one to three words.
_AFTER_CLOSING = re.compile(
    rf"^[ \t]*{_CLOSING}[ \t]*[,.!]?[ \t]*(?:\r?\n[ \t]*){{1,2}}(?P<n>[A-Za-z][A-Za-z'-]*\.?"
    r"(?:[ \t]+[A-Za-z][A-Za-z'-]*\.?){0,2})[ \t]*(?:,[ \t]*[A-Z]{2,5}[ \t]*)?$", re.M)
#: "... can I get a refill? Thanks, Rowena Blackwood": a closing and a name ending the line.
_CLOSING_THEN_NAME = re.compile(
    rf"(?<![\w'-]){_CLOSING}[ \t]*[,!.][ \t]*(?P<n>[A-Z][a-z'-]+(?:[ \t]+[A-Z][a-z'-]+){{0,2}})"
    r"[ \t.!]*$", re.M)
#: "Can I get a refill? - Thaddeus": a dash after a sentence's end, and one word ending the
#: line.
_DASH_SIGN_OFF = re.compile(r"[?.!][ \t]*(?:-{1,2}|\u2013|\u2014)[ \t]*(?P<n>[A-Z][a-z'-]+)"
                            r"[ \t]*$", re.M)
#: "my name is rowena blackwood and i need a refill", in any casing.
_MY_NAME_IS = re.compile(r"\bmy[ \t]+name[ \t]+is[ \t]+(?P<n>[A-Za-z][A-Za-z'-]*"
                         r"(?:[ \t]+[A-Za-z][A-Za-z'-]*){0,2})", re.I)
#: "Subject: RE: Quentin Abernathy follow-up": two capitalised words opening a subject.
_SUBJECT = re.compile(r"^[ \t]*(?i:subject|subj|re|fw|fwd)[ \t]*:[ \t]*(?:(?i:re|fw|fwd)[ \t]*:"
                      r"[ \t]*)*(?P<n>[A-Z][a-z'-]+[ \t]+[A-Z][a-z'-]+)(?![\w'])", re.M)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*\.?")


def find_cued_names(text: str, stop: frozenset[str], cased: bool) -> Iterator[PhiSpan]:
    """The names of ``text`` that the wordings of the module's docstring vouch for;
    ``cased``: the note's capitals mean something (the capitalised cues need it)."""
    yield from _my_name_is(text, stop)
    if not cased:
        return
    for regex in (_BEFORE_ROLE, _AFTER_CLOSING, _CLOSING_THEN_NAME, _SUBJECT):
        for m in regex.finditer(text):
            yield from _name_words(m, stop, trim=regex is _BEFORE_ROLE,
                                   need_listed=regex is _SUBJECT)
    for m in _DASH_SIGN_OFF.finditer(text):
        word = m.group("n")
        low = word.lower()
        # one word at a message's end is a name only when it is a listed first name that no
        # vocabulary holds ("Thanks! - Thaddeus"; not "See you then. - Nursing")
        if ((low in first_names() or low in census_first_names())
                and _outside_vocabulary(word, stop) and low not in common_words()):
            yield PhiSpan(m.start("n"), m.end("n"), "NAME")


#: Endings of clinical and everyday nouns, seldom of a name ("Cardiology", "Pharmacy").
_NOUN_ENDINGS = ("ology", "ologist", "iatry", "ics", "acy", "ery", "ment", "tion", "sion",
                 "ness", "ing", "ance", "ence", "ist", "ician")


def _name_word(word: str, stop: frozenset[str]) -> bool:
    """Written as a name, outside every vocabulary (the tagger's public one and the
    clinical services too: "Cardiology"), or a listed name."""
    low = word.lower().rstrip(".")
    if not _name_shaped(word, stop):
        return False
    return _known_in_context(word) or not (low in public_vocabulary() or low in SPECIALTIES
                                           or low.endswith(_NOUN_ENDINGS))


def _name_words(m: re.Match[str], stop: frozenset[str], *, trim: bool, need_listed: bool
                ) -> Iterator[PhiSpan]:
    """The name in group "n" of ``m`` when all its words are name words (``trim``: from the
    first name word on, "Seen Chidi Okafor" -> "Chidi Okafor"), two or more of them or a
    listed one, and with ``need_listed`` a listed one ("Thanks,\nTriage" is no signer)."""
    words = list(_WORDS.finditer(m.group("n")))
    while trim and words and not _name_word(words[0].group(), stop):
        words.pop(0)
    if not words or not all(_name_word(w.group(), stop) for w in words):
        return
    full = [w for w in words if len(w.group().rstrip(".")) > 1]
    listed = any(_known_in_context(w.group()) for w in full)
    if not full or not listed and (need_listed or len(full) < 2):
        return
    base = m.start("n")
    yield PhiSpan(base + words[0].start(), base + words[-1].end(), "NAME")


def _my_name_is(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """The words after "my name is" up to the first vocabulary word ("my name is rowena
    blackwood and ..." -> "rowena blackwood"): a person names themself."""
    for m in _MY_NAME_IS.finditer(text):
        base, end = m.start("n"), None
        for w in _WORDS.finditer(m.group("n")):
            word = w.group().rstrip(".")
            if word.lower() in _NOT_NAMES or not (_outside_vocabulary(word, stop)
                                                  or _known(word)):
                break
            end = base + w.start() + len(word)
        if end is not None:
            yield PhiSpan(base, end, "NAME")
