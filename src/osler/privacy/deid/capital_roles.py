"""Names after a role in a note typed in capitals ("RN WINSLOW KEMBER AWARE", "NP W. KEMBER"),
kept whatever the learned tagger says (part of
:func:`~osler.privacy.deid.names.find_sure_names`, not a rule layer, so no tagger feature).

In capitals a name has no shape of its own, and a surname no list holds ("KEMBER") was left.
After a role word, one to three words in capitals are a name when each is no vocabulary word
(stop lists, Faker's lorem words, the tagger's public vocabulary, clinical words typed in
capitals: ``resources/deid/capitals_clinical_words.txt``), no eponym's surname ("RN HOFFMANN
SIGN NEG"), no verb or adverb ("RT SUCTIONED"), and the sentence goes on as a person's would:
its end, a comma, or a person's doing ("AWARE", "AT BEDSIDE"). "RN AWARE", "MD PAGED",
"NP ORDERS", "RN ROSE" (a word) keep their words: a wrong name here spreads to every mention.
"""

from __future__ import annotations

from collections.abc import Iterator

from osler.privacy.deid.clinical_terms import clinical_terms
from osler.privacy.deid.eponyms import eponym_heads, eponym_surnames
from osler.privacy.deid.features import public_vocabulary
from osler.privacy.deid.lexicons import (capitals_clinical_words, census_first_names,
                                         census_names, common_words, first_names, last_names)
from osler.privacy.deid.names import (_MONTH_NAMES, _NOT_NAMES, _RELATIONS, _TITLES,
                                      _WEAK_TITLES, _any_in, _inflected)
from osler.privacy.deid.spans import PhiSpan

__all__ = ["find_role_names_in_capitals"]

Tokens = tuple[tuple[int, int, str], ...]

#: Roles a name follows in capitals ("RN", "NURSE"); "RT" (right) and "PA" (pulmonary artery)
#: are also clinical words, so after them only a listed first name and more ("RT JOHN KEMBER").
_ROLES = frozenset("rn nurse np md lpn cna rrt doctor resident intern fellow attending ho"
                   .split())
_AMBIGUOUS_ROLES = frozenset({"rt", "pa"})

#: What a person named after a role does, or what follows the name ("RN KEMBER AWARE").
_AFTER_NAME = frozenset("""aware notified paged called updated informed at to in with who has
had was is will gave gives saw sees said says states stated reports reported came here
placed spoke assessed checked discussed re made and""".split())


def _listed(low: str) -> bool:
    return low in first_names() or low in last_names() or low in census_names()


def _name_word(word: str, stop: frozenset[str]) -> bool:
    """A word in capitals that is no vocabulary word, eponym or verb: "KEMBER", "OKONKWO-FLETT"."""
    if not (word.isupper() and len(word) >= 3 and word.replace("-", "").isalpha()):
        return False
    for low in word.lower().split("-"):
        if (len(low) < 2 or _any_in(low, stop, common_words(), public_vocabulary(),
                                    capitals_clinical_words(), _NOT_NAMES, _TITLES, _WEAK_TITLES,
                                    _RELATIONS, _MONTH_NAMES, _ROLES, _AMBIGUOUS_ROLES,
                                    eponym_surnames(), eponym_heads(), clinical_terms())
                or _inflected(low) or low.endswith(("ed", "ing"))):
            return False
    return True


def _ends_name(text: str, end: int, nxt: tuple[int, int, str] | None) -> bool:
    """The sentence goes on after a name: its end (a stop, a comma, the line's end) or a
    person's doing ("AWARE")."""
    rest = text[end:nxt[0]] if nxt else text[end:]
    if "\n" in rest or not rest.strip() and nxt is None:
        return True
    if rest.strip(" \t") in (".", ",", ";", ":", "-", ")") or rest.strip(" \t")[:1] in ".,;)":
        return True
    return not rest.strip(" \t") and nxt is not None and nxt[2].lower() in _AFTER_NAME


