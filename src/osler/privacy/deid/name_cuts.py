"""Words the name rules or the tagger took for a name that are none, cut from the final spans
(:func:`~osler.privacy.deid.detect.phi_of`; no rule layer, so no tagger feature changes).

A title or a relation makes the next word a candidate name, and a capital makes it likely;
but a function word after "doctor" ("Call your doctor if you have fever"), a verb after a
relation ("Mom fell again"), a role, an occupation or a state of health after a relation or a
role ("Nurse Practitioner", "Retired Carpenter", "Brother - Healthy") and a walking frame
("Zimmer frame") name no one; and a relation between two names parts them ("Mr. Quimbleworth's
son Barnaby" is two names, not one).
"""

from __future__ import annotations

import re

from osler.privacy.deid.names import (_RELATIONS, _TITLES, _WEAK_TITLES, _capital_signal,
                                      _mixed_case)
from osler.privacy.deid.spans import PhiSpan

__all__ = ["without_false_names"]

#: Function words that are never a name, whatever the case ("doctor if", "Dr. about").
_FUNCTION_WORDS = frozenset("""and are as at be because been before but by can could did
does during for from had has have her hers him his how i'm if into is it its me my no nor not
now of or our ours please right she should since that the their them then there these they
this those though today tomorrow tonight too unless until was we were what whether which
while why would you your yours asap immediately""".split())

#: Past or present verbs a relation is the subject of ("Mom fell", "Dad died", "wife says").
_VERBS = frozenset("""fell died went came left said told felt broke took got had saw found gave
ran sat slept woke ate drank brought thought lost sent paid drove flew hurt kept knew lay
made met put rode shook stood stuck threw wore wrote was is has does did says wants thinks
feels knows lives lived passed tripped slipped fainted noticed reported reports""".split())

#: Roles, degrees and states of health that are no surnames ("Nurse Practitioner", "Son -
#: Consultant", "Brother - Healthy", "Dr. Kowal, PhD").
_NEVER_NAMES = frozenset("""practitioner practitioners consultant navigator surgeon physician
hospitalist intensivist specialist technician technologist therapist pharmacist assistant
coordinator counselor counsellor paramedic student phd dds dmd psyd edd mba mph msn dnp
nurse engineer accountant attorney lawyer electrician mechanic firefighter clerk secretary
retired healthy deceased alive living unknown""".split())
#: Function words that are also surnames ("Dr. An", "Dr. To", "Mr. He"): no names only in
#: lower case in a note with capitals ("doctor in the ED").
_SURNAME_FUNCTION_WORDS = frozenset({"an", "do", "he", "in", "on", "so", "to", "than", "who",
                                     "us", "yet", "ha"})
#: Modal verbs that are also first names, no names in lower case in a note with capitals
#: ("Your doctor may change the dose").
_MODALS = frozenset({"may", "will", "can", "might", "must", "shall"})

#: Occupations that are also surnames ("Retired Carpenter", "Brother - Baker"): no name only
#: after a word that introduces a job.
_OCCUPATIONS = frozenset("""carpenter baker mason cook porter farmer fisher hunter painter
butler plumber weaver potter gardener barber brewer miner tailor driver teacher
banker""".split())
_JOB_CUES = frozenset("""retired former works worked working employed occupation job
profession trade a an""".split())

_WORD_BEFORE = re.compile(r"(?P<w>[A-Za-z][A-Za-z'&]*)\.?[ \t]*(?P<sep>[-:,/]?)[ \t]*$")
_FRAME_AFTER = re.compile(r"[ \t]+frame\b", re.I)
_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


#: Titles alone, never a name ("Dr" of "Dr. Kowal, PhD" taken before the surname), and a
#: letter's greetings and closings ("Thanks, Rowena" read as "Surname, First").
_TITLES_ALONE = frozenset({"dr", "drs", "mr", "mrs", "thanks", "thank", "regards",
                           "sincerely", "cheers", "hello", "hi", "dear"})
#: Words before a name that make it one even where the same word was found to be none
#: elsewhere in the note ("Retired Carpenter ... Dr. Carpenter called").
_NAMING_WORDS = _TITLES | _WEAK_TITLES | _RELATIONS | {"ms", "miss", "nurse", "per"}


