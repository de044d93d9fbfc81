"""Ward words that name no person and no place (``resources/deid/clinical_terms.txt``):
languages, rhythms, charting systems and devices, insurers, hospital objects, ward types,
abbreviations of roles and doings, genera, everyday words that are also towns, species.

The place and name rules test a word after "from", "in", "at", a plan, a relation or a role
against them ("in Swahili", "removed from Omnicell", "Plan: Medsurg 4", "Daughter, Nok",
"SON ETA 1900", "K. Pneumoniae"); the learned tagger's features never read them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from osler.privacy.deid.lexicons import resource_lines, sectioned_words
from osler.privacy.deid.spans import PhiSpan, cut_out

__all__ = ["abbreviation_shaped", "clinical_shaped", "clinical_terms", "organism_species",
           "term_phrases", "term_section",
           "without_clinical_terms"]

_FILE = "deid/clinical_terms.txt"


@lru_cache(maxsize=None)
def term_section(section: str) -> frozenset[str]:
    """Lower-case words of ``[section]`` of the file."""
    return sectioned_words(_FILE, section)


@lru_cache(maxsize=None)
def term_phrases(section: str) -> tuple[str, ...]:
    """Lower-case phrases of ``[section]`` of the file, one a line ("normal saline")."""
    phrases, current = [], None
    for line in resource_lines(_FILE):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == section:
            phrases.append(" ".join(line.lower().split()))
    return tuple(phrases)


@lru_cache(maxsize=None)
def _phrase_pattern(section: str) -> re.Pattern[str]:
    """The phrases of ``[section]`` as whole words, in any case and spacing, longest first."""
    phrases = sorted(term_phrases(section), key=len, reverse=True)
    body = "|".join(r"[ \t]+".join(map(re.escape, p.split())) for p in phrases)
    return re.compile(rf"(?<![\w'-])(?i:{body})(?![\w'-])")


@lru_cache(maxsize=1)
def clinical_terms() -> frozenset[str]:
    """Every section but the everyday words and the species, less the words that a name list
    holds ("Baxter", "Posey", "Kaiser": the rules for listed names judge those)."""
    words = frozenset().union(*(term_section(s) for s in (
        "languages", "rhythms", "systems", "insurers", "objects", "wards", "abbreviations",
        "genera")))
    return frozenset(w for w in words if not _listed(w))


@lru_cache(maxsize=1)
def organism_species() -> frozenset[str]:
    """Species epithets written after a genus's initial ("pneumoniae", "aureus", "diff")."""
    return term_section("organisms")


# --- a final cut: ward words that a rule or the tagger took for a name or a place -----------
# (applied to the final spans, so the rule layers, the tagger's features, stay as they are)

# A genus's initial and its species ("K. Pneumoniae", "S AUREUS", "A. Fib").
_ORGANISM = re.compile(r"(?:\b(?i:cx|culture|cult|grew|growing|growth|positive|pos)[ \t]+)?"
                       r"(?<![A-Za-z.])[A-Za-z](?:\.[ \t]?|[ \t])(?P<s>[A-Za-z]+)\b")
# A ward type before a unit's word ("from outside burns unit", "on Tele floor").
_TITLE_BEFORE = re.compile(r"\b(?i:dr|doctor|mr|mrs|ms|miss|prof|nurse|rn|np|md)\.?[ \t]*$")
_UNIT_AFTER = re.compile(r"[ \t]+(?i:unit|floor|icu|ward|service|team|bed|clinic|rehab|hospital|"
                         r"hosp|center|centre|program|facility|living)\b")
# A language before a speaker's word ("Wife Spanish speaking", "SON SPANISH SPEAKING").
_SPEAKING_AFTER = re.compile(r"[ \t-]*(?i:speaking|speaker|speakers|speaks|only|interpreter|"
                             r"translator)\b")
# A device named by a brand or a town before its kind ("Philadelphia collar", "Miami J collar",
# "Posey bed", "Bucks traction", "Fowler position", "Boston Scientific ICD").
_BEFORE_DEVICE = re.compile(
    r"\b(?P<p>[A-Z][a-z]+(?:[ \t]+(?:J|Scientific))?)(?=[ \t]+(?P<d>(?i:collars?|traction|position|"
    r"brace|boot|splint|sling|belt|vest|mattress|restraints?|icd|aicd|pacemaker|ppm|crt-?d|lift|"
    r"dressing|catheter|stockings|hose|bed|frame|device))\b)")