def find_role_names_in_capitals(text: str, toks: Tokens, stop: frozenset[str]
                                ) -> Iterator[PhiSpan]:
    """Names after a role word in capitals (see the module's docstring)."""
    for i, (_start, end, role) in enumerate(toks):
        low = role.lower().rstrip(".")
        if not role.isupper() or low not in _ROLES | _AMBIGUOUS_ROLES:
            continue
        if i and _name_word(toks[i - 1][2], stop) and text[toks[i - 1][1]:_start] == " ":
            continue             # "WARREN KAVALIUNAS NP": a credential after a name
        j, taken = i + 1, []
        while j < len(toks) and len(taken) < 3:
            gap = text[toks[j - 1][1]:toks[j][0]]
            if gap not in (" ", "  "):   # a stop, a comma or a line's end ends the name
                break
            word = toks[j][2]
            initial = len(word) == 2 and word[0].isupper() and word[1] == "."
            if not (initial and not taken or _name_word(word, stop)):
                break
            taken.append(toks[j])
            j += 1
        while taken and taken[-1][2].endswith("."):
            taken.pop()          # an initial alone is no name ("RN W.")
        if not taken or not _ends_name(text, taken[-1][1], toks[j] if j < len(toks) else None):
            continue
        words = [w for _, _, w in taken if not w.endswith(".")]
        if low in _AMBIGUOUS_ROLES and not (words[0].lower() in first_names()
                                            and len(words) > 1):
            continue             # "PA NUMBERS", "RT RADIAL": only a first name and more
        if _vouched(words, len(taken) > len(words), toks[j] if j < len(toks) else None) or (
                _asked_of(text, toks, i) and len(words) == 1
                and (_strictly_listed(words[0].lower())
                     or not words[0].lower().endswith(_CUED_ENDINGS))):
            yield PhiSpan(taken[0][0], taken[-1][1], "NAME")


def _vouched(words: list[str], initial: bool, nxt: tuple[int, int, str] | None) -> bool:
    """Whether the words after a role are a name: an initial and a surname ("W. KEMBER"),
    two or three words one of them a listed name and none shaped like an English word
    ("WINSLOW KEMBER"), or one word that a first or last name list holds ("SMITH") or that
    a person's doing follows ("KEMBER SPOKE"). One unlisted word at a sentence's end ("RN
    DUTY.", "MD BUSY.", "RN SIGNOUT.") is left: it cannot be told from a word."""
    lows = [w.lower() for w in words]
    if any(w.endswith(_ENGLISH_ENDINGS) and not _strictly_listed(w) for w in lows):
        return False             # "RN ANTICIPATES", "MD UNAVAILABLE"
    if initial or len(lows) > 1:
        return initial or any(_listed(w) for w in lows)
    return _strictly_listed(lows[0]) or (nxt is not None and nxt[2].lower() in _DOINGS)


#: Words before a role that make the word after it a person ("PER NP KEMBER.", "DISCUSSED
#: WITH NP KEMBER)"): the sentence reads "per someone", not "per a thing".
_PERSON_CUES = frozenset({"per", "with", "by"})


def _asked_of(text: str, toks: Tokens, i: int) -> bool:
    """The role at token ``i`` follows "PER", "WITH" or "BY" on its line (a role that is
    also anatomy, "PA", "RT", is left: "PER PA LINE")."""
    role = toks[i][2].lower()
    return (i > 0 and role not in _AMBIGUOUS_ROLES and toks[i - 1][2].lower() in _PERSON_CUES
            and not text[toks[i - 1][1]:toks[i][0]].strip(" \t"))


def _strictly_listed(low: str) -> bool:
    """In a first or last name list (the Census surnames hold many words: "DUTY")."""
    return low in first_names() or low in last_names() or low in census_first_names()


#: Endings of English verbs, adjectives and nouns, seldom of a surname.
_ENGLISH_ENDINGS = ("s", "able", "ible", "ment", "tion", "sion", "ness", "ful", "less", "ous",
                    "ive", "ize", "ise", "ate", "ity", "ism", "out", "off", "up")
#: Endings of English nouns too, left after "PER NP" ("WITH RN ASSISTANCE").
_CUED_ENDINGS = _ENGLISH_ENDINGS + ("ance", "ence", "ery", "ary", "ory", "ure", "age", "ant",
                                    "ent", "ism", "ist", "ics", "al", "ic", "ia")
#: A person's doing that vouches for one unlisted word after a role ("RN KEMBER SPOKE").
_DOINGS = frozenset("""aware notified paged called updated informed spoke said says states
stated reports reported gave saw came ordered made wrote asked agreed""".split())
