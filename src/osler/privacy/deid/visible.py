"""Text as a reader sees it: without invisible format characters, with a way back to the
original offsets.

A zero-width space, non-joiner, joiner or word joiner, a byte-order mark or a soft hyphen
inside a name ("Jo\u200bhn", "Mary\u00adAnn") is not seen on screen, yet splits the name in
two for the rules and the tagger, and makes "Jo\u200bhn" a word no dictionary lists. Detection
reads the visible text; the spans it finds are mapped back onto the original, so a span covers
every invisible character inside the name, and a surrogate is chosen from what a reader sees
("Jo\u200bhn" gets John's stand-in, with no invisible remnant).

Between a lower-case letter and a capital ("Patient\u200bZorblatt", "Call\u200bZed"), an
invisible character parts two words run together: detection reads a space there (at the
character's own offset), so the name after it is not hidden inside one long word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from osler.privacy.deid.spans import PhiSpan

__all__ = ["VisibleText", "visible"]


@lru_cache(maxsize=1024)
def _invisible(c: str) -> bool:
    # Unicode format characters (category Cf): zero-width space and joiners, word joiner,
    # BOM, soft hyphen, bidirectional marks and isolates, tag characters
    return unicodedata.category(c) == "Cf"


def visible(text: str) -> str:
    """``text`` without its invisible format characters (ASCII text is returned unchanged).

    >>> visible("Jo\u200bhn Mary\u00adAnn")
    'John MaryAnn'
    """
    if text.isascii():
        return text
    return "".join(c for c in text if not _invisible(c))


def _parts_words(text: str, i: int) -> bool:
    """Whether the invisible character at ``i`` is the first of a run that stands between a
    lower-case letter and a capital ("Patient\u200bZorblatt"): two words, not one split
    ("Jo\u200bhn", "QUIX\u200bMOOR" stay one)."""
    if i == 0 or _invisible(text[i - 1]):
        return False
    j = i
    while j < len(text) and _invisible(text[j]):
        j += 1
    return text[i - 1].islower() and j < len(text) and text[j].isupper()


@dataclass(frozen=True)
class VisibleText:
    """The visible ``text`` of ``original`` and where each of its characters came from.

    Examples
    --------
    >>> view = VisibleText.of("Dr. Jo\u200bhn seen")
    >>> view.text
    'Dr. John seen'
    >>> view.to_original([PhiSpan(4, 8, "NAME")])
    [PhiSpan(start=4, end=9, type='NAME')]
    """

    original: str
    text: str
    #: The original offset of each character of ``text``; None when nothing was removed.
    positions: tuple[int, ...] | None = None

    @classmethod
    def of(cls, original: str) -> VisibleText:
        if original.isascii() or not any(_invisible(c) for c in original):
            return cls(original, original)
        kept = tuple(i for i, c in enumerate(original)
                     if not _invisible(c) or _parts_words(original, i))
        return cls(original, "".join(" " if _invisible(original[i]) else original[i]
                                     for i in kept), kept)

    def to_original(self, spans: list[PhiSpan]) -> list[PhiSpan]:
        """``spans`` of :attr:`text` as spans of :attr:`original`: from the original offset
        of a span's first visible character to just after its last, so invisible characters
        inside a span belong to it."""
        if self.positions is None:
            return spans
        return [PhiSpan(self._start(s.start), self._end(s.end), s.type) for s in spans]

    def _start(self, pos: int) -> int:
        return self.positions[pos] if pos < len(self.positions) else len(self.original)

    def _end(self, pos: int) -> int:
        return self.positions[pos - 1] + 1 if pos > 0 else self._start(0)
