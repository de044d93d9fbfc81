"""Find PHI in free text: patterns, dictionaries and context, merged into one span list.

With a learned tagger (:class:`~osler.privacy.deid.tagger.PhiTagger`), the rules become its
features: the tagger decides names and places, and every pattern match (dates, phones,
e-mail, ids ...) is kept whatever the tagger says.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from osler.privacy.deid.features import public_vocabulary
from osler.privacy.deid.fold import fold, other_script_words, over_marks
from osler.privacy.deid.clinical_terms import without_clinical_terms
from osler.privacy.deid.eponyms import without_eponyms
from osler.privacy.deid.lexicons import common_words, name_stopwords, service_abbreviations
from osler.privacy.deid.name_completion import trailing_not_name_words, with_completed_names
from osler.privacy.deid.name_cuts import without_false_names
from osler.privacy.deid.name_neighbours import with_name_neighbours
from osler.privacy.deid.names import _capital_signal, find_names, find_sure_names
from osler.privacy.deid.places import (SPECIALTIES, find_places, find_sure_places,
                                      with_zip_after_places, without_drugs, without_services)
from osler.privacy.deid.patterns import find_patterns, is_score
from osler.privacy.deid.spans import PhiSpan, cut_out, merge_spans
from osler.privacy.deid.visible import VisibleText, visible
from osler.privacy.deid.vocab import (MONTH_ABBREVIATIONS, MONTHS, WEEKDAY_ABBREVIATIONS,
                                      WEEKDAYS)
from osler.privacy.deid.word_search import find_words

if TYPE_CHECKING:
    from osler.privacy.deid.tagger import PhiTagger

__all__ = ["BUNDLED_TAGGER", "bundled_tagger", "combine", "detect_phi", "everyday_words",
           "known_word_at", "phi_of", "resolve_tagger", "rule_layers", "spreading_words",
           "tagged_phi", "with_rules", "without_credentials",
           "without_digitless_phones"]

#: The tagger shipped with Osler, trained on the PhysioNet deid development notes (see
#: ``benchmarks/deid_physionet.py --cv`` for its cross-validated figures).
BUNDLED_TAGGER = "deid/phi_tagger.json.gz"

# When two detectors claim overlapping text, the more specific shape wins the type.
_PRIORITY = {"EMAIL": 0, "URL": 1, "IP": 2, "PHONE": 3, "ID": 4, "DATE": 5, "AGE": 6,
             "NAME": 7, "LOCATION": 8}


def detect_phi(text: str, *, tagger: PhiTagger | str | Path | None = "bundled",
               known: Mapping[str, str] | None = None) -> list[PhiSpan]:
    """Non-overlapping PHI spans of ``text``, in order, with offsets into ``text``.

    Parameters
    ----------
    text : str
        A clinical note.
    tagger : PhiTagger, path, 'bundled' or None
        The learned tagger that decides with the rules: Osler's own (``'bundled'``), a model
        file written by :meth:`PhiTagger.save`, a fitted instance, or ``None`` for rules only.
    known : mapping, optional
        Words known to be PHI of this patient (lower case -> "NAME" or "LOCATION"), e.g. the
        names of a FHIR Bundle's Patient: every mention of them is PHI.

    Examples
    --------
    >>> [(text[s.start:s.end], s.type) for text in ["Seen by Dr. Osler on 3/14/2019."]
    ...  for s in detect_phi(text, tagger=None)]
    [('Osler', 'NAME'), ('3/14/2019', 'DATE')]
    """
    # read as a reader sees it (no zero-width characters inside a name), with offsets mapped
    # back to ``text``; folding keeps the length, so its offsets are the visible text's
    view = VisibleText.of(text)
    folded = fold(view.text)
    model = None if tagger is None else resolve_tagger(tagger)
    known = _known_words(known) if known else None
    spans = phi_of(folded, rule_layers(folded), model, known=known)
    return view.to_original(over_marks(view.text, other_script_words(view.text, spans)))


def _known_words(known: Mapping[str, str]) -> dict[str, str]:
    """``known`` (see :func:`detect_phi`) as the detector reads words: visible, folded, lower
    case ("Jo\u200bhn" is "john")."""
    return {fold(visible(w)).lower(): t for w, t in known.items()}


def phi_of(text: str, layers: dict[str, list[PhiSpan]], model: PhiTagger | None, *,
           known: Mapping[str, str] | None = None) -> list[PhiSpan]:
    """PHI of ``text`` from its rule layers, with the tagger ``model`` or the rules alone.

    ``known`` maps lower-case words already found as "NAME" or "LOCATION" elsewhere (in
    another note of the same patient) to their type: every mention of them here is PHI too.
    """
    if model is None:
        # the names and places context alone vouches for count without the tagger too
        # ("SISTER, ZELDA HAS PHONED", "CVS on Elm St"): no layer holds them, so add them here
        sure = [*find_sure_names(text), *find_sure_places(text)]
        spans = (layers["rules"] if not known and not sure else
                 _merge(text, layers["patterns"], [*layers["names"], *sure, *layers["places"]],
                        known))
        spans = without_eponyms(text, spans)
    else:
        spans = tagged_phi(text, layers, model, known=known)
    # the rest of a name found in part ("Call Marigold [Wei]", "O'[Donnell]"), then spread to
    # its other mentions like any name; a medical eponym joined to it ("Dr. Quimby diagnosed
    # Stevens-Johnson") is still no one's name
    completed = with_completed_names(text, spans)
    if completed != spans:
        spans = without_eponyms(text, _propagate(text, merge_spans(completed), known))
    # cuts of the final spans, no rule layer (the tagger's features stay): a drug's name used
    # as a drug ("Norco 10/325 mg"), a clinical service ("Hepatology Clinic") is no place; a
    # phone span with no digit ("Dear" after a fax line) is no phone; "doctor [if]", "Mom
    # [fell]", "Nurse [Practitioner]" are no names, whoever found them
    spans = without_digitless_phones(text, without_credentials(text, spans))
    spans = without_false_names(text, without_services(text, without_drugs(text, spans)))
    # a ward word no one is named ("K. Pneumoniae", "R PLEURX", "St. Jude valve", "NOK")
    spans = without_clinical_terms(text, spans)
    # a service, weekday, drug or ward word the tagger ran a name over ("Dr. [Quimby
    # Cardiology] will follow", "Mr. [Quenington Afebrile]") is cut off the name's end
    spans = trailing_not_name_words(text, spans)
    return with_zip_after_places(text, spans)


# a degree written with stops, never a name's initials ("Quaxworth M.D." is no "M." initial)
_CREDENTIAL = re.compile(r"(?<![A-Za-z.])(?:M\.D|D\.O|R\.N|N\.P|P\.A|Ph\.D|R\.R\.T|D\.D\.S)"
                         r"\.?(?![A-Za-z])")


def without_credentials(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with no name over a degree written with stops: "Dr. Quaxworth M.D." redacts
    the name, never the "M." of "M.D." (which left "[NAME]D.")."""
    found = [m.span() for m in _CREDENTIAL.finditer(text)] if "." in text else []
    return cut_out(text, spans, found, frozenset({"NAME"}), end_marks=".") if found else spans


