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

__all__ = ["CATEGORY_ATTRIBUTE", "FLAG_CATEGORIES", "MENTION_FLAGS", "context_rules", "rule_dicts",
           "section_rules"]

#: ConText category -> (attribute, value) of the concept it modifies.
CATEGORY_ATTRIBUTE: dict[str, tuple[str, str]] = {
    "NEGATED_EXISTENCE": ("negation", "Negated"),
    "RESOLVED": ("negation", "Negated"),
    "POSSIBLE_EXISTENCE": ("negation", "Possible"),
    "HISTORICAL": ("temporality", "Historical"),
    "HYPOTHETICAL": ("temporality", "Hypothetical"),
    "FAMILY": ("experiencer", "Other"),
    "OTHER_EXPERIENCER": ("experiencer", "Other"),
}
#: ConText categories that set no assertion attribute. ``ALLERGY`` flags an allergen (a drug
#: the patient reacts to, never one the patient takes); ``AFFIRMED`` ("pt has") and
#: ``PATIENT`` ("he has") end the reach of the negation and family rules that name them in
#: ``terminated_by``, and modify no concept themselves. ``PRESENT`` (", edema is present") ends
#: the reach of those negations and of every history rule; ``NOTED`` (", edema noted") ends
#: only a history's reach: a finding after a history clause is now. ``NOW`` (", now with")
#: ends a negation's, a possibility's and a history's reach: "No fever, now with cough".
FLAG_CATEGORIES: frozenset[str] = frozenset({"ALLERGY", "AFFIRMED", "NOTED", "NOW", "PATIENT",
                                             "PRESENT"})
#: ConText categories that flag the mention they modify, and the :class:`Mention` attribute
#: set. ``RESOLVED`` ("pneumonia resolved with antibiotics") also negates, as NegEx has it, but
#: the patient had the condition: the timeline keeps it as resolved, not refuted.
MENTION_FLAGS: dict[str, str] = {"ALLERGY": "allergen", "RESOLVED": "resolved"}
_RULE_KEYS = {"category", "literal", "pattern", "direction", "max_scope", "origin",
              "terminated_by", "allowed_types", "forward_stops_at"}
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


def _forward_stops_at(marks: frozenset[str]):
    """An ``on_modifies`` callback: a target after the trigger is out of its reach once one of
    ``marks`` stands between them ("Heparin was not given, aspirin was started": the comma
    ends the forward reach); a target before it is reached as the rule says."""
    def modifies(target, trigger, between) -> bool:
        return target.start < trigger.start or not any(t.text in marks for t in between)
    return modifies


def context_rules(name: str = "nlp/context_rules.json") -> list[Any]:
    """medspaCy ``ConTextRule`` objects for the rules of ``name``."""
    context = require("medspacy.context", "nlp")
    rules = []
    for rule in rule_dicts(name):
        kwargs = {k: v for k, v in rule.items()
                  if k not in ("origin", "forward_stops_at") and v is not None}
        if rule.get("forward_stops_at"):
            kwargs["on_modifies"] = _forward_stops_at(frozenset(rule["forward_stops_at"]))
        if "terminated_by" in kwargs:
            kwargs["terminated_by"] = set(kwargs["terminated_by"])
        if "allowed_types" in kwargs:
            kwargs["allowed_types"] = set(kwargs["allowed_types"])
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
