"""The helpers rewritten so that a long note takes linear time give what the simple versions
they replaced gave (made-up text only)."""

from __future__ import annotations

import random
import re

import pytest

from osler.privacy.deid.detect import _piece_index, _tag_text, _to_original
from osler.privacy.deid.spans import PhiSpan, cut_out
from osler.privacy.deid.word_search import _LOOSE_EXTRA, find_words

_ALPHABET = "abKk ſıİ'-_9.\n"


def _spread_pattern(words):
    """The pattern detect._propagate builds for its words."""
    return re.compile(r"(?:(?<![^\W\d_])(?<!')|(?<=(?<![^\W\d_])[A-Z]))(" + "|".join(
        map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![^\W\d_])", re.I)


@pytest.mark.parametrize("seed", range(40))
def test_find_words_gives_the_matches_of_finditer(seed):
    rnd = random.Random(seed)
    words = {"".join(rnd.choice("abkſıİs'") for _ in range(rnd.randint(1, 4)))
             for _ in range(rnd.randint(1, 6))}
    text = "".join(rnd.choice(_ALPHABET + "AB") for _ in range(300))
    text += " " + " ".join(words)           # every word at least once
    loose = _spread_pattern({w.lower() for w in words})
    assert ([m.span() for m in find_words(loose, {w.lower() for w in words}, text,
                                          ignore_case=True)]
            == [m.span() for m in loose.finditer(text)])
    exact = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, sorted(words))) + r")(?![\w'])")
    found = [m.span() for m in find_words(exact, words, text, ignore_case=False)]
    assert found == [m.span() for m in exact.finditer(text)]
    assert found   # the words were written out


def test_find_words_on_names_of_a_long_made_up_note():
    names = ["Quaxworth", "Zebulon", "Ottoline", "Pemberton", "Lochmoor", "O'Dwyer"]
    text = "".join(f"Seen by Dr. {n}; {n.upper()} called, ZQuaxworth and {n.lower()}ish. "
                   for n in names) * 200
    words = {n.lower() for n in names}
    pattern = _spread_pattern(words)
    found = [m.span() for m in find_words(pattern, words, text, ignore_case=True)]
    assert found == [m.span() for m in pattern.finditer(text)]
    assert len(found) == 200 * 3 * len(names)   # not the "...ish" words


def test_only_the_listed_characters_past_ascii_match_an_ascii_one_ignoring_case():
    for ch, letter in _LOOSE_EXTRA.items():
        assert re.fullmatch(re.escape(letter), ch, re.I)
    for ch in "\u00e9\u00df\u0391\u03bc\u0441\u212b":      # a few others: no ASCII match
        assert not re.fullmatch(r"[\x00-\x7f]", ch, re.I)


def _to_original_by_scan(span, pieces):
    """The scan of every piece that _to_original replaced."""
    def where(p: int, end: bool) -> int:
        for a, b, old_start, old_end in pieces:
            if a <= p < b or (end and a < p <= b):
                if old_end < 0:
                    return -old_end if end else old_start
                return old_start + (p - a)
        return pieces[-1][3]
    return PhiSpan(where(span.start, False), where(span.end, True), span.type)


@pytest.mark.parametrize("seed", range(20))
def test_tagged_offsets_map_back_as_the_scan_did(seed):
    rnd = random.Random(seed)
    text = "".join(rnd.choice("ab \n") for _ in range(120))
    spans, pos = [], 0
    while pos < len(text) - 2:
        start = pos + rnd.randint(0, 8)   # spans may touch (an empty piece between)
        end = min(len(text), start + rnd.randint(1, 6))
        if start >= end:
            break
        spans.append(PhiSpan(start, end, rnd.choice(["NAME", "DATE"])))
        pos = end
    tagged, pieces = _tag_text(text, spans)
    index = _piece_index(pieces)
    for start in range(len(tagged) + 1):
        for end in range(start, len(tagged) + 1):
            span = PhiSpan(start, end, "NAME")
            assert _to_original(span, pieces, index) == _to_original_by_scan(span, pieces)


def _cut_out_by_scan(text, spans, found, types, end_marks=""):
    """The scan of every range for every span that cut_out replaced."""
    out = []
    for span in spans:
        start, end = span.start, span.end
        for a, b in found if span.type in types else ():
            if a < end and start < b:
                if start < a:
                    end = a
                else:
                    start = b
        while start < end and not (text[end - 1].isalnum() or text[end - 1] in end_marks):
            end -= 1
        while start < end and not text[start].isalnum():
            start += 1
        if start < end:
            out.append(PhiSpan(start, end, span.type))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_cut_out_cuts_as_the_scan_did(seed):
    rnd = random.Random(seed)
    text = "".join(rnd.choice("abc .,") for _ in range(200))
    spans = []
    for _ in range(30):
        start = rnd.randrange(len(text))
        spans.append(PhiSpan(start, min(len(text), start + rnd.randint(1, 25)),
                             rnd.choice(["NAME", "LOCATION"])))
    found = []
    for _ in range(rnd.randint(1, 15)):   # unsorted, overlapping, some far-reaching
        a = rnd.randrange(len(text))
        found.append((a, min(len(text), a + rnd.choice([0, 1, 3, 10, 80]))))
    types = frozenset({"NAME"})
    assert (cut_out(text, spans, found, types, end_marks=".")
            == _cut_out_by_scan(text, spans, found, types, end_marks="."))
