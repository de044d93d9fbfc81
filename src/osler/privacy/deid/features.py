"""Token features for the learned PHI tagger: shapes, public lexicons and the rules' outputs.

No feature carries the identity of a word unless the word is in :func:`public_vocabulary`
(Osler's stop and context lists, Faker's everyday words, spaCy's English stop words copied into
``resources/deid/tagger_vocabulary.txt``, months).
A trained model therefore holds no word of the notes it was trained on, only shapes, lexicon
flags, rule outputs and public words, and can be committed and audited (``tests/privacy``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from osler.privacy.deid.lexicons import (census_names, common_words, english_names,
                                         first_names, last_names, name_stopwords, place_names,
                                         us_places, us_states)
from osler.privacy.deid.places import context_words
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.vocab import MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS
from osler.resources import path as resource_path

__all__ = ["NoteParts", "Token", "gold_labels", "neighbour_features", "note_features", "note_parts",
           "own_features", "public_feature", "public_suffixes", "public_vocabulary", "tokenize",
           "word_features"]

_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*|\d+(?:[/.:-]\d+)*|[^\sA-Za-z\d]")
# An Osler tag such as [NAME] left by an earlier pass is never PHI again (idempotence).
_TAG = re.compile(r"\[[A-Z]+\]")


@dataclass(frozen=True, slots=True)
class Token:
    """``text[start:end]`` with the line it sits on (0-based)."""

    start: int
    end: int
    word: str
    line: int


def tokenize(text: str) -> list[Token]:
    """Words, numbers (with their ``/.:-`` separators) and single punctuation marks."""
    tags = [(m.start(), m.end()) for m in _TAG.finditer(text)]   # sorted, disjoint
    starts = [a for a, _ in tags]
    out, line, pos = [], 0, 0
    for m in _TOKEN.finditer(text):
        k = bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < tags[k][1]:
            continue
        line += text.count("\n", pos, m.start())
        pos = m.start()
        out.append(Token(m.start(), m.end(), m.group(), line))
    return out


@lru_cache(maxsize=1)
def public_vocabulary() -> frozenset[str]:
    """Words whose identity a feature may carry: public lists only, never a corpus."""
    vocab = set(name_stopwords()) | set(common_words())
    vocab |= set(MONTHS) | set(MONTH_ABBREVIATIONS)
    vocab |= set(WEEKDAYS)
    lines = resource_path("deid/tagger_vocabulary.txt").read_text(encoding="utf-8").splitlines()
    vocab |= {w.lower() for ln in lines if not ln.startswith("#") for w in ln.split()}
    return frozenset(vocab | context_words())


@lru_cache(maxsize=1)
def public_suffixes() -> frozenset[str]:
    """Three-letter endings shared by at least 40 US Census surnames or first names ("son")."""
    counts = Counter(w[-3:] for w in census_names() if len(w) > 4)
    return frozenset(s for s, n in counts.items() if n >= 40)


def _shape(word: str) -> str:
    """"Xxxx" -> "Xx", "12/3" -> "d/d": character classes with runs collapsed."""
    out = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:8]


def _casing(word: str) -> str:
    if word[:1].isdigit():
        return "num"
    if not word[:1].isalpha():
        return "punct"
    if word.isupper():
        return "upper" if len(word) > 1 else "initial"
    if word[:1].isupper():
        return "title"
    return "lower"


def _length(word: str) -> str:
    n = len(word)
    return str(n) if n <= 4 else "5-7" if n <= 7 else "8+"


@lru_cache(maxsize=1)
def _lexicons() -> tuple[tuple[str, frozenset[str]], ...]:
    english = english_names()
    return (("fn", first_names()), ("ln", last_names()), ("cn", census_names()),
            ("en", english), ("town", us_places()), ("city", place_names()),
            ("state", us_states()), ("common", common_words()), ("stop", name_stopwords()))


@lru_cache(maxsize=1 << 16)
def word_features(word: str) -> tuple[str, ...]:
    """What a word looks like and which public lists hold it (its identity only if public)."""
    vocab, suffixes = public_vocabulary(), public_suffixes()
    low = word.lower().removesuffix("'s")
    casing = _casing(word)
    feats = [f"sh={_shape(word)}", f"case={casing}", f"len={_length(word)}"]
    if low in vocab:
        feats.append(f"w={low}")
    elif casing == "punct":
        feats.append(f"p={word}")
    elif casing not in ("num", "punct"):
        feats.append("oov")
        if len(low) > 4 and low[-3:] in suffixes:
            feats.append(f"suf={low[-3:]}")
    if casing != "punct":
        for flag, words in _lexicons():
            if low in words:
                feats += [f"lex={flag}", f"lex={flag}|{casing}"]
    if casing == "num":
        feats += _number_features(word)
    return tuple(feats)


@lru_cache(maxsize=1 << 16)
def neighbour_features(word: str) -> tuple[str, ...]:
    """The part of :func:`word_features` that neighbours see (no length, no digit count)."""
    return tuple(x for x in word_features(word) if not x.startswith(("len=", "ndig=")))


def _number_features(word: str) -> list[str]:
    digits = word.replace("/", "").replace("-", "").replace(".", "").replace(":", "")
    feats = [f"ndig={min(len(digits), 11)}"]
    if re.fullmatch(r"(?:19|20)\d\d", word):
        feats.append("yearlike")
    if re.fullmatch(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?", word):
        first = int(word.split("/")[0])
        feats.append("md" if first <= 12 else "not_md")
    return feats


@dataclass(frozen=True)
class NoteParts:
    """A note's tokens described once; :func:`note_features` spells them out as strings."""

    case: str
    words: list[str]
    hits: list[tuple[str, ...]]
    extra: list[list[str]]


