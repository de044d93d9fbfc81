"""Names that a letter's or a message's wording vouches for, kept whatever the learned tagger
says (part of :func:`~osler.privacy.deid.names.find_sure_names`, not a rule layer, so no
tagger feature): a name before the role it holds ("Seen by Chidi Okafor (fellow)"), a signer
under or after a closing ("Thanks,\\nRowena Blackwood", "Thanks, Rowena") or after a dash
that ends a message ("Can I get a refill? - Thaddeus"), the words after "my name is", and a
name that opens a message's subject ("Subject: RE: Quentin Abernathy follow-up").

Every word must be written as a name and lie outside every vocabulary (or be a listed name),
so "Thanks,\\nNursing" or "Subject: RE: Lab Results" keep their words; and a value made of a
service's words names no one, listed or not ("Thanks,\\nVasc Surg", "Ortho Spine (fellow)").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from osler.privacy.deid.features import public_vocabulary
from osler.privacy.deid.lexicons import clinical_words, service_words
from osler.privacy.deid.names import (_NOT_NAMES, _known, _known_in_context, _listed_first_name,
                                      _name_shaped, _outside_vocabulary, _title)
from osler.privacy.deid.places import SPECIALTIES
from osler.privacy.deid.spans import PhiSpan

__all__ = ["find_cued_names", "service_value"]

_NAME_WORDS = r"[A-Z][a-z'-]+(?:[ \t]+[A-Z]\.?)?(?:[ \t]+[A-Z][a-z'-]+){0,2}"
#: "Chidi Okafor (fellow)": capitalised words right before a role in parentheses.
_BEFORE_ROLE = re.compile(
    rf"(?<![\w'-])(?P<n>{_NAME_WORDS})[ \t]*\((?:the[ \t]+)?(?i:fellow|resident|attending|"
    r"intern|rn|np|md|do|pa|pa-c|nurse|physician|surgeon|radiologist|pathologist|"
    r"anesthesiologist|therapist|pharmacist|consultant|hospitalist|tech|technician|"
    r"scribe|chaplain|interpreter|social[ \t]+worker|case[ \t]+manager|pcp)\)")
_CLOSING = (r"(?i:(?:thanks|thank[ \t]+you)(?:[ \t]+(?:so[ \t]+much|very[ \t]+much|so[ \t]+"
            r"very[ \t]+much|again|a[ \t]+lot|in[ \t]+advance))?|many[ \t]+thanks|with[ \t]+"
            r"thanks|(?:best|kind|warm|warmest)[ \t]+(?:regards|wishes)|regards|sincerely|"
            r"yours[ \t]+truly|all[ \t]+the[ \t]+best|best|cheers|respectfully|warmly|"
            r"take[ \t]+care)")
#: "Thanks,\nRowena Blackwood": a closing line, then (after at most one blank line) a line
#: of one to three words.
_AFTER_CLOSING = re.compile(
    rf"^[ \t]*{_CLOSING}[ \t]*[,.!]?[ \t]*(?:\r?\n[ \t]*){{1,2}}(?P<n>[A-Za-z][A-Za-z'-]*\.?"
    r"(?:[ \t]+[A-Za-z][A-Za-z'-]*\.?){0,2})[ \t]*(?:,[ \t]*[A-Z]{2,5}[ \t]*)?$", re.M)
#: "... can I get a refill? Thanks, Rowena Blackwood": a closing and a name ending the line.
_CLOSING_THEN_NAME = re.compile(
    rf"(?<![\w'-]){_CLOSING}[ \t]*[,!.][ \t]*(?P<n>[A-Z][a-z'-]+(?:[ \t]+[A-Z][a-z'-]+){{0,2}})"
    r"[ \t.!]*$", re.M)
#: "Can I get a refill? - Thaddeus", "Please advise. -- Rowena Blackwood", "Please advise -
#: Thaddeus B.": a dash after a sentence's end (or after a word, at the message's end), and a
#: word, maybe a surname or an initial after it, ending the line.
_DASH_SIGN_OFF = re.compile(r"(?:(?P<p>[?.!])[ \t]*|(?<=\w)[ \t]+)(?:-{1,2}|\u2013|\u2014)[ \t]*"
                            r"(?P<n>[A-Z][a-z'-]+)(?:[ \t]+(?P<s>[A-Z][a-z'-]+|[A-Z]\.?))?"
                            r"[ \t]*$", re.M)
#: "my name is rowena blackwood and i need a refill", in any casing.
_MY_NAME_IS = re.compile(r"\bmy[ \t]+name[ \t]+is[ \t]+(?P<n>[A-Za-z][A-Za-z'-]*"
                         r"(?:[ \t]+[A-Za-z][A-Za-z'-]*){0,2})", re.I)
_SUBJECT_LINE = r"^[ \t]*(?i:subject|subj|re|fw|fwd)[ \t]*:"
#: "Subject: RE: Quentin Abernathy follow-up", "Fwd: Quentin labs": one or two capitalised
#: words opening a subject.
_SUBJECT = re.compile(rf"{_SUBJECT_LINE}[ \t]*(?:(?i:re|fw|fwd)[ \t]*:[ \t]*)*(?P<n>[A-Z][a-z'-]+"
                      r"(?:[ \t]+[A-Z][a-z'-]+)?)(?![\w'])", re.M)
#: "Subject: Lab question for Quentin Abernathy": a first name and a word after "for", "from"
#: or "re" in a subject.
_SUBJECT_FOR = re.compile(rf"{_SUBJECT_LINE}[^\n]*?[ \t](?i:for|from|re)[ \t]+(?P<n>[A-Z][a-z'-]+"
                          r"[ \t]+[A-Z][a-z'-]+)(?![\w'])", re.M)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]*\.?")


def find_cued_names(text: str, stop: frozenset[str], cased: bool) -> Iterator[PhiSpan]:
    """The names of ``text`` that the wordings of the module's docstring vouch for;
    ``cased``: the note's capitals mean something (the capitalised cues need it)."""
    yield from _my_name_is(text, stop)
    if not cased:
        return
    for regex in (_BEFORE_ROLE, _AFTER_CLOSING, _CLOSING_THEN_NAME):
        for m in regex.finditer(text):
            if regex is _AFTER_CLOSING and m.group("n").islower():
                yield from _lower_case_signer(m, stop)
            else:
                yield from _name_words(m, stop, trim=regex is _BEFORE_ROLE)
    for regex in (_SUBJECT, _SUBJECT_FOR):
        for m in regex.finditer(text):
            yield from _subject_name(m, stop, alone=regex is _SUBJECT)
    for m in _DASH_SIGN_OFF.finditer(text):
        yield from _dash_signer(text, m, stop)