# Kinds of device that a person's name never comes before; before the others ("bed",
# "dressing", "catheter") only a listed brand ("Posey bed") is one.
_DEVICE_KINDS = frozenset("""collar collars traction position icd aicd pacemaker ppm crt-d crtd
brace splint boot""".split())
# A side written as a letter before a device ("R PLEURX", "L PERMACATH").
_SIDE_DEVICE = re.compile(r"(?<![A-Za-z.])[RLB](?:\.[ \t]?|[ \t])(?P<s>[A-Za-z]+)\b")
# A saint's name on a device, a disease or a herb ("St. Jude valve", "St. Louis encephalitis").
_SAINT_THING = re.compile(
    r"\b(?:St|ST|Saint|SAINT)\.?[ \t]+[A-Z][A-Za-z]+(?:'[sS])?(?=[ \t]+(?:[A-Za-z-]+[ \t]+){0,2}"
    r"(?i:valves?|pacemakers?|ppm|icds?|aicds?|avr|mvr|tavr|devices?|leads?|prosthe\w*|"
    r"mechanical|bileaflet|generator|encephalitis|virus|dance|chorea|wort|defibrillator)\b)")
# The herb, whatever its case ("St John's Wort", "ST. JOHNS WORT"): "Wort" is no place either.
_HERB = re.compile(r"\b(?i:st\.?|saint)[ \t]+(?i:john'?s)[ \t]+(?i:wort)\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


def without_clinical_terms(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` without the ward words taken for a name or a place: an organism ("K.
    Pneumoniae"), a side and a device ("R PLEURX"), a saint's device, disease or herb ("St.
    Jude valve", "St John's Wort"), a thing of ``[not_places]`` ("Normal Saline", "Assisted
    Living"), a pharmacy chain taken for a place ("Walgreens"), and a span of one word that is
    a language, a rhythm, a genus or an abbreviation of a role or a doing ("Albanian",
    "Wenckebach", "Klebsiella", "NOK", "ETA") and no listed name (an abbreviation in capitals
    even then: "ETA")."""
    if not any(s.type in _TYPES for s in spans):
        return spans
    found = [m.span() for m in _ORGANISM.finditer(text) if m.group("s").lower() in
             organism_species()]
    found += [m.span() for m in _SIDE_DEVICE.finditer(text)
              if m.group("s").lower() in term_section("systems") | term_section("side_devices")]
    found += [m.span("p") for m in _BEFORE_DEVICE.finditer(text)
              if not _TITLE_BEFORE.search(text, max(0, m.start() - 12), m.start())
              # a bed, a frame, a lift of a brand ("Posey bed"), not a ward's ("Quellmoor bed 4")
              and (m.group("d").lower() in _DEVICE_KINDS
                   or m.group("p").lower() in term_section("systems"))]
    found += [m.span() for m in _SAINT_THING.finditer(text)]
    found += [m.span() for m in _HERB.finditer(text)]
    found += [m.span() for m in _phrase_pattern("not_places").finditer(text)]
    for span in spans:
        words = _WORD.findall(text[span.start:span.end])
        if span.type not in _TYPES:
            continue
        lows = [w.lower() for w in words]
        titled = bool(_TITLE_BEFORE.search(text, max(0, span.start - 12), span.start))
        if len(words) == 1 and (_one_ward_word(words[0]) or lows[0] in term_section("languages")
                                and _SPEAKING_AFTER.match(text, span.end) and not titled):
            found.append((span.start, span.end))
        elif (0 < len(words) <= 3 and not titled and _unit_after(text, span.end)
              and all(w in term_section("wards") | term_section("care_levels") for w in lows)):
            found.append((span.start, span.end))   # "from outside burns unit", "Subacute Rehab"
    spans = cut_out(text, spans, found, _TYPES) if found else spans
    # a pharmacy chain named without its branch; a person of the same name stays ("Dr. Kroger")
    chains = [m.span() for m in _phrase_pattern("pharmacies").finditer(text)]
    return cut_out(text, spans, chains, frozenset({"LOCATION"})) if chains else spans


_TYPES = frozenset({"NAME", "LOCATION"})


_NEXT_WORD = re.compile(r"[ \t]+(?P<w>[A-Za-z]+)")


def _unit_after(text: str, end: int) -> bool:
    """A unit's word after ``end``, at most two words of a level of care between ("Sickle
    [Cell] Clinic")."""
    for _ in range(3):
        if _UNIT_AFTER.match(text, end):
            return True
        m = _NEXT_WORD.match(text, end)
        if not m or m.group("w").lower() not in term_section("wards") | term_section("care_levels"):
            return False
        end = m.end()
    return False


def _one_ward_word(word: str) -> bool:
    from osler.privacy.deid.places import _POSTAL   # it imports this module

    low = word.lower()
    if (low in term_section("abbreviations") and low not in _POSTAL    # "Quellmoor, MD"
            and (word.isupper() or not _listed(low))):
        return True
    return not _listed(low) and any(low in term_section(s) for s in (
        "languages", "rhythms", "genera", "insurers"))


def _listed(low: str) -> bool:
    from osler.privacy.deid.lexicons import census_names, first_names, last_names

    return low in first_names() or low in last_names() or low in census_names()


# --- shapes of ward words that no list need hold ------------------------------------------

# Endings of procedures and tests ("Kyphoplasty", "Paracentesis", "Cardioversion",
# "Echocardiogram") and of drug stems ("Bivalirudin", "Argatroban", "Ketamine", "Rituximab",
# "Lisinopril", "Metoprolol"): no place's and no person's own name ends so.
_CLINICAL_ENDING = re.compile(
    r"(?:scopy|otomy|ostomy|ectomy|plasty|pexy|rrhaphy|centesis|graphy|(?:o|io)grams?|version|"
    r"tripsy|lysis|desis|mab|pril|olol|azole|mycin|micin|cillin|oxacin|cycline|statin|sartan|"
    r"dipine|parin|xaban|troban|rudin|grel|grelor|amine|azepam|azolam|barbital|olone|asone|"
    r"tidine|navir|ciclovir|penem|fungin|afil|lukast|terol|tropium)$")


def clinical_shaped(low: str) -> bool:
    """Whether a lower-case word ends as a procedure, a test or a drug stem does
    ("kyphoplasty", "lithotripsy", "bivalirudin", "metoprolol")."""
    return len(low) > 5 and bool(_CLINICAL_ENDING.search(low))


# Consonants that may open an English word or name ("Bram", "Christa", "Sloane", "Thea").
_ONSETS = frozenset("""bl br ch chr cl cr dr dw fl fr gl gn gr kl kn kr ph phr pl pr qu sc sch
scr sh shr sk sl sm sn sp sph spl spr squ st str sv sw th thr tr tw wh wr zh""".split())
# Consonants that may close one ("Bess", "Todd", "Frank", "Albrecht", "Holm").
_CODAS = frozenset("""ll ss tt nn ff ck nd nt rd rt rk rl rn rm rs rg rc st th sh ch ng nk ld
lt lf lm lk lph ph gh ght rth rst nch rch tch ns nz ts ks lz rz dt ms mp mb ct pt ft sk sp lb
rb rv lv nc nth cht rdt ndt""".split())


def abbreviation_shaped(word: str) -> bool:
    """Whether a word reads as an abbreviation, not as a name or a town: no vowel after its
    first letter ("APRV", "MPH"), a letter three times running ("ooo"), or consonants that no
    English word opens or closes with ("mpoa", "adhd", "pharmd", "tomm")."""
    low = word.lower()
    if not low.isalpha():
        return False
    if not re.search(r"[aeiouy]", low[1:]) or re.search(r"(.)\1\1", low):
        return True
    head = re.match(r"[^aeiouy]*", low).group()
    tail = re.search(r"[^aeiouy]*$", low).group()
    return (len(head) > 1 and head not in _ONSETS) or (len(tail) > 1 and tail not in _CODAS
                                                       and tail[-2:] not in _CODAS)