def note_parts(text: str, tokens: list[Token], rules: dict[str, list[PhiSpan]]) -> NoteParts:
    """Note casing, rule hits ("names=NAME") and position/context features per token."""
    vocab = public_vocabulary()
    letters = sum(map(str.isalpha, text)) or 1
    upper = sum(map(str.isupper, text)) / letters
    case = "caps" if upper > 0.6 else "lowercase" if upper < 0.03 else "mixed"
    layer_hits = [_rule_hits(tokens, spans, name) for name, spans in sorted(rules.items())]
    hits = [tuple(x for layer in layer_hits for x in layer[i]) for i in range(len(tokens))]
    repeats = Counter(t.word.lower() for t in tokens if t.word[:1].isalpha() and len(t.word) > 2)
    lows = [t.word.lower() for t in tokens]
    public = [w if w in vocab else None for w in lows]
    extra = []
    for i, tok in enumerate(tokens):
        e = _position(text, tokens, i) + _window_words(public, i)
        if repeats[tok.word.lower()] > 1:
            e.append("repeated")
        extra.append(e)
    return NoteParts(case, [t.word for t in tokens], hits, extra)


def own_features(word: str, hits: tuple[str, ...], case: str) -> list[str]:
    """Features of a token from itself: its word, the rules that hit it, the note's casing."""
    return ["bias", f"note={case}", f"case={_casing(word)}|{case}", *word_features(word),
            *hits, *(f"{x}|{case}" for x in hits)]


def note_features(text: str, tokens: list[Token], rules: dict[str, list[PhiSpan]]
                  ) -> list[list[str]]:
    """Feature lists, one per token, for a CRF.

    ``rules`` maps a rule layer's name ("patterns", "names", "places", "rules") to its spans;
    each token gets the type of every layer's span that overlaps it, and so do its neighbours
    (two either side) as ``"-1:names=NAME"``.
    """
    parts = note_parts(text, tokens, rules)
    feats = []
    for i, word in enumerate(parts.words):
        f = own_features(word, parts.hits[i], parts.case) + parts.extra[i]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(tokens):
                f += [f"{d}:{x}" for x in (*neighbour_features(parts.words[j]), *parts.hits[j])]
            else:
                f.append(f"{d}:edge")
        feats.append(f)
    return feats