def without_false_names(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` less the name spans of the module's docstring, names parted at a relation;
    a word its context showed to be none is none at its other mentions either ("Mom fell
    ... she fell twice": the second was spread from the first), unless a title or a
    relation is right before it. A span of a service's words only is none wherever no title
    or relation names it ("Care team: Palliative Care")."""
    mixed, cased = _mixed_case(text), _capital_signal(text)
    services = _services_named_nowhere(text, spans)
    out, false_words = [], set()
    for span in spans:
        if span.type != "NAME":
            out.append(span)
        elif text[span.start:span.end] in services:
            continue   # "Care team: Palliative Care (attending)", and its spread "Care"
        elif _false_name(text, span, mixed, cased):
            false_words.add(text[span.start:span.end])
        else:
            out.extend(_parted(text, span))
    if not false_words:
        return out
    return [s for s in out if s.type != "NAME" or text[s.start:s.end] not in false_words
            or _word_before(text, s.start)[0] in _NAMING_WORDS]


def _services_named_nowhere(text: str, spans: list[PhiSpan]) -> set[str]:
    """The name spans made of a service's words only ("Palliative Care", or "Care" of "Care
    team" spread from it) that no title or relation puts right before any of their mentions
    (a label's colon between does not count): a service, not a person ("Dr. Block ... Block
    said" keeps both)."""
    from osler.privacy.deid.cued_names import service_value   # it imports the name rules
    values: dict[str, bool] = {}
    for span in spans:
        if span.type == "NAME":
            value = text[span.start:span.end]
            # "Dr. Block" names a person; a label does not ("Attending: Palliative Care")
            before, sep = _word_before(text, span.start)
            named = before in _NAMING_WORDS and sep != ":"
            values[value] = values.get(value, False) or named
    return {value for value, named in values.items()
            if not named and service_value(_NAME_WORD.findall(value))}


def _word_before(text: str, start: int) -> tuple[str, str]:
    """The lower-case word before ``start`` on its line, and the mark between ("-", ":")."""
    m = _WORD_BEFORE.search(text, max(0, start - 40), start)
    return (m.group("w").lower(), m.group("sep")) if m else ("", "")


def _false_name(text: str, span: PhiSpan, mixed: bool, cased: bool) -> bool:
    """Whether the one word of ``span`` names no one (see the module's docstring)."""
    word = text[span.start:span.end]
    low = word.lower()
    if not _NAME_WORD.fullmatch(word):
        return _roles_only(word)
    if (low in _MODALS or low in _SURNAME_FUNCTION_WORDS) and word.islower() and mixed:
        return True   # "Your doctor may change the dose", "Dr. in the ED" (not "Dr. An")
    if low in _FUNCTION_WORDS or low in _NEVER_NAMES or low in _TITLES_ALONE:
        return True
    if _FRAME_AFTER.match(text, span.end):
        return True   # "walks with a Zimmer frame"
    before, sep = _word_before(text, span.start)
    if (low in _VERBS and before in _RELATIONS
            and (word.islower() and mixed or word.isupper() and not cased)):
        return True   # "Daughter reports Mom fell again yesterday", "MOM FELL AGAIN"
    if low in _OCCUPATIONS and (before in _JOB_CUES or (sep in ("-", ":")
                                                       and before in _RELATIONS)):
        return True   # "Retired Carpenter", "Brother - Carpenter"
    return False


def _roles_only(value: str) -> bool:
    """A span of words that are all roles or states ("Retired Engineer", "Nurse
    Practitioner"), or "retired"/"former" and an occupation ("Retired Carpenter"); "Nurse
    Baker" (a role and a surname) is a name."""
    words = [w.lower() for w in _NAME_WORD.findall(value)]
    if len(words) < 2:
        return False
    if words[0] in ("retired", "former"):
        words = words[1:]
        return all(w in _NEVER_NAMES or w in _OCCUPATIONS for w in words)
    return all(w in _NEVER_NAMES for w in words)


#: Relations that part two names written around them ("Quimbleworth's son Barnaby").
_PARTING = re.compile(r"[ \t]+(?:wife|husband|son|daughter|brother|sister|mother|father|"
                      r"mom|dad|niece|nephew|grandson|granddaughter|friend|partner|"
                      r"aunt|uncle|cousin|fiance|fiancee)[ \t]+")


def _parted(text: str, span: PhiSpan) -> list[PhiSpan]:
    """``span`` in pieces at each lower-case relation word inside it, the relation left out
    ("Quimbleworth's son Barnaby" -> "Quimbleworth's", "Barnaby")."""
    pieces, start = [], span.start
    for m in _PARTING.finditer(text, span.start, span.end):
        if m.start() > start:
            pieces.append(PhiSpan(start, m.start(), "NAME"))
        start = m.end()
    if start == span.start:
        return [span]
    if start < span.end:
        pieces.append(PhiSpan(start, span.end, "NAME"))
    return pieces