def without_digitless_phones(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` less any phone number with no digit: the tagger reading a fax line may take
    the next line's first word for one ("Fax: (508) 555-0143\\nDear Dr. Quill" tagged
    "Dear"), and a phone with no digit is no phone."""
    return [s for s in spans
            if s.type != "PHONE" or any(ch.isdigit() for ch in text[s.start:s.end])]


def tagged_phi(text: str, layers: dict[str, list[PhiSpan]], model: PhiTagger, *,
               known: Mapping[str, str] | None = None) -> list[PhiSpan]:
    """The tagger's spans (with the rules' names and places if it keeps them) and patterns,
    re-checked until tagging the note reveals nothing more.

    The tagger reads context, and replacing PHI by ``[TYPE]`` tags changes the context of
    what is left ("Quimby a.b@example.org" -> "Quimby [EMAIL]"). Spans found in the tagged
    note are added (at their original offsets) until a pass finds none, so de-identifying the
    output again changes nothing. ``known``: see :func:`phi_of`.
    """
    spans = _one_pass(text, layers, model, known)
    for _ in range(_MAX_PASSES if spans else 0):  # nothing tagged: the same note again
        tagged, pieces = _tag_text(text, spans)
        more = _one_pass(tagged, rule_layers(tagged), model, known)
        if not more:
            break
        index = _piece_index(pieces)
        spans = _merge(text, [], [*spans, *(_to_original(s, pieces, index) for s in more)],
                       known)
    return without_eponyms(text, spans)   # medical eponyms are no one's name


# Each pass can only add spans; the bound keeps a pathological note from looping long (after
# it, idempotence is no longer guaranteed for that note).
_MAX_PASSES = 3


def _one_pass(text: str, layers: dict[str, list[PhiSpan]], model: PhiTagger,
              known: Mapping[str, str] | None = None) -> list[PhiSpan]:
    return combine(text, layers, with_rules(model.predict(text, layers), layers,
                                            model.union_rules), known=known)


def with_rules(learned: list[PhiSpan], layers: dict[str, list[PhiSpan]],
               union: bool | str) -> list[PhiSpan]:
    """The tagger's spans plus the rules' names and places (``True``), names (``'names'``)."""
    if union == "names":
        return [*learned, *layers["names"]]
    if union:
        return [*learned, *layers["names"], *layers["places"]]
    return learned


def _tag_text(text: str, spans: list[PhiSpan]) -> tuple[str, list[tuple[int, int, int, int]]]:
    """``text`` with spans replaced by ``[TYPE]``, and pieces (new start, new end, old start,
    old end); a piece is a tag when its old and new lengths differ or it is a span."""
    parts, pieces, pos, new = [], [], 0, 0
    for span in spans:
        plain = text[pos:span.start]
        parts.append(plain)
        pieces.append((new, new + len(plain), pos, span.start))
        new += len(plain)
        label = f"[{span.type}]"
        parts.append(label)
        pieces.append((new, new + len(label), span.start, -span.end))  # negative: a tag
        new += len(label)
        pos = span.end
    parts.append(text[pos:])
    pieces.append((new, new + len(text) - pos, pos, len(text)))
    return "".join(parts), pieces


def _to_original(span: PhiSpan, pieces: list[tuple[int, int, int, int]],
                 index: tuple[list[int], list[tuple[int, int, int, int]]] | None = None
                 ) -> PhiSpan:
    """``span`` of the tagged text at its offsets in the original (a tag maps to the whole
    span it replaced). ``index``: :func:`_piece_index` of ``pieces``, made once per tagged
    text, so that each span is found in log time, not by a scan of every piece (which grew
    with the square of a long note's spans)."""
    starts, nonempty = index or _piece_index(pieces)

    def where(p: int, end: bool) -> int:
        # the pieces that are not empty tile the tagged text: a start lies in the one with
        # a <= p < b, an end (p > 0) in the one with a < p <= b
        k = (bisect_left(starts, p) if end and p > 0 else bisect_right(starts, p)) - 1
        if k >= 0:
            a, b, old_start, old_end = nonempty[k]
            if p < b or (end and p == b):
                if old_end < 0:  # inside a tag: the whole replaced span
                    return -old_end if end else old_start
                return old_start + (p - a)
        return pieces[-1][3]
    return PhiSpan(where(span.start, False), where(span.end, True), span.type)


def _piece_index(pieces: list[tuple[int, int, int, int]]
                 ) -> tuple[list[int], list[tuple[int, int, int, int]]]:
    """The pieces of :func:`_tag_text` that are not empty, and their starts (in order)."""
    nonempty = [piece for piece in pieces if piece[1] > piece[0]]
    return [piece[0] for piece in nonempty], nonempty


def rule_layers(text: str) -> dict[str, list[PhiSpan]]:
    """What each rule family finds ("patterns", "names", "places") and their merge ("rules")."""
    patterns = list(find_patterns(text))
    names, places = list(find_names(text)), list(find_places(text))
    return {"patterns": patterns, "names": names, "places": places,
            "rules": _merge(text, patterns, [*names, *places])}


def combine(text: str, layers: dict[str, list[PhiSpan]], learned: list[PhiSpan], *,
            known: Mapping[str, str] | None = None) -> list[PhiSpan]:
    """The tagger's spans plus every pattern match and every name context alone vouches for
    (:func:`~osler.privacy.deid.names.find_sure_names`), merged, trimmed and propagated (to
    every mention of a name or place of the note, or of ``known``: see :func:`phi_of`)."""
    # not a layer: the tagger's features are the layers', and this is no feature of it
    sure = list(find_sure_names(text))
    places = list(find_sure_places(text))
    # where context vouches for a name, the tagger's type for the same words ("Patient:
    # Zebulon Quackenbush" read as a place) does not decide
    vouched = _overlap_test(sure)
    learned = [PhiSpan(s.start, s.end, "NAME") if vouched(s) else s for s in learned
               # a score the patterns know is none ("GCS 3/15", "Apgars 8/9") is no date either
               if not (s.type == "DATE" and is_score(text, s.start, s.end))]
    # "with Ignatius [Pemberton]", "[Lucinda] and Bartholomew": the rest of a name found
    named = with_name_neighbours(text, [*learned, *sure])
    return _merge(text, layers["patterns"], [*named, *places], known)


def _interval_index(spans: list[PhiSpan]) -> tuple[list[int], list[int]]:
    """The spans' starts in order, and the furthest end reached by the spans up to each: a
    span starting before index k+1 can only reach ``reach[k]`` (for log-time overlap tests)."""
    ordered = sorted((s.start, s.end) for s in spans)
    return [a for a, _ in ordered], list(accumulate((b for _, b in ordered), max))


def _overlap_test(spans: list[PhiSpan]):
    """A function telling whether a span overlaps one of ``spans`` (in log time)."""
    starts, reach = _interval_index(spans)

    def overlaps(span: PhiSpan) -> bool:
        k = bisect_left(starts, span.end) - 1   # the spans that start before its end
        return k >= 0 and reach[k] > span.start
    return overlaps


def _merge(text: str, patterns: list[PhiSpan], words: list[PhiSpan],
           known: Mapping[str, str] | None = None) -> list[PhiSpan]:
    spans = list(patterns)
    starts, reach = _interval_index(spans)
    for span in words:
        # Names inside an e-mail address or URL are already covered by the pattern span.
        k = bisect_right(starts, span.start) - 1
        if k < 0 or reach[k] < span.end:
            spans.append(span)
    merged = merge_spans(sorted(spans, key=lambda s: (s.start, _PRIORITY[s.type])), text)
    merged = _dates_without_words(text, merged, patterns)
    return _propagate(text, [_trim(text, s) for s in merged if text[s.start:s.end].strip()],
                      known)


# Words that may be part of a date, never cut from one ("mid March", "Christmas Eve 2020",
# "Wednesday, 3/3/2021", "the fifth of", "spring 2020")
_DATE_WORDS = frozenset(MONTHS + MONTH_ABBREVIATIONS + WEEKDAYS + WEEKDAY_ABBREVIATIONS
                        + tuple("""spring summer fall autumn winter
early mid late end beginning start the of on day eve christmas thanksgiving easter new year
years halloween memorial labor labour independence veterans mother mothers father fathers
valentine valentines presidents king jr mlk fourth""".split()))
_LEADING_WORDS = re.compile(r"[^\W\d_]+(?:\s+[^\W\d_]+)*\s+")


def _dates_without_words(text: str, spans: list[PhiSpan], patterns: list[PhiSpan]
                         ) -> list[PhiSpan]:
    """Date spans cut to the date a pattern reads in them, when only everyday words come
    before it: the tagger's "Admitted 03-Mar-2021" is the date, and "Admitted" stays (as a
    whole, the span could not be shifted and became a tag). A word that may be a name or a
    part of the date ("mid", "Christmas", a month) is never cut."""
    starts = sorted(p.start for p in patterns if p.type == "DATE")
    if not starts:
        return spans
    out = []
    for span in spans:
        k = bisect_right(starts, span.start)
        if (span.type == "DATE" and k < len(starts) and starts[k] < span.end
                and not (k and starts[k - 1] == span.start)):   # no date where it starts
            lead = text[span.start:starts[k]]
            words = lead.lower().split()
            if (_LEADING_WORDS.fullmatch(lead) and all(w in everyday_words() for w in words)
                    and not _DATE_WORDS.intersection(words)):
                span = PhiSpan(starts[k], span.end, span.type)
        out.append(span)
    return out


def bundled_tagger() -> PhiTagger:
    """Osler's shipped tagger (loaded once)."""
    return _load(BUNDLED_TAGGER, bundled=True)


@lru_cache(maxsize=4)
def _load(path: str, bundled: bool = False) -> PhiTagger:
    from osler.privacy.deid.tagger import PhiTagger
    from osler.resources import path as resource_path

    return PhiTagger.load(resource_path(path) if bundled else path)


def resolve_tagger(tagger: PhiTagger | str | Path) -> PhiTagger:
    """The tagger meant by ``tagger``: ``'bundled'``, a model file, or a fitted instance."""
    if isinstance(tagger, str) and tagger == "bundled":
        return bundled_tagger()
    if isinstance(tagger, (str, Path)):
        return _load(str(Path(tagger).resolve()))
    return tagger


def _propagate(text: str, spans: list[PhiSpan], known: Mapping[str, str] | None = None
               ) -> list[PhiSpan]:
    """Every other mention of a name or place already found in the note ("Dr. Kowal ... Kowal")
    or in ``known`` (words found in the patient's other notes).

    Context finds a name once; the same word later in the note, without context, is the same
    person. Only the words of :func:`spreading_words` spread.
    """
    words = spreading_words([text], [spans])
    for low, phi_type in (known or {}).items():
        words.setdefault(low, phi_type)
    extra = []
    if words:
        # letters bound a word; an underscore or a digit does not ("Quaxworth_Zebulon.pdf",
        # "Quaxworth2"); one capital before a capitalised word is an initial ("ZQuaxworth")
        pattern = re.compile(r"(?:(?<![^\W\d_])(?<!')|(?<=(?<![^\W\d_])[A-Z]))(" + "|".join(
            map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![^\W\d_])", re.I)
        skip = everyday_words()
        # a known name that is also a word counts in lower case only where it is no word:
        # a practitioner Amy Brown does not make "vomited brown fluid" a name
        extra = [PhiSpan(m.start(1), m.end(1), words[m.group(1).lower()])
                 for m in find_words(pattern, words, text, ignore_case=True)
                 if not (m.group(1).islower() and m.group(1) in skip)
                 and known_word_at(text, m.start(1), m.end(1))]
    extra += _first_names_before(text, extra, known)
    extra += _word_names_again(text, spans)
    if not extra:
        return spans
    return merge_spans(sorted([*spans, *extra], key=lambda s: (s.start, _PRIORITY[s.type])))


def known_word_at(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands as a word for a known name: no letter (nor an
    apostrophe) touches it, an underscore or a digit may ("Quaxworth_Zebulon_consent.pdf")
    but not to a known number (a postal code: "99615.2 mg", "996151" are other numbers),
    and a word of two letters ("GH") is not read inside a code ("GH3", "X_GH"); or it is
    written as a name after a single capital, an initial ("ZQuaxworth")."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if text[start:end].isdigit() and not _number_stands_alone(text, start, end):
        return False
    if before.isalpha():
        word = text[start:end]
        return (before.isupper() and word[:1].isupper() and word[1:2].islower()
                and not (start > 1 and text[start - 2].isalpha()))
    if before == "'" or after.isalpha():
        return False
    return end - start >= 3 or not (before.isalnum() or before == "_"
                                    or after.isalnum() or after == "_")


# A known number (a postal code, 99615) inside a longer one: "996151", "1996150", "99615.2",
# "3,99615": a digit, or a decimal point or comma before a digit, touches it.
_IN_NUMBER_BEFORE = re.compile(r"(?:\d|\d[.,])$")
_IN_NUMBER_AFTER = re.compile(r"\d|[.,]\d")


def _number_stands_alone(text: str, start: int, end: int) -> bool:
    """Whether the known number ``text[start:end]`` is a number of its own, not part of a
    longer one ("99615.2 mg", "ref 996151"); a digit may touch a known name
    ("Quaxworth2"), not a known number."""
    return not (_IN_NUMBER_BEFORE.search(text, max(0, start - 2), start)
                or _IN_NUMBER_AFTER.match(text, end))


_BEFORE = re.compile(r"(?<![\w'])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)[ \t]+$")


def _first_names_before(text: str, found: list[PhiSpan], known: Mapping[str, str] | None
                        ) -> list[PhiSpan]:
    """The listed first name just before a capitalised mention of a known name, on its line
    ("Barnaby Quixmoor", a relative who shares the patient's surname): a first name the record
    does not list. Only a listed first name that is no everyday word ("Called Quixmoor",
    "Hodgkin\nQuixmoor", "Vomited brown fluid" keep their words)."""
    if not known:
        return []
    from osler.privacy.deid.lexicons import census_first_names, first_names

    skip = everyday_words()
    out = []
    for span in found:
        mention = text[span.start:span.end]
        if span.type != "NAME" or mention.lower() not in known or not mention[:1].isupper():
            continue
        m = _BEFORE.search(text, max(0, span.start - 40), span.start)
        word = m.group(1).lower() if m else ""
        if m and "\n" not in text[m.end(1):span.start] and (
                word in first_names() or word in census_first_names() or _unlisted_first(word)
                and word not in skip):
            out.append(PhiSpan(m.start(1), m.end(1), "NAME"))
    return out


#: Words before a surname that are not its first name: relations, titles, roles, greetings.
_NOT_FIRST = frozenset("""grandmother grandfather grandma grandpa infant baby newborn prof
professor nephew niece cousin aunt uncle brother sister mother father son daughter wife husband
hello hi thanks thank dear patient pt resident nurse doctor dr mr mrs ms miss""".split())


def _unlisted_first(word: str) -> bool:
    """Whether a capitalised word no first-name list holds may still be one ("Barnaby"): not
    a relation, title or greeting, and not shaped like a verb or an adverb ("Contacted",
    "Examined", "Reviewing", "Recently")."""
    return (len(word) > 2 and word not in _NOT_FIRST
            and not word.endswith(("ed", "ing", "ly", "ic", "oid", "al")))


def _word_names_again(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """Later mentions of a name found in the note that is also a word ("Mrs. Rose Pennington
    ... Rose said"): written as a name (capitalised, in a note with meaningful capitals), and
    not where a sentence starts when the word often opens one ("Will do."); "rose" stays."""
    if not _capital_signal(text):
        return []
    skip = everyday_words()
    cased = {m.group() for s in spans if s.type == "NAME"
             for m in _WORD.finditer(text, s.start, s.end)
             if len(m.group()) >= 3 and m.group()[0].isupper() and m.group()[1:].islower()
             and m.group().lower() in skip}
    if not cased:
        return []
    pattern = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, sorted(cased))) + r")(?![\w'])")
    return [PhiSpan(m.start(1), m.end(1), "NAME")
            for m in find_words(pattern, cased, text, ignore_case=False)
            if m.group(1).lower() not in _SENTENCE_OPENERS
            or not re.search(r"(?:^|[.!?:;\n])\s*$", text[max(0, m.start() - 40):m.start()])]


# Names that also open sentences as words ("Will do.", "Hope this helps", "Mark the site").
_SENTENCE_OPENERS = frozenset("""will may hope mark bill pat sue grant rich art june april
august faith joy frank chase drew miles page dawn sunny summer max""".split())


def spreading_words(texts: Sequence[str], spans: Sequence[Sequence[PhiSpan]]) -> dict[str, str]:
    """Lower-case words of the notes' name and place spans that spread to other mentions.

    A word spreads when it is not a stop, everyday or public clinical word (public
    vocabulary: "hospital" in "Lochmoor Hospital" does not) nor a clinical service ("ENT" of
    "Dr. Nguyen-ENT", "Cards" of "Dr. Kowalski-Cards": "ENT consult placed" stays), and has
    three letters or more, or is an all-capital abbreviation of two ("GH"). Its type is that
    of the first span holding it, in note order.
    """
    skip = everyday_words() | _SERVICES
    words: dict[str, str] = {}
    for text, note_spans in zip(texts, spans):
        for span in note_spans:
            if span.type not in ("NAME", "LOCATION"):
                continue
            for m in _WORD.finditer(text, span.start, span.end):
                word = m.group()
                low = word.lower().removesuffix("'s")
                if (len(low) >= 3 or word.isupper()) and low not in skip:
                    words.setdefault(low, span.type)
    return words


_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
# Clinical services, often joined to a doctor's name ("Dr. Nguyen-ENT"): they name no one.
_SERVICES = SPECIALTIES | service_abbreviations()


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """Lower-case words of everyday and clinical use that no rule takes for a name alone."""
    return name_stopwords() | common_words() | public_vocabulary()


def _trim(text: str, span: PhiSpan) -> PhiSpan:
    start, end = span.start, span.end
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return PhiSpan(start, end, span.type)
