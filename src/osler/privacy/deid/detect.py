"""Find PHI in free text: patterns, dictionaries and context, merged into one span list."""

from __future__ import annotations

import re

from osler.privacy.deid.lexicons import common_words, name_stopwords
from osler.privacy.deid.names import find_names, find_places
from osler.privacy.deid.patterns import find_patterns
from osler.privacy.deid.spans import PhiSpan, merge_spans

__all__ = ["detect_phi"]

# When two detectors claim overlapping text, the more specific shape wins the type.
_PRIORITY = {"EMAIL": 0, "URL": 1, "IP": 2, "PHONE": 3, "ID": 4, "DATE": 5, "AGE": 6,
             "NAME": 7, "LOCATION": 8}


def detect_phi(text: str) -> list[PhiSpan]:
    """Non-overlapping PHI spans of ``text``, in order, with offsets into ``text``.

    Examples
    --------
    >>> [(text[s.start:s.end], s.type) for text in ["Seen by Dr. Osler on 3/14/2019."]
    ...  for s in detect_phi(text)]
    [('Osler', 'NAME'), ('3/14/2019', 'DATE')]
    """
    spans = list(find_patterns(text))
    taken = [(s.start, s.end) for s in spans]
    for span in (*find_names(text), *find_places(text)):
        # Names inside an e-mail address or URL are already covered by the pattern span.
        if not any(a <= span.start and span.end <= b for a, b in taken):
            spans.append(span)
    merged = merge_spans(sorted(spans, key=lambda s: (s.start, _PRIORITY[s.type])), text)
    merged = _propagate(text, [_trim(text, s) for s in merged if text[s.start:s.end].strip()])
    return merged


def _propagate(text: str, spans: list[PhiSpan]) -> list[PhiSpan]:
    """Every other mention of a name or place already found in the note ("Dr. Kowal ... Kowal").

    Context finds a name once; the same word later in the note, without context, is the same
    person. Only words of three letters or more that are not stop or everyday words spread.
    """
    skip = name_stopwords() | common_words()
    words: dict[str, str] = {}
    for span in spans:
        if span.type in ("NAME", "LOCATION"):
            for word in re.findall(r"[A-Za-z][A-Za-z']+", text[span.start:span.end]):
                low = word.lower().removesuffix("'s")
                if len(low) >= 3 and low not in skip:
                    words.setdefault(low, span.type)
    if not words:
        return spans
    pattern = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, sorted(words, key=len,
                                                                          reverse=True)))
                         + r")(?![\w])", re.I)
    extra = [PhiSpan(m.start(1), m.end(1), words[m.group(1).lower()])
             for m in pattern.finditer(text)]
    if not extra:
        return spans
    return merge_spans(sorted([*spans, *extra], key=lambda s: (s.start, _PRIORITY[s.type])))


def _trim(text: str, span: PhiSpan) -> PhiSpan:
    start, end = span.start, span.end
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return PhiSpan(start, end, span.type)
