"""ConText rules kept as versioned data (``resources/nlp/context_rules.json``).

Each rule names a ConText category; :data:`CATEGORY_ATTRIBUTE` says which assertion attribute
and value it sets. The loader rejects unknown keys in the file and in each rule.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from osler._extras import require
from osler.errors import DataError
from osler.resources import load_json

__all__ = ["CATEGORY_ALSO", "CATEGORY_ATTRIBUTE", "FLAG_CATEGORIES", "MENTION_FLAGS",
           "context_rules", "rule_dicts", "section_rules"]

#: ConText category -> (attribute, value) of the concept it modifies.
CATEGORY_ATTRIBUTE: dict[str, tuple[str, str]] = {
    "NEGATED_EXISTENCE": ("negation", "Negated"),
    "RESOLVED": ("negation", "Negated"),
    "POSSIBLE_EXISTENCE": ("negation", "Possible"),
    "HISTORICAL": ("temporality", "Historical"),
    "HYPOTHETICAL": ("temporality", "Hypothetical"),
    "FAMILY": ("experiencer", "Other"),
    "FAMILY_HISTORY": ("experiencer", "Other"),
    "OTHER_EXPERIENCER": ("experiencer", "Other"),
}
#: ConText categories that set a second attribute as well: ``FAMILY_HISTORY`` ("FHx", "FH:")
#: is a relative's and in the past, as "family history" is by its two words ("family",
#: "history"); one abbreviated word cannot hold two triggers.
CATEGORY_ALSO: dict[str, tuple[str, str]] = {"FAMILY_HISTORY": ("temporality", "Historical")}
#: ConText categories that set no assertion attribute. ``ALLERGY`` flags an allergen (a drug
#: the patient reacts to, never one the patient takes); ``AFFIRMED`` ("pt has") and
#: ``PATIENT`` ("he has") end the reach of the negation and family rules that name them in
#: ``terminated_by``, and modify no concept themselves. ``PRESENT`` (", edema is present") ends
#: the reach of those negations and of every history rule; ``NOTED`` (", edema noted") ends
#: only a history's reach: a finding after a history clause is now. ``NOW`` (", now with",
#: "positive for", ", admitted with", a duration of two weeks or less: ", cough x3 days")
#: ends a negation's, a possibility's and a history's reach, not a relative's: "No fever, now
#: with cough", "No history of diabetes, has hypertension".
#: ``PATIENT_NOW`` (", patient has") ends all of these, a relative's reach too: "Family
#: history: mother with diabetes, patient has hypertension" (the hypertension is the
#: patient's, and now). ``NOW_HE`` (", he has") and ``NOW_SHE`` (", she has") end what ``NOW``
#: ends and the reach of the family rules of the other gender that name them: "Daughter with
#: cough, he has fever" (the fever is the patient's); "Sister: breast cancer, she has a BRCA
#: mutation" stays the sister's. ``AFFIRMED_HE`` (", he had") and ``AFFIRMED_SHE`` (", she
#: had") are their past tense: they end what ``AFFIRMED`` ends and the same relatives' reach, not
#: a history's ("Mother has diabetes, he had fever": the patient's; "Years ago, he had a
#: seizure" stays historical). ``CAUSE`` ("due to") ends only the reach of the negations of
#: an ability that name it ("Cannot lie flat due to dyspnea": the dyspnea is there), not of a
#: plain 'no' ("No hospitalizations due to COPD exacerbation").
FLAG_CATEGORIES: frozenset[str] = frozenset({"ALLERGY", "AFFIRMED", "AFFIRMED_HE",
                                             "AFFIRMED_SHE", "CAUSE", "NOTED", "NOW", "NOW_HE",
                                             "NOW_SHE", "PATIENT", "PATIENT_NOW", "PRESENT"})
#: ConText categories that flag the mention they modify, and the :class:`Mention` attribute
#: set. ``RESOLVED`` ("pneumonia resolved with antibiotics") also negates, as NegEx has it, but
#: the patient had the condition: the timeline keeps it as resolved, not refuted.
MENTION_FLAGS: dict[str, str] = {"ALLERGY": "allergen", "RESOLVED": "resolved"}
_RULE_KEYS = {"category", "literal", "pattern", "direction", "max_scope", "origin",
              "terminated_by", "allowed_types", "forward_stops_at", "no_forward_after",
              "forward_skips", "forward_needs", "backward_max_scope", "backward_stops_at",
              "no_backward_before", "no_backward_before_open", "backward_skips",
              "needs_before", "forward_needs_after", "forward_unless_next"}
#: Rule keys Osler reads itself (into an ``on_modifies`` callback); medspaCy never sees them.
_OSLER_KEYS = ("origin", "forward_stops_at", "no_forward_after", "forward_skips",
               "forward_needs", "backward_max_scope", "backward_stops_at", "no_backward_before",
               "no_backward_before_open", "backward_skips", "needs_before",
               "forward_needs_after", "forward_unless_next")
_DIRECTIONS = {"FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE", "PSEUDO"}


@lru_cache(maxsize=4)
def rule_dicts(name: str = "nlp/context_rules.json") -> tuple[dict[str, Any], ...]:
    """The rules of a bundled rule file as plain dicts, validated."""
    data = load_json(name, keys={"source", "version", "context_rules"})
    out = []
    for i, rule in enumerate(data["context_rules"]):
        unknown = set(rule) - _RULE_KEYS
        if unknown:
            raise DataError(f"{name}: rule {i} has unknown keys {sorted(unknown)}; "
                            f"allowed {sorted(_RULE_KEYS)}")
        if rule.get("direction", "BIDIRECTIONAL") not in _DIRECTIONS:
            raise DataError(f"{name}: rule {i} direction must be one of {sorted(_DIRECTIONS)}; "
                            f"got {rule.get('direction')!r}")
        if rule["category"] not in CATEGORY_ATTRIBUTE.keys() | FLAG_CATEGORIES and rule.get(
                "direction") not in ("TERMINATE", "PSEUDO"):
            raise DataError(f"{name}: rule {i} category must be one of "
                            f"{sorted(CATEGORY_ATTRIBUTE.keys() | FLAG_CATEGORIES)}; "
                            f"got {rule['category']!r}")
        out.append(rule)
    return tuple(out)


def _backward_reach(max_scope: int | None, stops: frozenset[str],
                    subjects: frozenset[str] = frozenset(),
                    open_subjects: frozenset[str] = frozenset(),
                    skips: frozenset[str] = frozenset(),
                    closers: frozenset[str] = frozenset()):
    """An ``on_modifies`` test for a target before the trigger (``backward_max_scope``,
    ``backward_stops_at``): within ``max_scope`` tokens of it (a two-way rule whose forward
    reach is the sentence: ": mother has diabetes" reaches on, "Diabetes: mother" five tokens
    back), and with none of ``stops`` (lower-case words or marks) between them ("colon polyps
    and screening": the polyps are no screening target; "colon cancer screening" is).

    With ``subjects`` (``no_backward_before``), a trigger followed by one of them is the subject
    of a verb, not an attribute of what came before ("CC: fever - mother concerned": the mother
    worries, the fever is the patient's; "Colon cancer: father." is the father's).
    ``open_subjects`` (``no_backward_before_open``) do the same only when a word follows them:
    "Cough - mother reports it started Monday" (an informant), but "Hypertension - mother
    reports." closes a family-history line and stays the mother's.

    One of ``skips`` (``backward_skips``) right before the trigger is no stop when the trigger
    closes its clause (a mark, the end, or one of ``closers``, the rule's
    ``no_forward_after``, after it): the trigger is a templated answer about the concept ("PE,
    unlikely." "PE, unlikely given normal D-dimer"); a second one further back still stops
    ("Pneumonia, PE excluded": the pneumonia stays), as does the comma before a trigger with
    an object of its own ("Fever and cough, unlikely pneumonia")."""
    def reaches(target, trigger) -> bool:
        if max_scope is not None and trigger.start - target.end >= max_scope:
            return False
        doc = target.doc
        after = doc[trigger.end] if trigger.end < len(doc) else None
        if after is not None and after.lower_ in subjects:
            return False
        if after is not None and after.lower_ in open_subjects and _word_follows(doc, after.i):
            return False
        end = trigger.start
        if end > target.end and doc[end - 1].lower_ in skips and _closes_clause(
                doc, trigger.end, closers):
            end -= 1
        return not any(t.lower_ in stops for t in doc[target.end:end])
    return reaches


def _word_follows(doc, i: int) -> bool:
    """Whether a word (letters or digits) follows token ``i`` in its sentence."""
    return i + 1 < len(doc) and not doc[i + 1].is_sent_start and any(
        ch.isalnum() for ch in doc[i + 1].text)


#: Words that never close a trigger's clause, even among its ``no_forward_after``: a verb
#: follows, and the trigger is about what may happen, not whether the concept is there
#: ("Fever, unlikely to recur"; "Metastatic cancer, unlikely to survive").
_OPENS_A_VERB = frozenset({"to"})


def _closes_clause(doc, i: int, closers: frozenset[str]) -> bool:
    """Whether token ``i`` (right after a trigger) ends the trigger's clause: the text's end, a
    mark or line break, or one of ``closers`` ("given", "because" ...) but 'to'."""
    if i >= len(doc) or doc[i].is_sent_start:
        return True
    low = doc[i].lower_
    return (low in closers and low not in _OPENS_A_VERB) or not any(
        ch.isalnum() for ch in doc[i].text)


def _reach(rule: dict[str, Any]):
    """The ``on_modifies`` callback of a rule with Osler's reach keys, or None without them."""
    if not any(rule.get(k) for k in _OSLER_KEYS[1:]):
        return None
    forward = _forward_reach(
        frozenset(rule.get("forward_stops_at") or ()),
        frozenset(w.lower() for w in rule.get("no_forward_after") or ()),
        _last_words(rule.get("pattern")),
        frozenset(w.lower() for w in rule.get("forward_skips") or ()),
        frozenset(w.lower() for w in rule.get("forward_needs") or ()))
    backward = _backward_reach(rule.get("backward_max_scope"),
                               _lower_set(rule, "backward_stops_at"),
                               _lower_set(rule, "no_backward_before"),
                               _lower_set(rule, "no_backward_before_open"),
                               _lower_set(rule, "backward_skips"),
                               _lower_set(rule, "no_forward_after"))

    before = tuple(tuple(p.lower().split()) for p in rule.get("needs_before") or ())
    after = _lower_set(rule, "forward_needs_after")
    unless_next = _lower_set(rule, "forward_unless_next")

    def modifies(target, trigger, between) -> bool:
        if before and not _phrase_before(target.doc, min(target.start, trigger.start), before):
            return False
        if target.start < trigger.start:
            return backward(target, trigger)
        if after and not _word_after(target.doc, target.end, after):
            return False
        if unless_next and target.end < len(target.doc) and (
                target.doc[target.end].lower_ in unless_next):
            return False   # "PLAN: Echocardiogram showed EF 30%": a result, so it was done
        return forward(target, trigger, between)
    return modifies


def _sentence_start(doc, i: int) -> int:
    """The index of the first token of the sentence holding token ``i``."""
    while i > 0 and not doc[i].is_sent_start:
        i -= 1
    return i


def _phrase_before(doc, end: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Whether one of ``phrases`` (lower-case word tuples) ends before token ``end`` in its
    sentence (``needs_before``): "favor CHF over pneumonia" ('over' needs 'favor'), "May use
    acetaminophen for fever" ('for' needs 'may use')."""
    start = _sentence_start(doc, min(end, len(doc) - 1)) if len(doc) else 0
    words = [t.lower_ for t in doc[start:end]]
    return any(tuple(words[i:i + len(p)]) == p for p in phrases
               for i in range(len(words) - len(p) + 1))


def _word_after(doc, i: int, words: frozenset[str]) -> bool:
    """Whether one of ``words`` follows token ``i`` in its sentence before a semicolon
    (``forward_needs_after``): "Initially thought to be pneumonia but CT showed ...", "Start
    metformin if A1c remains elevated"."""
    while i < len(doc) and not doc[i].is_sent_start and doc[i].text != ";":
        if doc[i].lower_ in words:
            return True
        i += 1
    return False


def _lower_set(rule: dict[str, Any], key: str) -> frozenset[str]:
    """A rule's list of words under ``key``, lower-cased (empty without it)."""
    return frozenset(w.lower() for w in rule.get(key) or ())


def _forward_reach(marks: frozenset[str], openers: frozenset[str], verbs: frozenset[str],
                   skips: frozenset[str] = frozenset(), needs: frozenset[str] = frozenset()):
    """An ``on_modifies`` test of a rule's forward reach (two-way or forward rules); it passes
    a target before the trigger, which :func:`_reach` tests with :func:`_backward_reach`.

    A target after the trigger is out of reach once one of ``marks`` (``forward_stops_at``)
    stands between them ("Heparin was not given, aspirin was started": the comma), or when the
    word right after the trigger, past any of ``skips`` (``forward_skips``: words of time,
    "today"), is one of ``openers`` (``no_forward_after``): a conjunction or subordinator
    there starts another clause, the trigger's object was on its left ("Heparin was not given
    (today) and aspirin was started"; "Patient was not given heparin and aspirin" keeps both).
    A conjunction followed by another of the rule's own verbs joins two verbs of one object on
    the right ("was not given or prescribed aspirin") and reaches on, tested again after that
    verb ("was not given or restarted and aspirin was started" does not).

    ``marks`` are matched lower-cased, so words stop the reach as marks do ("Unlikely PE given
    pneumonia": 'given'). With ``needs`` (``forward_needs``) the word right after the trigger
    must be one of them: "Maternal history of diabetes" reaches on, "Maternal tachycardia
    during labor" (the obstetric patient herself) does not."""
    def modifies(target, trigger, between) -> bool:
        if target.start < trigger.start:
            return True
        if any(t.lower_ in marks for t in between):
            return False
        doc = target.doc
        if needs and (trigger.end >= len(doc) or doc[trigger.end].lower_ not in needs):
            return False
        i = trigger.end
        while i < target.start:
            while i < target.start and doc[i].lower_ in skips:
                i += 1
            if i >= target.start or doc[i].lower_ not in openers:
                return True
            if i + 1 >= len(doc) or doc[i + 1].lower_ not in verbs:
                return False
            i += 2
        return True
    return modifies


def _last_words(pattern) -> frozenset[str]:
    """The words the last token of a rule's pattern may be (its ``LOWER`` / ``IN`` list)."""
    last = pattern[-1] if isinstance(pattern, list) and pattern else {}
    low = last.get("LOWER") if isinstance(last, dict) else None
    if isinstance(low, str):
        return frozenset({low})
    return frozenset(low.get("IN", ())) if isinstance(low, dict) else frozenset()


#: The target type no concept has, excluded by a rule whose trigger depends on the words of its
#: sentence (``needs_before``, ``forward_needs_after``): medspaCy lets two triggers of one
#: category cut each other's scope unless their target types differ, and a trigger whose
#: condition fails must cut no other ("Call the clinic for nausea": a bare 'for' is no
#: PRN trigger, and the 'call' before it reaches on).
_CONDITIONAL = "OSLER_CONDITIONAL_TRIGGER"


def context_rules(name: str = "nlp/context_rules.json") -> list[Any]:
    """medspaCy ``ConTextRule`` objects for the rules of ``name``."""
    context = require("medspacy.context", "nlp")
    rules = []
    for rule in rule_dicts(name):
        kwargs = {k: v for k, v in rule.items() if k not in _OSLER_KEYS and v is not None}
        on_modifies = _reach(rule)
        if on_modifies is not None:
            kwargs["on_modifies"] = on_modifies
        if "terminated_by" in kwargs:
            kwargs["terminated_by"] = set(kwargs["terminated_by"])
        if "allowed_types" in kwargs:
            kwargs["allowed_types"] = set(kwargs["allowed_types"])
        elif rule.get("needs_before") or rule.get("forward_needs_after"):
            kwargs["excluded_types"] = {_CONDITIONAL}
        rules.append(context.ConTextRule(**kwargs))
    return rules


def section_rules(name: str = "nlp/section_rules.json") -> list[Any]:
    """medspaCy ``SectionRule`` objects for Osler's extra section headers."""
    sectionizer = require("medspacy.section_detection", "nlp")
    data = load_json(name, keys={"source", "version", "section_rules"})
    rules = []
    for i, rule in enumerate(data["section_rules"]):
        unknown = set(rule) - {"literal", "category"}
        if unknown:
            raise DataError(f"{name}: rule {i} has unknown keys {sorted(unknown)}; "
                            "allowed ['category', 'literal']")
        rules.append(sectionizer.SectionRule(rule["literal"], rule["category"]))
    return rules