def _service_word(word: str) -> bool:
    """A word of a clinical service or department ("Palliative", "Care", "Vasc", "Onc")."""
    low = word.lower().rstrip(".")
    return low in service_words() or low in SPECIALTIES


def service_value(words: list[str]) -> bool:
    """Whether the words of a value, initials aside, are all a service's ("Palliative Care",
    "Regional Block", "Pulm Crit"): a service, not a person, even where a word is a listed
    surname ("Spine", "Block")."""
    full = [w for w in words if len(w.rstrip(".")) > 1]
    return bool(full) and all(_service_word(w) for w in full)


def _clinical_word(word: str) -> bool:
    """A word of any vocabulary, clinical services and message subjects included ("Pain",
    "Results", "Dizzy"), or with the ending of a clinical or everyday noun when no name list
    holds it (names end so too: "Lawrence", "Florence", "Sterling")."""
    low = word.lower().rstrip(".")
    return (low in public_vocabulary() or low in clinical_words() or low in SPECIALTIES
            or (low.endswith(_NOUN_ENDINGS) and not _known_in_context(word))
            or not _outside_vocabulary(word, stop=frozenset()))


def _listed_first(word: str, stop: frozenset[str]) -> bool:
    """A listed first name (not only a surname: "Knee", "Holter" are census surnames) that no
    vocabulary holds."""
    return _listed_first_name(word, stop) and not _clinical_word(word)


def _subject_name(m: re.Match[str], stop: frozenset[str], *, alone: bool) -> Iterator[PhiSpan]:
    """The name in a subject line: a listed first name, and the capitalised word after it
    when that is no clinical word ("Quentin Abernathy follow-up", "Quentin labs"); or, opening
    the subject (``alone``), two words outside every vocabulary, one of Faker's names
    ("Zebulon Smith"; the census lists hold "Jury Duty"), never a complaint or a test ("Knee
    Pain", "Dizzy Spells", "Holter Results")."""
    words = list(_WORDS.finditer(m.group("n")))
    base = m.start("n")
    first = words[0].group()
    if _listed_first(first, stop):
        end = words[0].end()
        if len(words) > 1 and _name_word(words[1].group(), stop) and not _clinical_word(
                words[1].group()):
            end = words[1].end()
        yield PhiSpan(base + words[0].start(), base + end, "NAME")
    elif (alone and len(words) == 2 and any(_known(w.group()) for w in words)
          and all(_title(w.group()) and not _clinical_word(w.group()) for w in words)):
        yield PhiSpan(base + words[0].start(), base + words[1].end(), "NAME")


