"""Concept mentions in a note: sentences, sections, concepts and their assertions.

A mention carries character offsets into the ORIGINAL note text, its section, a code where the
lexicon knows one, and negation / temporality / experiencer from ConText, corrected by the
section it sits in (past history is Historical, family history is about someone else) and, for
the experiencer, by the sentence before: a sentence that opens with "He", "She" or "They" right
after one whose subject is a relative of that gender is the relative's ("Father has diabetes.
He had a stroke."), unless it names the patient or this visit ("He denies chest pain"); see
:mod:`osler.nlp.experiencer`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace

from osler._extras import require
from osler.nlp.context import Assertion, assertion_of, build_pipeline, flags_of
from osler.nlp.experiencer import Relative, carry_over
from osler.nlp.lexicon import lexicon, other_senses
from osler.nlp.sections import (family_ended_by_patient, lead_in_line, midline_headers,
                                patient_subject, plan_section, present_cue, told_as_done)
from osler.record import Coding

__all__ = ["ConceptExtractor", "Mention"]

# Runs of spaces, tabs and the Unicode spaces of pasted text (no-break, thin, figure spaces).
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
#: Notes longer than this many characters are read in pieces cut at blank lines, else at a
#: sentence's end (at a line end first), else at line breaks: ConText compares every modifier
#: with every concept of a text, so a whole long note costs the square of its length. A
#: wrapped sentence is cut at a bare line break only when nothing better is in reach.
CHUNK_CHARS = 4000
_CUTS = (re.compile(r"\n[ \t\r\f\v]*\n"), re.compile(r"[.!?][ \t\r\f\v]*\n"),
         re.compile(r"[.!?][ \t]+(?=[A-Z])"), re.compile(r"\n"))
_FIELD_START = re.compile(r"\[[ xX]?\]|\([ xX]?\)|[A-Za-z][A-Za-z /-]{0,30}:(?![/\d])")
_ALLERGY_SECTIONS = {"allergies", "allergy"}
#: Headers of a report's reason for the exam: medspaCy files "CLINICAL HISTORY:" under past
#: medical history, but it is why the patient is imaged now.
_REASON_HEADERS = {"clinical history", "indication", "indications", "reason for exam",
                   "reason for study", "clinical indication"}
#: Headers medspaCy's defaults file elsewhere, by their words: "PSH:" is past surgical history,
#: not social history.
_HEADER_CATEGORIES = {"psh": "past_surgical_history", "pshx": "past_surgical_history"}
#: A line that opens with a header no section rule knows ("Vitals: BP 120/80"): the words
#: before its colon.
_HEADER_LINE = re.compile(r"(?m)^[ \t]*([A-Za-z][A-Za-z/& ]{0,30}?)[ \t]*:(?![/\d])")
#: First words of such a header that open another part of the note, not a line of the family
#: history ("Mother: breast cancer" stays in it): only these end a family history section, since
#: no word list covers every way of writing a relative and the safe default is the family's.
_NOTE_PART_WORDS = frozenset("""meds medications medication rx exam examination pe physical
vitals vital vs labs lab laboratory imaging radiology studies data results assessment
impression plan a/p ap ros review social sh shx habits allergies allergy hpi cc chief pmh pmhx
past psh pshx surgical hospital course procedures disposition diet activity instructions code
objective subjective diagnosis diagnoses dx problems problem current""".split())
#: Whole headers (all their words) of an exam system, a habit or the patient that end a family
#: history too ("FHx: / Mother - diabetes / Tobacco: 1 ppd, COPD": the COPD is the patient's).
#: Whole headers only: their first word also opens a relative's line ("Lung cancer: father",
#: "Heart disease: mother"), which stays in the family history. Relative words are never here.
_NOTE_PART_HEADERS = frozenset(h.strip() for h in """gen, general, constitutional, appearance,
heent, head, eyes, eye, ears, ent, nose, throat, mouth, oropharynx, neck, lymph, lymph nodes,
chest, lungs, lung, pulm, pulmonary, resp, respiratory, cv, cvs, cardiac, cardiovascular, heart,
abd, abdomen, abdominal, gi, gu, genitourinary, rectal, pelvic, back, spine, msk,
musculoskeletal, ext, extremities, extremity, skin, derm, integumentary, neuro, neurologic,
neurological, psych, psychiatric, mental status, mse, heme, endo, endocrine, breasts, pt,
patient, tobacco, tobacco use, smoking, smoker, etoh, alcohol, alcohol use, drugs, drug use,
illicits, illicit drugs, substance use, substances, caffeine, occupation, work, employment, job,
marital status, lives, living situation, sexual history, exercise, social history,
physical exam, vital signs, functional status""".split(","))
_NO_ALLERGIES = re.compile(r"\b(?:nkda|nka|nkma|no known|none|no allergies)\b", re.I)
_SENTENCE_END = re.compile(r"[.;!?][ \t]+\S")
#: Words that make a lexicon match something else when they come right before it.
_NOT_AFTER = {w: frozenset({"st", "pr", "st-segment", "segment"})
              for w in ("depression", "depressions")}
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
    #: a drug named as an allergy ("Allergic to aspirin", an allergies section), not taken
    allergen: bool = False
    #: told as resolved ("Pneumonia resolved with antibiotics", "AKI (resolved)"): negated as
    #: NegEx has it, yet the patient had it (the timeline keeps a resolved condition)
    resolved: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "category": self.category,
                "system": self.coding.system if self.coding else None,
                "code": self.coding.code if self.coding else None,
                "display": self.coding.display if self.coding else None,
                "section": self.section, **self.assertion.to_dict(),
                "allergen": self.allergen, "resolved": self.resolved}


def _squeeze(text: str) -> tuple[str, list[int]]:
    """Text with runs of spaces made single, and the original offset of each kept character.

    A wide gap before a form field ("Fever: yes   Chills: no") or a tick box ("[x] fever
    [ ] chills") is a line break: each field is its own statement."""
    out, index, pos = [], [], 0
    for m in _SPACES.finditer(text):
        out.append(text[pos:m.start()])
        index.extend(range(pos, m.start()))
        out.append("\n" if m.end() - m.start() >= 2 and "\n" not in m.group()
                   and _FIELD_START.match(text, m.end()) else " ")
        index.append(m.start())
        pos = m.end()
    out.append(text[pos:])
    index.extend(range(pos, len(text)))
    index.append(len(text))
    return "".join(out), index


def _section_fix(assertion: Assertion, section: str | None, clause: str = "") -> Assertion:
    """``assertion`` as the section it sits in corrects it, unless ``clause`` (its sentence up
    to the concept, after any header in it) says otherwise: a cue of the present in a past
    history ("PMH: DM. Presents today with fever"), the patient as the subject in a family
    history ("FAMILY HISTORY: Mother with breast cancer. Patient has diabetes."); see
    :mod:`osler.nlp.sections`."""
    if section in _HISTORY_SECTIONS - {"history_of_present_illness"} and (
            assertion.temporality == "Recent") and not present_cue(clause):
        assertion = Assertion(assertion.negation, "Historical", assertion.experiencer)
    if section in _FAMILY_SECTIONS and not patient_subject(clause):
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
        self._midline = midline_headers(
            (rule.literal, rule.category)
            for rule in self._nlp.get_pipe("medspacy_sectionizer").rules)
        matcher = self._nlp.add_pipe("medspacy_target_matcher", before="medspacy_context")
        self._entries = {}
        for entry in lexicon():
            pattern = _pattern([t.text for t in self._nlp.make_doc(entry.literal)
                                if not t.is_space])
            matcher.add([TargetRule(entry.literal, entry.category.upper(), pattern=pattern)])
            self._entries[(entry.literal, entry.category.upper())] = entry

    def extract(self, text: str) -> list[Mention]:
        """Mentions in ``text``, in order, with offsets into ``text``."""
        return self.extract_many([text])[0]

    def extract_many(self, texts: Iterable[str]) -> list[list[Mention]]:
        """Mentions for each text (batched through spaCy's ``pipe``)."""
        texts = list(texts)
        pieces = [(n, start, _squeeze(text[start:end])) for n, text in enumerate(texts)
                  for start, end in _chunks(text)]
        with warnings.catch_warnings():
            # medspaCy's matchers warn (spaCy W036) when one of their internal matchers has no
            # patterns of its kind (e.g. no literal-only section rule); harmless here.
            warnings.filterwarnings("ignore", message=r".*\[W036\]")
            # A closing line break lets a templated answer end the text ("Fever: no").
            # A known header after a sentence's end in mid-line opens a line (one space
            # becomes a line break: the offsets stay), so that it starts its section.
            docs = self._nlp.pipe(self._midline.sub("\n", norm) + "\n"
                                  for _, _, (norm, _) in pieces)
            out: list[list[Mention]] = [[] for _ in texts]
            carried: dict[int, tuple[str | None, Relative | None, bool]] = {}
            for (n, offset, (_, index)), doc in zip(pieces, docs):
                section, relative, plan = carried.get(n, (None, None, False))
                if _blank_line_at(texts[n], offset):
                    relative = None   # a paragraph ends a relative's reach (a cut inside it)
                carried[n] = self._mentions(doc, texts[n], offset, index, section, relative,
                                            out[n], plan)
        return out

    def _mentions(self, doc, text: str, offset: int, index: list[int], section: str | None,
                  relative: Relative | None, out: list[Mention], plan: bool = False,
                  ) -> tuple[str | None, Relative | None, bool]:
        """Append the mentions of one piece of ``text`` (starting at ``offset``) to ``out``;
        return the section the piece ends in, the relative its last sentence is about
        (:func:`~osler.nlp.experiencer.carry_over`) and whether that section is a plan. A
        piece that opens without a header goes on in ``section`` (a plan if ``plan``), where
        the piece before it ended, and a pronoun opening it may be ``relative``'s."""
        found: list[tuple[int, Mention]] = []
        for ent in doc.ents:
            if ent.start and doc[ent.start - 1].lower_ in _NOT_AFTER.get(ent.text.lower(), ()):
                continue   # "ST depression" is an ECG finding, not depression
            if _other_sense(doc, ent):
                continue   # "PE: HEENT normal" is the exam, "CT to suction" a chest tube
            literal = ent._.literal if ent.has_extension("literal") else None
            entry = self._entries.get((literal, ent.label_)) or self._entries.get(
                (ent.text.lower(), ent.label_)) or next(
                (e for (lit, lab), e in self._entries.items()
                 if lab == ent.label_ and lit == " ".join(ent.text.lower().split())), None)
            own = ent._.section_category if ent.has_extension("section_category") else None
            header = _header_before(doc, ent)
            if own and _header_title(header, doc) in _REASON_HEADERS:
                own = "history_of_present_illness"   # why the exam was done: the present
            if own:   # "PSH: appendectomy" is past surgical history
                own = _HEADER_CATEGORIES.get(_header_title(header, doc), own)
            where = own or (section if header is None else None)
            in_plan = plan_section(_header_text(header, doc)) if header else (
                plan and where == section)
            if where in _FAMILY_SECTIONS and _family_ended(
                    doc.text, doc[header.title_end - 1].idx if header else 0, ent.start_char):
                where = None   # "Family History: none.\nVitals: BP 120/80, edema": the patient
            # the concept's sentence, from a header inside it on: up to the concept, and whole
            after = _after_header(header, doc)
            clause_start = max(ent.sent.start_char, after)
            clause = doc.text[clause_start:ent.start_char]
            start = offset + index[ent.start_char]
            end = _without_stop(text, start, offset + index[ent.end_char - 1] + 1,
                                entry.literal if entry else literal)
            flags = flags_of(ent)
            allergen = ent.label_ == "MEDICATION" and (_in_allergy_list(doc, ent)
                                                       or "allergen" in flags)
            assertion = _section_fix(assertion_of(ent), where, clause)
            if ent.label_ != "MEDICATION" and _in_allergy_list(doc, ent):
                # "Allergies: penicillin (rash)": the reaction the drug caused, in the past
                assertion = Assertion(assertion.negation, "Historical", assertion.experiencer)
            if (ent.label_ == "PROCEDURE" and in_plan and assertion.temporality == "Recent"
                    and assertion.negation != "Negated" and not told_as_done(
                        doc.text[clause_start:ent.sent.end_char],
                        lead_in_line(doc.text, after, ent.start_char))):
                # "PLAN: Cardiac catheterization.": to be done, not done
                assertion = Assertion(assertion.negation, "Hypothetical", assertion.experiencer)
            if ent.label_ == "PROCEDURE" and (_instrument(doc, ent) or _result_of(ent)):
                # "no pneumothorax on chest x-ray": the x-ray was done; the finding is negated
                assertion = Assertion("Affirmed", "Recent" if assertion.temporality ==
                                      "Hypothetical" else assertion.temporality,
                                      assertion.experiencer)
            found.append((ent.start, Mention(start, end, text[start:end], ent.label_.lower(),
                                             entry.coding if entry else None, assertion, where,
                                             allergen, "resolved" in flags)))
        others, relative = carry_over(
            doc, {i: m.assertion.experiencer for i, m in found}, relative, appended=1)
        out.extend(replace(m, assertion=replace(m.assertion, experiencer="Other"))
                   if i in others else m for i, m in found)
        sections = getattr(doc._, "sections", None) or []
        last = next((sec for sec in reversed(sections) if sec.category), None)
        carried = _HEADER_CATEGORIES.get(_header_title(last, doc), last.category) if last else (
            section)
        since = doc[last.title_end - 1].idx if last and last.title_end else 0
        plan = plan_section(_header_text(last, doc)) if last else plan
        if carried in _FAMILY_SECTIONS and _family_ended(doc.text, since, len(doc.text)):
            return None, relative, False
        return carried, relative, plan


def _blank_line_at(text: str, offset: int) -> bool:
    """Whether the white space around ``offset`` of ``text`` holds a blank line: a cut
    between two pieces may fall inside it, each piece holding one of its line breaks."""
    start, end = offset, offset
    while start > 0 and text[start - 1].isspace():
        start -= 1
    while end < len(text) and text[end].isspace():
        end += 1
    return _CUTS[0].search(text, start, end) is not None


def _family_ended(text: str, since: int, until: int) -> bool:
    """Whether a line between ``since`` and ``until`` opens with a header of another part of
    the note that no section rule knows ("Vitals:", "Diet:", "Lungs:"; :func:`_note_part`): the
    family history ended there. A line naming a relative ("Mother: breast cancer") does not
    end it, nor does any header-shaped line the word list does not know. A line that opens
    with the patient as subject, or a blank line and the patient's prose, ends it too
    (:func:`~osler.nlp.sections.family_ended_by_patient`)."""
    return any(_note_part(m.group(1)) for m in _HEADER_LINE.finditer(text, since, until)) or (
        family_ended_by_patient(text, since, until))


def _note_part(header: str) -> bool:
    """Whether a header opens another part of the note: its first word is a note-part word
    ("Vitals today:") or the whole header is an exam system, a habit or the patient ("Lungs:",
    "Tobacco:", "Pt:"; "Lung cancer: father" is a relative's line)."""
    words = header.lower().split()
    return words[0] in _NOTE_PART_WORDS or " ".join(words) in _NOTE_PART_HEADERS


def _without_stop(text: str, start: int, end: int, literal: str | None) -> int:
    """The end of a mention without the full stop the tokenizer glued to its last word
    ("Pt with N/V. Denies pain": spaCy reads "V." as one word, and the match took it): the
    stop ends the sentence (or an abbreviation), it is no part of the concept "n/v". A
    literal that itself ends with a stop keeps it."""
    if end - start > 1 and text[end - 1] == "." and not (literal or "").endswith("."):
        return end - 1
    return end


def _in_allergy_list(doc, ent) -> bool:
    """Whether ``ent`` is in the list under an allergies header ("ALLERGIES: aspirin,
    heparin"): the header's first sentence, then lines of a few words; "NKDA" lists none. The
    section the sectionizer runs on may go further: prose after the list is not the list."""
    header = _header_before(doc, ent)
    if header is None or header.category not in _ALLERGY_SECTIONS:
        return False
    start = doc[header.title_end - 1].idx if header.title_end else 0
    line_end = doc.text.find("\n", ent.end_char)
    lines = doc.text[start:ent.start_char if line_end < 0 else line_end].split("\n")
    if _NO_ALLERGIES.search(lines[0]):
        return False   # "Allergies: NKDA." lists none
    if len(lines) == 1:   # on the header's line: up to its first sentence's end
        return not _SENTENCE_END.search(doc.text[start:ent.start_char])
    # on the lines after it: a list of short items ("- aspirin (rash)"), not prose
    # and a blank line ends the list
    return all(0 < len(line.split()) <= 3 for line in lines[1:])


def _instrument(doc, ent) -> bool:
    """Whether a procedure is named as the means of a finding ("pneumothorax on chest
    x-ray", "effusion per echocardiogram"): it was done, whatever the finding. The word
    before the preposition must end a concept found in the note ("not on dialysis",
    "starting on hemodialysis" are not)."""
    i = ent.start - 1
    while i >= 0 and doc[i].lower_ in ("repeat", "the", "a", "an", "today's", "prior", "recent"):
        i -= 1
    if i < 1 or doc[i].lower_ not in ("on", "per", "by", "via"):
        return False
    if any(other.end == i for other in doc.ents if other.label_ != "PROCEDURE"):
        return True
    # "Pneumonia ruled out by chest x-ray", "PE was excluded by CT angiogram": a verb of
    # finding right before the preposition, a finding before it in the sentence
    verb = doc[i - 1].lower_
    if verb not in _FOUND_BY or (verb == "out" and (i < 2 or doc[i - 2].lower_ not in (
            "ruled", "rule", "rules"))):
        return False
    return any(other.label_ != "PROCEDURE" and other.end < i and other.start >= ent.sent.start
               for other in doc.ents)


#: Verbs of finding or excluding before "by" / "on" ("ruled out by", "seen on", "confirmed by").
_FOUND_BY = frozenset("""out excluded confirmed seen shown noted demonstrated visualized
visualised diagnosed identified detected found documented""".split())


_DEFINED_REACH = 400


def _other_sense(doc, ent) -> bool:
    """Whether the words around ``ent`` show its abbreviation names something else
    (:func:`~osler.nlp.lexicon.other_senses`): a word right before it, words right after
    it, or the piece spelling it out so ("chest tube (CT)")."""
    senses = other_senses().get(ent.text.lower(), ())
    before = doc[ent.start - 1].lower_ if ent.start else ""
    following = tuple(t.lower_ for t in doc[ent.end:ent.end + 4] if not t.is_space)
    # a definition counts from where it is made to the end of its paragraph (a blank line),
    # and within _DEFINED_REACH characters: "chest tube (CT)" in the lines section does not
    # make the imaging section's "CT head" a chest tube
    low = doc.text[max(0, ent.start_char - _DEFINED_REACH):ent.end_char + 4].lower()
    low = re.split(r"\n\s*\n", low)[-1]
    return any(
        before in sense.before
        or any(following[:len(words)] == words for words in sense.after)
        or any(re.search(rf"\b{re.escape(words)}\s*\(\s*{re.escape(sense.literal)}s?\s*\)",
                         low) for words in sense.defined_by)
        for sense in senses)


#: Words after a test that give its result, not its absence ("Head CT negative").
_RESULT_WORDS = frozenset({"negative", "neg", "unremarkable", "normal", "nondiagnostic",
                           "non-diagnostic", "clear", "wnl"})


def _result_of(ent) -> bool:
    """Whether a procedure is negated only by words after it that give its result ("Head CT
    negative", "CXR unremarkable"): the test was done, its finding is what is negative."""
    negating = [m.modifier_span for m in ent._.modifiers if m.category == "NEGATED_EXISTENCE"]
    return bool(negating) and all(
        start >= ent.end and any(t.lower_ in _RESULT_WORDS for t in ent.doc[start:end])
        for start, end in negating)


def _header_before(doc, ent):
    """The last section whose header ends before ``ent`` in its piece, or None."""
    return next((sec for sec in reversed(getattr(doc._, "sections", None) or [])
                 if sec.category and sec.title_end is not None and sec.title_end <= ent.start),
                None)


def _header_text(header, doc) -> str:
    """A section header's text as written ("" without one)."""
    return "" if header is None else doc[header.title_start:header.title_end].text


def _after_header(header, doc) -> int:
    """The character offset right after a section's header (0 without one)."""
    if header is None or not header.title_end:
        return 0
    last = doc[header.title_end - 1]
    return last.idx + len(last.text)


def _header_title(header, doc) -> str:
    """The words of a section's header, lower case ("" without one)."""
    if header is None:
        return ""
    return " ".join(t.lower_ for t in doc[header.title_start:header.title_end] if t.is_alpha)


def _chunks(text: str) -> list[tuple[int, int]]:
    """``text`` as consecutive (start, end) pieces of about :data:`CHUNK_CHARS` characters."""
    return _cut(text, 0, len(text), 0)


def _cut(text: str, start: int, end: int, level: int) -> list[tuple[int, int]]:
    if end - start <= CHUNK_CHARS or level >= len(_CUTS):
        return [(start, end)]
    points = [m.end() for m in _CUTS[level].finditer(text, start, end) if m.end() < end]
    pieces, begin, last = [], start, start
    for point in points + [end]:
        if point - begin > CHUNK_CHARS and last > begin:
            pieces.append((begin, last))
            begin = last
        last = point
    pieces.append((begin, end))
    return [p for a, b in pieces for p in _cut(text, a, b, level + 1)]


def _pattern(words: list[str]) -> list[dict]:
    """Token pattern of a lexicon literal, given as the pipeline's tokens of it ("n/v" and
    "x-ray" are three): any case, the last word also in the plural ("fevers", "seizures");
    an abbreviation of two letters only in capitals ("MI", never the "mi" of "5 mi walk")."""
    if len(words) == 1 and len(words[0]) <= 2:
        return [{"ORTH": words[0].upper()}]
    *head, last = words
    forms = [last] if len(last) <= 3 or last.endswith("s") else [last, last + "s", last + "es"]
    # spaCy keeps a stop on an abbreviation ("N/V." is one word); the span drops it again
    forms += [f + "." for f in forms]
    # A line break may fall between the words ("congestive heart\nfailure").
    gap = {"IS_SPACE": True, "OP": "?"}
    return [t for w in head for t in ({"LOWER": w}, gap)] + [{"LOWER": {"IN": forms}}]
