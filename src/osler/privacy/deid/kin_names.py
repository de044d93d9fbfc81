"""Names right after a relation or a clinician's role that no name list holds, kept whatever
the learned tagger says (part of :func:`~osler.privacy.deid.names.find_sure_names`, not a
rule layer, so no tagger feature).

The other sure rules take a listed first name after a relation ("daughter Priyanka"); a name
no list holds ("his wife, Zelda Quarrington", "SISTER, ZELDA HAS PHONED", "HO Quarrington
notified") was left to the tagger, which drops many names it never saw. Here the relation
vouches for the words after it when every one is written as a name (capitalised in a note
written in mixed case, in capitals in a note typed in capitals) and lies outside every
vocabulary (stop lists, Faker's lorem words, the tagger's public vocabulary, clinical words,
drugs, eponyms' surnames, months), and, in capitals, the sentence goes on as a person's
would ("DAUGHTER QUARRINGTON IN TODAY", "SON QUARRINGTON."). "Wife Aware", "daughter Lasix",
"SON CALLED", "WIFE VISITING" keep their words.

The relation vouches too across "is" or "of N years," ("Wife is Marisol Quenby.", "wife of 40
years, Marisol, at bedside"), for a listed first name or a word outside every vocabulary
that is no faith, origin or mood ("Wife is Jewish.", "Wife is Aware" keep theirs); and, in a
note or a line typed all in lower case, where only the relation tells a name, for lower-case
words outside every vocabulary before a relative's doing or the sentence's end ("wife
marisol called", "dtr ondine in to visit"; "wife called", "son here", "wife teary at bedside"
keep theirs), and in a note typed in capitals for a word in capitals shaped as a name ("WIFE
IS MARISOL, AT BEDSIDE"; "WIFE IS BEDBOUND", "WIFE IS HOH" keep theirs). A word that no name
list holds must look like one: no state's ending, no abbreviation's shape ("son otw", "wife
mpoa called"), no drug's or procedure's ending, no everyday word misspelt ("wife tearfull").

Shapes that vouch the same way, with the same vocabulary test: two names before a credential
("followed by Zelda Quarrington, MSW"), a line holding only a name and a credential ("zelda
quarrington, rn"), an initial and a surname before a credential or a clinician's doing ("B.
QUARRINGTON MD AWARE"; "E. coli" is none), the second lower-case word after a title ("dr.
zelda quarrington."), and two names after "spoke with".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from osler.privacy.deid.capital_roles import _name_word as _capitals_name_word
from osler.privacy.deid.clinical_terms import (abbreviation_shaped, clinical_shaped,
                                               clinical_terms, organism_species)
from osler.privacy.deid.eponyms import eponym_heads, eponym_surnames
from osler.privacy.deid.features import public_vocabulary
from osler.privacy.deid.lexicons import (census_first_names, census_names, clinical_words,
                                         common_words, first_names, last_names,
                                         medication_names, sectioned_words)
from osler.privacy.deid.names import (_MONTH_NAMES, _NOT_NAMES, _RELATIONS, _TITLES,
                                      _WEAK_TITLES, _any_in, _listed_first_name, _mixed_case,
                                      _outside_vocabulary, _title)
from osler.privacy.deid.spans import PhiSpan

__all__ = ["find_kin_names"]

Tokens = tuple[tuple[int, int, str], ...]

#: Relations that introduce a person by name ("wife", "son", "lawyer"); not the weak ones
#: ("with", "by", "family", "name") nor words of a role's phrase ("law", "manager").
_KIN = frozenset(_RELATIONS) - frozenset("""& and ask by called children contact contacts family
grandchildren kids law manager name named per priest siblings spoke with worker""".split())
#: Roles and words that introduce a clinician by name in prose ("wound nurse, Zelda
#: Quarrington", "case manager Quarrington").
_ROLES_NAMED = frozenset("""nurse specialist manager worker therapist coordinator pharmacist
dietitian dietician navigator""".split())
#: People that "named" introduces ("a nurse named Zelda Quarrington", "a friend named Tavish");
#: "a walker named Rollator", "a cat named Whiskers" name no person.
_PEOPLE = _KIN | _ROLES_NAMED | frozenset("""doctor physician dr resident intern fellow
attending surgeon provider man woman gentleman lady person boy girl child kid baby someone
somebody patient pt gentleman colleague coworker co-worker boss teacher pastor priest
minister rabbi imam officer aide""".split())
#: Titles typed in lower case, after which a second lower-case word goes on a name ("dr.
#: zelda quarrington").
_LOWER_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss"})
#: Relations shortened with a stop ("dtr. Brisa Quellmoor").
_SHORT_KIN = frozenset({"dtr", "dtrs", "sil", "dil"})
#: Plural relations, after which a list of names runs ("Sons Quill, Barnaby and Ezra").
_PLURAL_KIN = frozenset("""sons daughters dtrs sisters brothers nephews nieces granddaughters
grandsons""".split())
#: What may stand between a relation and its name: a space, a comma, a colon, a dash, an
#: opening parenthesis ("daughter (Zelda Quarrington)", "SISTER ,ZELDA", "DAUGHTER-ZELDA").
_BETWEEN = re.compile(r"[ \t]*[,:(-]?[ \t]*|[ \t]+-{1,3}[ \t]*|-{1,3}")
#: After a name in capitals, what a relative does or where the sentence goes on.
_KIN_DOINGS = frozenset("""aware notified called calls phoned phones visited visiting visits
in at here present updated informed spoke said says states stated reports reported came
comes will was is has had and who to with wants agrees agreed feels left""".split())
#: Roles written in capitals in a note in mixed case that a surname follows ("HO
#: Quarrington notified", "NP Quarrington aware"); "PA" and "RT" are also anatomy.
_CAPITAL_ROLES = frozenset({"HO", "NP", "MD", "RN", "RRT", "CNA", "LPN"})
_ROLE_DOINGS = frozenset("""aware notified paged called informed updated ordered ordering
here at to in with who has had was is will gave saw came spoke said says states stated
reports reported made placed and re""".split())


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    return (public_vocabulary() | clinical_words() | medication_names() | eponym_surnames()
            | eponym_heads() | clinical_terms())


def _listed(low: str) -> bool:
    return (low in first_names() or low in last_names() or low in census_names()
            or low in census_first_names())


def _prose_name_word(word: str, stop: frozenset[str]) -> bool:
    """Capitalised ("Quarrington", "O'Hare", "Smith-Jones"), no vocabulary word, not shaped
    like a verb or an adverb, at least three letters (an initial is left)."""
    core = word.removesuffix("'s")
    if len(core) < 3 or not _title(core) or not core.replace("-", "").replace("'", "").isalpha():
        return False
    return all(len(p) >= 2 and _outside_vocabulary(p, stop) and p not in _vocabulary()
               and p not in _MONTH_NAMES and not p.endswith(("ed", "ing", "ly"))
               for p in core.lower().split("-"))


def find_kin_names(text: str, toks: Tokens, stop: frozenset[str], cased: bool
                   ) -> Iterator[PhiSpan]:
    """The names after a relation or a role (see the module's docstring); ``cased``: the
    note's capitals mean something (it is not typed all in capitals)."""
    lower_note = cased and not _mixed_case(text)
    for i, (_start, end, word) in enumerate(toks[:-1]):
        low = word.lower().rstrip(".")
        last = low.rsplit("-", 1)[-1]        # "COPING-SISTER": a heading joined to it
        if cased and (low in _KIN or low in _ROLES_NAMED or low == "named" and i > 0
                      and toks[i - 1][2].lower() in _PEOPLE):
            yield from _after_kin(text, toks, i, stop, low in _PLURAL_KIN)
            lower = word.islower() and (lower_note or _lower_line(text, _start))
            if low in _KIN:
                yield from _after_kin_phrase(text, toks, i, stop, lower)
            if low in _KIN and lower:
                yield from _after_kin_in_lower_case(text, toks, i, stop)
        elif not cased and last in _KIN and word.isupper():
            yield from _after_kin_in_capitals(text, toks, i, stop)
            if low in _KIN:              # "WIFE IS MARISOL, AT BEDSIDE"
                yield from _after_kin_phrase(text, toks, i, stop, False, capitals=True)
        elif cased and (word in _CAPITAL_ROLES or word in ("md", "np")):
            yield from _after_capital_role(text, toks, i, stop)
        if low in _LOWER_TITLES and word.islower():
            yield from _second_word_in_lower_case(text, toks, i, stop)
    yield from _before_credential(text, toks, stop, cased)
    yield from _signature_lines(text, stop)
    yield from _initial_and_surname(text, stop)
    if cased:
        yield from _spoke_with(text, stop)


def _joined(text: str, a: int, b: int) -> bool:
    """Tokens ending at ``a`` and starting at ``b`` are joined as a relation and its name."""
    between = text[a:b]
    return "\n" not in between and bool(_BETWEEN.fullmatch(between))


def _after_kin(text: str, toks: Tokens, i: int, stop: frozenset[str], plural: bool
               ) -> Iterator[PhiSpan]:
    """"his wife, Zelda Quarrington", "daughter (Zelda)", "Sons Quill, Barnaby and Ezra": one
    or two words written as names after a relation; the first one no list holds (a listed
    first name is the other rules'), a second one a listed name or no vocabulary word."""
    j = i + 1
    after = toks[i][1] + 1 if text[toks[i][1]:toks[i][1] + 1] == "." and toks[i][2].lower() in (
        _SHORT_KIN) else toks[i][1]       # "dtr. Brisa Quellmoor called"
    if not _joined(text, after, toks[j][0]):
        return
    names = 0
    while j < len(toks) and names < 4:
        if not _prose_name_word(toks[j][2], stop):
            return
        start, end = toks[j][0], toks[j][1]
        if (j + 1 < len(toks) and text[end:toks[j + 1][0]] == " "
                and _prose_name_word(toks[j + 1][2], stop)):
            j += 1
            end = toks[j][1]
        # one listed first name alone is the other rules' ("daughter Priyanka")
        if end != toks[j][1] or start != toks[j][0] or not _listed(toks[j][2].lower()) or plural:
            yield PhiSpan(start, end, "NAME")
        names += 1
        # "Sons Quill, Barnaby and Ezra": a list after a plural relation goes on
        j += 1
        if not plural or j >= len(toks):
            return
        between = text[end:toks[j][0]].strip(" \t")
        if toks[j][2].lower() == "and" and between in ("", ","):
            j += 1
        elif between not in (",", "&"):
            return
        if j >= len(toks) or "\n" in text[end:toks[j][0]]:
            return


def _after_kin_in_capitals(text: str, toks: Tokens, i: int, stop: frozenset[str]
                           ) -> Iterator[PhiSpan]:
    """"SISTER, ZELDA QUARRINGTON HAS PHONED", "DAUGHTER-ZELDA---", "SON QUARRINGTON.": one or
    two words in capitals outside every vocabulary after a relation typed in capitals, then
    the sentence's end, a phone number, or a relative's doing ("IN", "CALLED")."""
    j = i + 1
    if not _joined(text, toks[i][1], toks[j][0]):
        return
    taken = []
    while j < len(toks) and len(taken) < 2 and _capitals_name(toks[j][2], stop):
        taken.append(toks[j])
        if j + 1 >= len(toks) or text[toks[j][1]:toks[j + 1][0]] != " ":
            j += 1
            break
        j += 1
    if not taken:
        return
    end = taken[-1][1]
    nxt = toks[j] if j < len(toks) and toks[j][0] >= end else None
    rest = text[end:nxt[0]] if nxt else text[end:]
    gap = rest.strip(" \t")
    if ("\n" in rest or gap[:1] in (".", ",", ";", ")", "-", "(") or (gap[:1].isdigit())
            or (not gap and (nxt is None or nxt[2].lower() in _KIN_DOINGS))):
        yield PhiSpan(taken[0][0], end, "NAME")


#: Between a relation and the name it is given: "Wife is Marisol", "wife of 40 years,
#: Marisol" (the comma: "wife of 40 years at bedside" names no one).
_KIN_PHRASE = re.compile(r"[ \t]+(?:is|was)[ \t]+|[ \t]+of[ \t]+\d{1,2}\+?[ \t]*(?:years?|yrs?)"
                         r"[ \t]*,[ \t]*", re.I)


@lru_cache(maxsize=1)
def _not_kin_names() -> frozenset[str]:
    """What a relative is, feels or does that no vocabulary holds, though it may stand where a
    name would ("Wife is Jewish.", "wife teary at bedside", "son flew in"): faiths, origins
    and languages, states and moods, times, comings and goings (``[not_kin_names]`` of
    ``resources/deid/name_rule_words.txt``)."""
    return sectioned_words("deid/name_rule_words.txt", "not_kin_names")


#: Endings of such words when no name list holds them ("Ukrainian", "Swedish", "Nepali").
_ORIGIN_ENDINGS = ("ish", "ese", "ian", "an", "ic", "ist", "i")


def _after_kin_phrase(text: str, toks: Tokens, i: int, stop: frozenset[str], lower: bool,
                      capitals: bool = False) -> Iterator[PhiSpan]:
    """"Wife is Marisol, visiting daily", "Wife is Marisol Quenby.", "wife of 40 years,
    Marisol, at bedside": one or two words written as names after a relation and "is" or
    "of N years,", the first a listed first name or no vocabulary word (and no faith or
    origin: "Wife is Jewish."), then the sentence's end or a relative's doing ("Wife is
    Aware", "Wife is Spanish speaking" keep their words). In a note or line typed in lower
    case (``lower``), lower-case words as :func:`_after_kin_in_lower_case` takes them ("wife
    is marisol."); in a note typed in capitals (``capitals``), words in capitals as
    :func:`_after_kin_in_capitals` takes them, the first shaped as a name ("WIFE IS MARISOL,
    AT BEDSIDE"; "WIFE IS BEDBOUND", "WIFE IS HOH" keep theirs)."""
    m = _KIN_PHRASE.match(text, toks[i][1])
    if not m or "\n" in m.group():
        return
    j = next((k for k in range(i + 1, min(i + 8, len(toks))) if toks[k][0] >= m.end()), None)
    if j is None or toks[j][0] != m.end():
        return
    if lower and toks[j][2].islower():
        def name(word: str) -> bool:
            return _lower_kin_name(word, stop)
        first, doings = name, _LOWER_KIN_DOINGS
    elif capitals:
        if not toks[j][2].isupper():
            return

        def name(word: str) -> bool:
            return word.isupper() and _capitals_name(word, stop)
        first, doings = (lambda word: _first_in_capitals(word, stop)), _KIN_DOINGS
    else:
        def name(word: str) -> bool:
            return _prose_name_word(word, stop)
        first, doings = (lambda word: _first_after_is(word, stop)), _KIN_DOINGS
    if not first(toks[j][2]):
        return
    start, end = toks[j][0], toks[j][1]
    if (j + 1 < len(toks) and text[end:toks[j + 1][0]] == " " and name(toks[j + 1][2])
            and toks[j + 1][2].lower() not in doings):
        j += 1
        end = toks[j][1]
    if _name_ends(text, toks, j, doings):
        yield PhiSpan(start, end, "NAME")


def _first_after_is(word: str, stop: frozenset[str]) -> bool:
    """A first word of a name after "Wife is": a listed first name or a word outside every
    vocabulary, neither a faith nor an origin."""
    low = word.lower()
    if low in _not_kin_names():
        return False
    if _listed_first_name(word, stop) and low not in _vocabulary():
        return True
    return (_prose_name_word(word, stop) and _capitals_name(word.upper(), stop)
            and not low.endswith(_ORIGIN_ENDINGS) and _unlisted_name_shape(low))


#: Endings of English adjectives and nouns of a state that no vocabulary here holds, seldom
#: of a name that no list holds ("Wife is Bedbound", "Wife is Bilingual", "Wife is
#: Nonambulatory", "wife tearfull").
_STATE_ENDINGS = ("bound", "al", "ic", "ive", "ous", "less", "ful", "full", "ing", "ed", "ory",
                  "ary", "able", "ible", "board", "aler", "ler")


def _unlisted_name_shape(low: str) -> bool:
    """Whether a lower-case word that no name list holds may still be a name: four letters or
    more, no state's ending, no abbreviation's shape ("otw", "mpoa", "pharmd", "adhd"), no
    procedure's or drug's ending, and no everyday word misspelt by a letter more or two letters
    swapped ("tearfull", "anxoius")."""
    return (len(low) >= 4 and not low.endswith(_STATE_ENDINGS) and not abbreviation_shaped(low)
            and not clinical_shaped(low) and not _misspelt_word(low))


@lru_cache(maxsize=1)
def _everyday_words() -> frozenset[str]:
    """The words :func:`_misspelt_word` reads misspellings of."""
    return _vocabulary() | common_words() | _not_kin_names()


def _misspelt_word(low: str) -> bool:
    """Whether ``low`` (six letters or more) is an everyday or clinical word with one letter
    doubled or added, or two letters swapped: a cheap edit of one, never a letter changed
    (a name is often a word with one letter changed)."""
    if len(low) < 6:
        return False
    words = _everyday_words()
    if any(low[:k] + low[k + 1:] in words for k in range(len(low))):
        return True
    return any(low[:k] + low[k + 1] + low[k] + low[k + 2:] in words for k in range(len(low) - 1))


def _first_in_capitals(word: str, stop: frozenset[str]) -> bool:
    """A first word of a name in capitals after "WIFE IS": a word in capitals that may be a
    name, no faith, origin or state, and, unless a first name's list holds it, shaped as a
    name (:func:`_unlisted_name_shape`)."""
    low = word.lower()
    if not word.isupper() or low in _not_kin_names() or not _capitals_name(word, stop):
        return False
    if low in first_names() or low in census_first_names():
        return True
    return not low.endswith(_ORIGIN_ENDINGS) and _unlisted_name_shape(low)


def _name_ends(text: str, toks: Tokens, j: int, doings: frozenset[str]) -> bool:
    """The name ending with token ``j`` ends there: a line's or the text's end, a stop, a
    comma, a bracket or a dash after it, or one of ``doings`` ("in", "called")."""
    end = toks[j][1]
    nxt = toks[j + 1] if j + 1 < len(toks) else None
    rest = text[end:nxt[0]] if nxt else text[end:]
    gap = rest.strip(" \t")
    if (not gap and nxt is not None and nxt[2].lower() in ("and", "&") and "and" not in doings
            and j + 2 < len(toks)):
        return toks[j + 2][2].lower() in _KIN    # "wife marisol and son bram at bedside"
    return ("\n" in rest or gap[:1] in (".", ",", ";", ")", "-", "(", "!", "?")
            or (not gap and (nxt is None or nxt[2].lower() in doings)))


#: After a lower-case name, what a relative does or where they are ("wife marisol called",
#: "dtr ondine in to visit"); narrower than in capitals: no "and", "is", "to".
_LOWER_KIN_DOINGS = frozenset("""aware notified called calls phoned phones visited visiting
visits in at here present updated informed spoke said says states stated reports reported
came comes wants agrees agreed feels left""".split())


def _lower_line(text: str, at: int) -> bool:
    """The line holding offset ``at`` has no capital letter."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start:end if end >= 0 else len(text)]
    return not any(c.isupper() for c in line)


def _lower_kin_name(word: str, stop: frozenset[str]) -> bool:
    """A lower-case word after a relation that may be a name: outside every vocabulary, and
    none of the words a name typed in capitals may not be either (the case tells nothing in
    both): no ending of an English word ("anxious", "tearful"), no word of ward talk."""
    low = word.lower()
    if low in _not_kin_names() or not _lower_word(word, stop):
        return False
    if low in first_names() or low in census_first_names():
        return _capitals_name(word.upper(), stop)
    return _capitals_name(word.upper(), stop) and _unlisted_name_shape(low)


def _after_kin_in_lower_case(text: str, toks: Tokens, i: int, stop: frozenset[str]
                             ) -> Iterator[PhiSpan]:
    """"wife marisol called at 3pm", "dtr ondine in to visit": in a note or a line typed all
    in lower case, where only the relation tells a name, one or two lower-case words outside
    every vocabulary after it, then the sentence's end or a relative's doing ("wife
    called", "son here", "daughter states" keep their words)."""
    j = i + 1
    if not _joined(text, toks[i][1], toks[j][0]) or not _lower_kin_name(toks[j][2], stop):
        return
    if (j + 1 < len(toks) and text[toks[j][1]:toks[j + 1][0]] == " "
            and _lower_kin_name(toks[j + 1][2], stop)
            and toks[j + 1][2].lower() not in _LOWER_KIN_DOINGS):
        j += 1
    if _name_ends(text, toks, j, _LOWER_KIN_DOINGS):
        yield PhiSpan(toks[i + 1][0], toks[j][1], "NAME")


#: Endings of English words, seldom of a name in capitals ("WIFE ANXIOUS", "SON DRIVES").
_ENDINGS = ("S", "PERSON", "ABLE", "IBLE", "MENT", "TION", "SION", "NESS", "FUL", "LESS", "OUS", "IVE",
            "IZE", "ISE", "ATE", "ITY", "ISM")


def _after_capital_role(text: str, toks: Tokens, i: int, stop: frozenset[str]
                        ) -> Iterator[PhiSpan]:
    """"HO Quarrington notified", "NP Quarrington aware", "per NP Quarrington.": a surname no
    list holds after a role written in capitals, in a note written in mixed case, then a
    person's doing or the sentence's end."""
    if text[toks[i][1]:toks[i + 1][0]] != " ":
        return
    start, end, word = toks[i + 1]
    if not _prose_name_word(word, stop) or _any_in(word.lower(), _TITLES, _WEAK_TITLES,
                                                   _RELATIONS, _NOT_NAMES):
        return
    nxt = toks[i + 2] if i + 2 < len(toks) else None
    rest = text[end:nxt[0]] if nxt else text[end:]
    gap = rest.strip(" \t")
    if ("\n" in rest or gap[:1] in (".", ",", ";", ")")
            or (not gap and nxt is not None and nxt[2].lower() in _ROLE_DOINGS)):
        yield PhiSpan(start, end, "NAME")


def _lower_word(word: str, stop: frozenset[str]) -> bool:
    """A lower-case word of a name ("quarrington"): no vocabulary word, not shaped like a
    verb or an adverb, three letters or more."""
    low = word.removesuffix("'s")
    return (low.islower() and len(low) >= 3 and low.isalpha() and _outside_vocabulary(low, stop)
            and low not in _vocabulary() and low not in _MONTH_NAMES
            and not low.endswith(("ed", "ing", "ly")))


def _second_word_in_lower_case(text: str, toks: Tokens, i: int, stop: frozenset[str]
                               ) -> Iterator[PhiSpan]:
    """"pt of dr. zelda quarrington.", "mrs. zelda quarrington, tel": the title's rule takes
    the first word typed in lower case; the second is the surname when both lie outside every
    vocabulary and the sentence ends or a comma follows."""
    if i + 3 > len(toks) or "\n" in text[toks[i][1]:toks[i + 2][0]]:
        return
    (_a, end1, first), (start2, end2, second) = toks[i + 1], toks[i + 2]
    if text[toks[i][1]:toks[i + 1][0]].strip(" \t.") or text[end1:start2] != " ":
        return
    rest = text[end2:end2 + 2]
    if (_lower_word(first, stop) and _lower_word(second, stop)
            and (rest[:1] in (",", ";", ")", "\n", "") or rest[:1] == "." and rest[1:2] in (
                " ", "\n", ""))):
        yield PhiSpan(start2, end2, "NAME")


#: Credentials after a name ("Zelda Quarrington, MSW", "ZELDA QUARRINGTON RRT").
_CREDENTIAL_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:RN|RRT|NP|MD|LPN|MSW|LICSW|PA-C|CNA|SW|PT|DPT|"
                               r"OTR|OTR/L|RD|RDN|LDN|CCC-SLP|SLP|PharmD|PHARMD|APRN|CRNP|FNP|"
                               r"ANP|DNP|CNS|NP-C|RPh|RPH|LCSW|LMSW)(?![\w-])")
#: Words before a clinician's name in a note typed in capitals ("PER ZELDA QUARRINGTON NP").
_PERSON_CUES = frozenset({"per", "by", "with", "to", "from"})


def _before_credential(text: str, toks: Tokens, stop: frozenset[str], cased: bool
                       ) -> Iterator[PhiSpan]:
    """"followed by Zelda Quarrington, MSW", "PER ZELDA QUARRINGTON NP": two words written as
    names, both outside every vocabulary, right before a credential; in capitals, after a
    word that introduces a person ("PER", "BY"), a line's or a sentence's start ("ABG DONE RRT" is
    none: "ABG", "DONE" are vocabulary)."""
    for k in range(len(toks) - 1):
        (a, b, first), (c, d, second) = toks[k], toks[k + 1]
        if text[b:c] != " " or not _CREDENTIAL_AFTER.match(text, d):
            continue
        if cased:
            if not (_prose_name_word(first, stop) and _prose_name_word(second, stop)):
                continue
        else:
            before = text[toks[k - 1][1]:a] if k else "\n"
            cue = ("\n" in before or before.strip(" \t") in (".", "-", "->")
                   or (k and toks[k - 1][2].lower() in _PERSON_CUES and not before.strip()))
            if not (cue and all(_capitals_name(w, stop) for w in (first, second))):
                continue
        yield PhiSpan(a, d, "NAME")


def _capitals_name(word: str, stop: frozenset[str]) -> bool:
    """A word in capitals that may be a name no list holds: no vocabulary word, a vowel, and
    no ending of an English word ("VISITS", "ANXIOUS") unless a name list holds it."""
    low = word.lower()
    return (_capitals_name_word(word, stop) and bool(re.search(r"[AEIOUY]", word))
            and low not in _KIN and low.removesuffix("s") not in _KIN   # "FRIENDS"
            and (not word.endswith(_ENDINGS) or low in first_names() or low in last_names()))


def _name_word_any_case(word: str, stop: frozenset[str]) -> bool:
    """A word of a name in whatever casing the note uses ("quarrington", "Quarrington",
    "QUARRINGTON"), or a listed name that is no vocabulary word."""
    if word.islower():
        return _lower_word(word, stop) or (_listed(word) and _outside_vocabulary(word, stop))
    if word.isupper():
        return _capitals_name(word, stop)
    return _prose_name_word(word, stop)


#: A signature line: two or three words (a middle initial between), a credential, nothing
#: else ("zelda quarrington, rn", "ZELDA C. QUARRINGTON, RRT").
_SIGNATURE_LINE = re.compile(
    r"^[ \t]*(?P<a>[A-Za-z][A-Za-z'-]+)(?:[ \t]+(?P<i>[A-Za-z])\.?)?[ \t]+(?P<b>[A-Za-z][A-Za-z'-]+)"
    r"[ \t]*,?[ \t]*(?i:rn|rrt|np|md|lpn|msw|licsw|cna|pa-c|bsn)[ \t.]*$", re.M)


def _signature_lines(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """A line that holds only a name and a credential, both words outside every vocabulary
    (or listed names) and written the same way ("pt stable, rn" is vocabulary)."""
    for m in _SIGNATURE_LINE.finditer(text):
        a, b = m.group("a"), m.group("b")
        same = (a.islower() == b.islower()) and (a.isupper() == b.isupper())
        if same and _name_word_any_case(a, stop) and _name_word_any_case(b, stop):
            yield PhiSpan(m.start("a"), m.end("b"), "NAME")


#: An initial and a surname before a credential or a clinician's doing ("B. QUARRINGTON MD
#: AWARE", "J QUARRINGTON ORDERED", "J. Quarrington PA into evaluate"); "E. coli" is none.
_INITIAL_SURNAME = re.compile(
    r"(?<![A-Za-z.'/\d])(?P<i>[A-Za-z])(?:\.[ \t]?|[ \t])(?P<n>[A-Za-z][A-Za-z'-]{2,})"
    r"(?:[ \t]*,[ \t]*|[ \t]+)"
    r"(?=(?i:md|np|pa|rn|rrt|ho)\b|(?i:aware|notified|ordered|paged)\b)")


def _initial_and_surname(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    for m in _INITIAL_SURNAME.finditer(text):
        initial, name = m.group("i"), m.group("n")
        dotted = text[m.end("i"):m.end("i") + 1] == "."
        if not (dotted or initial.isupper() and name.isupper() and len(name) >= 4):
            continue   # "a Quarrington": an article; "CAROL M ADE AWARE": a typo
        if name.lower() in organism_species() and dotted or (
                initial.upper() in "RLB" and not dotted and not _listed(name.lower())):
            continue   # "K. Pneumoniae", "A. Fib"; "R PLEURX": a side and a device
        if initial.isupper() == name[:1].isupper() and _name_word_any_case(name, stop):
            yield PhiSpan(m.start("i"), m.end("n"), "NAME")


_SPOKE_WITH = re.compile(r"\b(?i:spoke|spoken|talked|met|speaking|talking|meeting|discussed|"
                         r"discussing|reviewed|conferred)[ \t]+(?i:with|w/)[ \t]*"
                         r"(?:(?P<c>[A-Z][a-z'-]+)[ \t]+(?:and|&)[ \t]+)?"
                         r"(?P<a>[A-Z][a-z'-]+)[ \t]+(?P<b>[A-Z][a-z'-]+)(?![\w'-])")


def _spoke_with(text: str, stop: frozenset[str]) -> Iterator[PhiSpan]:
    """"I spoke with Zelda Quarrington, who ...": two words written as names, both outside
    every vocabulary, after "spoke with" ("spoke with Renal Fellow" keeps its words)."""
    for m in _SPOKE_WITH.finditer(text):
        if _prose_name_word(m.group("a"), stop) and _prose_name_word(m.group("b"), stop):
            yield PhiSpan(m.start("a"), m.end("b"), "NAME")
            if m.group("c") and _prose_name_word(m.group("c"), stop):   # "Zelda and Tavish Q."
                yield PhiSpan(m.start("c"), m.end("c"), "NAME")