def _rule_hits(tokens: list[Token], spans: list[PhiSpan], layer: str) -> list[list[str]]:
    hits: list[list[str]] = [[] for _ in tokens]
    if not spans:
        return hits
    spans = sorted(spans)
    k = 0
    for i, tok in enumerate(tokens):
        while k < len(spans) and spans[k].end <= tok.start:
            k += 1
        for span in spans[k:k + 4]:
            if span.start < tok.end and tok.start < span.end:
                hits[i].append(f"{layer}={span.type}")
    return hits


def _position(text: str, tokens: list[Token], i: int) -> list[str]:
    tok = tokens[i]
    out = []
    if i == 0 or tokens[i - 1].line != tok.line:
        out.append("line_start")
    if i + 1 == len(tokens) or tokens[i + 1].line != tok.line:
        out.append("line_end")
    before = text[tokens[i - 1].end:tok.start] if i else ""
    if "\n" not in before and len(before) >= 3:
        out.append("wide_gap_before")
    if i and tokens[i - 1].word in ".!?:;":
        out.append("after_stop")
    return out


def _window_words(public: list[str | None], i: int) -> list[str]:
    """Public words within four tokens either side, without their order ("transferred ... to").

    ``public[j]`` is token j's lower-case word when it is in the public vocabulary, else None.
    """
    left = {w for w in public[max(0, i - 4):i] if w is not None}
    right = {w for w in public[i + 1:i + 5] if w is not None}
    return [f"left={w}" for w in left] + [f"right={w}" for w in right]


def gold_labels(tokens: list[Token], gold: Iterable[PhiSpan], coarse: dict[str, str]
                ) -> list[str]:
    """The gold label of each token: the coarse type of an overlapping gold span, else "O"."""
    gold = sorted(gold)
    labels = []
    for tok in tokens:
        label = "O"
        for g in gold:
            if g.start < tok.end and tok.start < g.end:
                label = coarse.get(g.type, "O")
                break
        labels.append(label)
    return labels


_FLAGS = frozenset({"bias", "oov", "yearlike", "md", "not_md", "line_start", "line_end",
                    "wide_gap_before", "after_stop", "repeated", "edge"})
_CLOSED = {"note": {"caps", "lowercase", "mixed"},
           "len": {"1", "2", "3", "4", "5-7", "8+"},
           "ndig": {str(n) for n in range(12)}}
_CASES = {"num", "punct", "upper", "initial", "title", "lower"}
_LAYERS = {"patterns", "names", "places", "rules"}


def public_feature(attribute: str) -> bool:
    """Whether a feature name can only hold public words, shapes and flags (no note's words).

    Used to audit a trained model before it is saved: a feature outside this closed space
    could carry a string from the training notes.
    """
    name = re.sub(r"^-?\d:", "", attribute)
    if name in _FLAGS:
        return True
    key, sep, value = name.partition("=")
    value, _bar, qualifier = value.partition("|")
    if not sep or (qualifier and qualifier not in _CASES | _CLOSED["note"]):
        return False
    if key in ("w", "left", "right"):
        return value in public_vocabulary()
    if key == "suf":
        return value in public_suffixes()
    if key == "p":
        return len(value) == 1 and not value.isalnum()
    if key == "sh":
        return 0 < len(value) <= 8 and all(c in "Xxd" or not c.isalnum() for c in value)
    if key in ("case", "lex"):
        return value in _CASES or value in {flag for flag, _w in _lexicons()}
    if key in _LAYERS:
        return value in {"NAME", "LOCATION", "DATE", "PHONE", "ID", "EMAIL", "URL", "IP", "AGE"}
    return value in _CLOSED.get(key, ())
