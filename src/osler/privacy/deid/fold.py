"""Same-length ASCII folding for detection: the dictionaries, patterns and tagger were written
for ASCII, so "Zoë Núñez" is looked at as "Zoe Nunez", while every offset found stays an offset
into the original text (one character in, one character out).

Latin letters lose their marks ("ễ" -> "e"; "ß", "ø", "æ", "ł" ... by table), typographic quotes,
dashes and spaces become their ASCII forms, letters of other scripts become "x" (so a word stays
one word), other symbols a space. ASCII text is returned unchanged.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from osler.privacy.deid.spans import PhiSpan, merge_spans

__all__ = ["fold", "lower_keeping_length", "other_script_words", "over_marks"]

_TABLE = {"\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u2032": "'", "\u201c": '"',
          "\u201d": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
          "\u2014": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "ß": "s", "ø": "o",
          "Ø": "O", "æ": "a", "Æ": "A", "œ": "o", "Œ": "O", "đ": "d", "Đ": "D", "ð": "d",
          "Ð": "D", "ł": "l", "Ł": "L", "þ": "t", "Þ": "T", "ı": "i", "ħ": "h", "Ħ": "H"}


@lru_cache(maxsize=8192)
def _char(c: str) -> str:
    if c in _TABLE:
        return _TABLE[c]
    base = unicodedata.normalize("NFKD", c)[:1]
    if base.isascii() and (base.isalpha() or base.isdigit()):
        return base
    if c.isalpha():
        return "X" if c.isupper() else "x"
    if c.isdigit():
        return str(unicodedata.digit(c, 0))
    if c.isspace():
        return "\n" if c in "\u2028\u2029\x85" else " "
    return " "


def fold(text: str) -> str:
    """``text`` with every non-ASCII character replaced by one ASCII character.

    A combining mark or an invisible format character (zero-width space or joiner, soft
    hyphen) right after a letter repeats that letter, so that "Lefe\u0300vre" and
    "Blen\u200bkinsop" stay one word each ("Lefeevre", "Blennkinsop"). The detectors fold
    the visible text (:mod:`osler.privacy.deid.visible`), where no invisible character is left.
    """
    if text.isascii():
        return text
    out: list[str] = []
    for c in text:
        if c < "\x80":
            out.append(c)
        elif out and out[-1].isalpha() and _joins(c):
            out.append(out[-1])
        else:
            out.append(_char(c))
    return "".join(out)


@lru_cache(maxsize=1024)
def _joins(c: str) -> bool:
    """A character that belongs inside the word it is written in: a combining mark, or an
    invisible format character (category Cf: zero-width space, joiners, soft hyphen)."""
    return unicodedata.category(c) in ("Mn", "Mc", "Me", "Cf")


def over_marks(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """Spans extended over combining marks that follow them in ``text`` (a decomposed "é" is an
    "e" and a mark: the mark belongs to the name)."""
    if text.isascii():
        return spans
    out = []
    for s in spans:
        end = s.end
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        out.append(s if end == s.end else PhiSpan(s.start, end, s.type))
    return out


def other_script_words(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """``spans`` with every word written in a non-Latin script added as a NAME.

    The dictionaries, patterns and tagger read Latin script only, so in a note written in it,
    a word in Cyrillic, Arabic, Han, Devanagari ... is one they cannot judge, and in such notes
    it is most often a name (the patient's, a relative's) or a place written as its owner
    writes it: a missed name costs more than a redacted word. A word that mixes scripts
    ("Ivаn" with a Cyrillic "а", "jοhn" with a Greek omicron) counts too. Greek letters
    stand for units and receptors ("µg", "β-blocker", "αβ T cells", "TNFα"), so a Greek word
    needs three Greek letters, and a Latin word only a Greek letter that passes for Latin.
    """
    if text.isascii():
        return spans
    found = []
    start = None
    for i, c in enumerate([*text, " "]):
        if c.isalpha() or (start is not None and unicodedata.category(c).startswith("M")):
            if start is None:
                start = i
            continue
        if start is not None and _other_script(text[start:i]):
            found.append(PhiSpan(start, i, "NAME"))
        start = None
    return merge_spans([*spans, *found], text) if found else spans


def _other_script(word: str) -> bool:
    greek = other = latin = lookalike = 0
    for c in word:
        if not c.isalpha():
            continue   # a mark
        if c.isascii() or _char(c) not in ("x", "X"):
            latin += 1  # ASCII, or a Latin letter with marks ("é" folds to "e")
            continue
        name = unicodedata.name(c, "")
        if name.startswith(("MICRO", "OHM", "ANGSTROM", "KELVIN")):
            continue   # unit signs: "µg", "520 Ω"
        if name.startswith("GREEK"):
            greek += 1
            lookalike += c in _GREEK_LOOKALIKES
        else:
            other += 1
    # a Latin word with a Greek letter that looks Latin ("jοhn" with an omicron) hides a
    # name; "TNFα" or "IFNγ" are not that
    return other > 0 or greek >= 3 or (latin > 0 and lookalike > 0)


#: Greek letters that pass for Latin ones in most fonts.
_GREEK_LOOKALIKES = frozenset("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιν")


def lower_keeping_length(text: str) -> str:
    """``text`` in lower case, one character out for each character in, so offsets into it are
    offsets into ``text`` ("İ".lower() is two code points, "i" and a combining dot; it becomes
    "i" here).

    >>> lower_keeping_length("\u0130D 77")
    'id 77'
    """
    return "".join(low if len(low := c.lower()) == 1 else low[0] for c in text)
