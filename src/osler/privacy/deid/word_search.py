"""Where an alternation of many words matches a long note, without trying each word at each
character.

A pattern ``<look behind>(word1|word2|...)<look ahead>`` scanned with ``finditer`` tries every
word at every character: its time grows with the note's length times the number of words, and
a long note has many names to spread (its time grew with the square of the note's length). Here
a word is tried only where one could start (after a character that is no letter, or one letter
after it) and where the note's next characters are those of some word, read loosely (case and
the few other characters that case-insensitive matching equates), and the pattern itself
decides there: the matches are the same as ``finditer``'s.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

__all__ = ["find_words"]

# The characters past ASCII that case-insensitive matching equates with an ASCII letter
# (dotted and dotless i, long s, Kelvin sign); any other one matches no ASCII character.
_LOOSE_EXTRA = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_NOT_LETTER = re.compile(r"[\W\d_]")


class _Loose(dict):
    """str.translate table: ASCII in lower case, the four characters above as their letter,
    anything else as NUL (a stand-in that never tells two characters apart wrongly: it is
    only a filter, the pattern decides)."""

    def __missing__(self, code: int) -> str:
        return "\0"


_LOOSE = _Loose({c: chr(c).lower() for c in range(128)})
_LOOSE.update({ord(k): v for k, v in _LOOSE_EXTRA.items()})


def find_words(pattern: re.Pattern[str], words: Collection[str], text: str, *,
               ignore_case: bool) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)``, where ``pattern`` is a look-behind that
    needs no letter just before the word or a letter with no letter before it, then one of
    ``words`` (with ``re.I`` when ``ignore_case``), then anything; every match starts with
    one of ``words``."""
    if not words or "" in words:
        yield from pattern.finditer(text)
        return
    loose = (lambda s: s.translate(_LOOSE)) if ignore_case else (lambda s: s)
    keys = {loose(w) for w in words}
    lengths = sorted({len(k) for k in keys}, reverse=True)
    head = min(2, lengths[-1])
    heads = {k[:head] for k in keys}
    folded = loose(text)
    # a word can start at 0, 1, or one or two characters after one that is no letter
    starts = {0, 1}
    for m in _NOT_LETTER.finditer(text):
        starts.add(m.end())
        starts.add(m.end() + 1)
    done = 0
    for p in sorted(starts):
        if p < done or folded[p:p + head] not in heads:
            continue
        if not any(folded[p:p + n] in keys for n in lengths):
            continue
        m = pattern.match(text, p)
        if m:
            yield m
            done = m.end()
