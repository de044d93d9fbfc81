"""PHI spans and the Safe Harbor categories Osler detects in text."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

__all__ = ["PHI_TYPES", "PhiSpan", "cut_out", "merge_spans"]

#: Osler's PHI types, covering HIPAA Safe Harbor 45 CFR 164.514(b)(2)(i) (A)-(R).
PHI_TYPES = ("AGE", "DATE", "EMAIL", "ID", "IP", "LOCATION", "NAME", "PHONE", "URL")


@dataclass(frozen=True, slots=True, order=True)
class PhiSpan:
    """A piece of text that identifies someone: ``text[start:end]`` is of ``type``."""

    start: int
    end: int
    type: str

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "type": self.type}


def merge_spans(spans: Iterable[PhiSpan], text: str | None = None) -> list[PhiSpan]:
    """Non-overlapping spans in text order; overlaps merge into one, keeping the longer type.

    With ``text``, spans of the same type separated by spaces only also merge ("St Mary").
    """
    out: list[PhiSpan] = []
    for span in sorted(spans):
        joins = (text is not None and out and out[-1].type == span.type
                 and 0 <= span.start - out[-1].end <= 2
                 and text[out[-1].end:span.start].strip(" ") == "")
        if out and (span.start < out[-1].end or joins):
            last = out[-1]
            longer = span if span.end - span.start > last.end - last.start else last
            out[-1] = PhiSpan(last.start, max(last.end, span.end), longer.type)
        else:
            out.append(span)
    return out


def cut_out(text: str, spans: Iterable[PhiSpan], found: list[tuple[int, int]],
            types: frozenset[str], *, end_marks: str = "") -> list[PhiSpan]:
    """``spans`` less the character ranges ``found`` where a span of ``types`` overlaps one: a
    span wholly inside a range is dropped, one that runs into it keeps what comes before, one
    that starts inside it what comes after. Each span cut is trimmed to alphanumerics at both
    ends (its end may also be one of ``end_marks``)."""
    out = []
    overlapping = _overlap_finder(found)
    for span in spans:
        start, end = span.start, span.end
        # in the order of ``found``, as a scan of every range would cut; a range that misses
        # the span as found misses it once cut too (a cut only shrinks it)
        for a, b in overlapping(start, end) if span.type in types else ():
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
            out.append(span if (start, end) == (span.start, span.end)
                       else PhiSpan(start, end, span.type))
    return out


def _overlap_finder(found: list[tuple[int, int]]):
    """A function giving the ranges of ``found`` that overlap ``[start, end)``, in the order
    of ``found``: found from the ranges sorted by start and the furthest end reached up to
    each, so a long note's spans are not each checked against all of its ranges."""
    order = sorted(range(len(found)), key=lambda i: found[i][0])
    starts = [found[i][0] for i in order]
    reach = list(accumulate((found[i][1] for i in order), max))

    def overlapping(start: int, end: int) -> list[tuple[int, int]]:
        hits = []
        j = bisect_left(starts, end) - 1          # the ranges that start before ``end``
        while j >= 0 and reach[j] > start:        # one of them up to j may end after ``start``
            if found[order[j]][1] > start:
                hits.append(order[j])
            j -= 1
        return [found[i] for i in sorted(hits)]
    return overlapping