# Only white space up to the text's end (read where a match ends, not on a copy of the rest)
_BLANK_TO_END = re.compile(r"\s*\Z")


def _dash_signer(text: str, m: re.Match[str], stop: frozenset[str]) -> Iterator[PhiSpan]:
    """The signer after a dash that ends a message: a listed first name that no vocabulary
    holds ("Thanks! - Thaddeus"; not "See you then. - Nursing"), with the surname or initial
    after it ("-- Rowena Blackwood", "- Thaddeus B."). Without a sentence's end before the dash
    ("Please advise - Thaddeus") only on the text's last line."""
    word, surname = m.group("n"), m.group("s")
    if not m.group("p") and not _BLANK_TO_END.match(text, m.end()):
        return
    if not _listed_first(word, stop):
        return
    end = m.end("n")
    if surname:
        if len(surname.rstrip(".")) == 1:
            end = m.end("s")
        elif _name_word(surname, stop) and not _clinical_word(surname):
            end = m.end("s")
        else:
            return   # "Please advise. - Rowena Pain" ends with no name
    yield PhiSpan(m.start("n"), end, "NAME")


def _lower_case_signer(m: re.Match[str], stop: frozenset[str]) -> Iterator[PhiSpan]:
    """A signer written in lower case under a closing ("Thanks,\nrowena blackwood"): only a
    listed first name and a listed surname, no vocabulary word, since a lower-case line under
    "Thanks," is as often plain text ("Thanks,\nsee you soon")."""
    words = list(_WORDS.finditer(m.group("n")))
    if len(words) < 2 or not _listed_first(words[0].group().title(), stop):
        return
    if not all(_known_in_context(w.group()) and _outside_vocabulary(w.group(), stop)
               and not _clinical_word(w.group()) for w in words):
        return
    base = m.start("n")
    yield PhiSpan(base + words[0].start(), base + words[-1].end(), "NAME")


#: Endings of clinical and everyday nouns, seldom of a name ("Cardiology", "Pharmacy").
_NOUN_ENDINGS = ("ology", "ologist", "iatry", "ics", "acy", "ery", "ment", "tion", "sion",
                 "ness", "ing", "ance", "ence", "ist", "ician")


def _name_word(word: str, stop: frozenset[str]) -> bool:
    """Written as a name, outside every vocabulary (the tagger's public one, the
    specialties, and a clinical noun's ending: "Cardiology"), or a listed name."""
    low = word.lower().rstrip(".")
    if not _name_shaped(word, stop):
        return False
    return _known_in_context(word) or not (low in public_vocabulary() or low in SPECIALTIES
                                           or low.endswith(_NOUN_ENDINGS))


def _name_words(m: re.Match[str], stop: frozenset[str], *, trim: bool) -> Iterator[PhiSpan]:
    """The name in group "n" of ``m`` when all its words are name words (``trim``: from the
    first name word that is no service's on, "Seen Chidi Okafor" -> "Chidi Okafor", "Ortho
    Spine" -> nothing), two or more of them or a listed one, and not all a service's words
    ("Vasc Surg")."""
    words = list(_WORDS.finditer(m.group("n")))
    while trim and words and (not _name_word(words[0].group(), stop)
                              or _service_word(words[0].group())):
        words.pop(0)
    if not words or not all(_name_word(w.group(), stop) for w in words):
        return
    if service_value([w.group() for w in words]):
        return
    full = [w for w in words if len(w.group().rstrip(".")) > 1]
    listed = any(_known_in_context(w.group()) for w in full)
    if not full or not listed and len(full) < 2:
        return
    base = m.start("n")
    yield PhiSpan(base + words[0].start(), base + words[-1].end(), "NAME")


def _my_name_is(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """The words after "my name is" up to the first that is no name ("my name is rowena
    blackwood and ..." -> "rowena blackwood"): a person names themself. A word counts when it
    is a listed name that no vocabulary holds, in any casing, or written as a name outside
    every vocabulary ("Zebulon"); "My name is fixed", "my name is okay now" keep theirs."""
    for m in _MY_NAME_IS.finditer(text):
        base, end = m.start("n"), None
        for w in _WORDS.finditer(m.group("n")):
            word = w.group().rstrip(".")
            if word.lower() in _NOT_NAMES or not _outside_vocabulary(word, stop):
                break
            listed = _known_in_context(word) and not _clinical_word(word)
            if not (listed or _title(word) and not _clinical_word(word)):
                break
            end = base + w.start() + len(word)
        if end is not None:
            yield PhiSpan(base, end, "NAME")
