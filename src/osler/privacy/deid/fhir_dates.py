"""Shift FHIR ``date``, ``dateTime`` and ``instant`` values by a patient's offset.

A full date or date-time moves by the offset exactly. A partial date (``YYYY`` or ``YYYY-MM``)
keeps its precision: one day of its span moves and the result is cut back to the same
precision. Which day is chosen (the ``bound``) decides how far the value can drift against
full dates near it: the middle of the span (the 15th, 1 July) by default, so it drifts by at
most half a span either way; a ``Period.start`` uses its first day and a ``Period.end`` its
last, so that a period never comes out inverted.

A value shaped like a date that is not one ("2021-02-30", "2021-13-01", "20210230") cannot be
shifted, and kept as it is it would leave the record unshifted: it is kept to the finest
precision that is valid ("2021-02", "2021"), which moves as a partial date does, and counted
under :data:`INVALID_DATE` (:func:`valid_part`).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

__all__ = ["INVALID_DATE", "NOT_A_DATE", "is_date_element", "shift_date", "shift_full_date",
           "valid_part"]

#: The reason under which values shaped like a date that are not one are counted.
INVALID_DATE = ("dates that are not valid dates (a 30 February, a month 13), kept to the "
                "day, month or year that is valid")
#: The reason under which date elements holding no date at all are counted (and dropped).
NOT_A_DATE = ("date elements that held no valid FHIR date (free text, a day-first date), "
              "dropped")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?$")
_YEAR_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$")
_YEAR = re.compile(r"^(?P<y>\d{4})$")
# Shaped like a full date or date-time, valid or not ("2021-02-30", "2021-13-01T10:00:00Z")
_FULL_SHAPE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
                         r"(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$")
# and, in an element of a date type, a year and month ("2021-13") or a compact date
_PARTIAL_SHAPE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"
                            r"|^(?P<y2>(?:1[89]|2[01])\d\d)(?P<m2>\d{2})(?P<d2>\d{2})$")
# Elements of type date, dateTime or instant (FHIR R4), by name: the choice types' suffixes
# and the plain names that hold nothing but a date.
_DATE_SUFFIX = re.compile(r"(?:Date|DateTime|Instant)$")
_DATE_NAMES = frozenset({"date", "start", "end", "issued", "recorded", "created",
                         "lastUpdated", "timestamp", "authoredOn", "sent", "received",
                         "occurred", "dateWritten", "whenHandedOver", "whenPrepared",
                         "availabilityStartTime", "event", "started", "lastModified",
                         "dateTime", "lastOccurrence", "onset", "dateAsserted", "time",
                         "dateOfBirth"})


def is_date_element(name: str) -> bool:
    """Whether the element ``name`` holds a date, dateTime or instant in FHIR R4."""
    return name in _DATE_NAMES or bool(_DATE_SUFFIX.search(name))


def shift_full_date(value: str, shift: timedelta) -> str | None:
    """``value`` moved by ``shift`` if it is a full date or date-time, else None."""
    try:
        if _DATE.match(value):
            return (date.fromisoformat(value) + shift).isoformat()
        if _DATETIME.match(value):
            moved = (datetime.fromisoformat(value.replace("Z", "+00:00")) + shift).isoformat()
            return moved.replace("+00:00", "Z") if value.endswith("Z") else moved
    except (ValueError, OverflowError):  # shaped like a date but not one (2019-02-30)
        return None
    return None


def shift_date(value: str, shift: timedelta, bound: str = "middle") -> str | None:
    """``value`` moved by ``shift`` at its own precision, or None when it is not a date.

    Parameters
    ----------
    value : str
        A FHIR date, dateTime or instant: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date-time.
    shift : datetime.timedelta
        The patient's offset (:meth:`~osler.privacy.keys.DeidKey.date_shift`).
    bound : {'middle', 'lower', 'upper'}
        The day of a partial date's span that moves: its middle, first or last day.

    Examples
    --------
    >>> from datetime import timedelta
    >>> shift_date("2019-03", timedelta(days=-20))
    '2019-02'
    >>> shift_date("2019", timedelta(days=-200))
    '2018'
    """
    full = shift_full_date(value, shift)
    if full is not None:
        return full
    try:
        m = _YEAR_MONTH.match(value)
        if m:
            year, month = int(m["y"]), int(m["m"])
            day = {"lower": 1, "upper": calendar.monthrange(year, month)[1]}.get(bound, 15)
            moved = date(year, month, day) + shift
            return f"{moved.year:04d}-{moved.month:02d}"
        m = _YEAR.match(value)
        if m:
            anchor = {"lower": (1, 1), "upper": (12, 31)}.get(bound, (7, 1))
            return f"{(date(int(m['y']), *anchor) + shift).year:04d}"
    except (ValueError, OverflowError, calendar.IllegalMonthError):  # month 13, year 0
        return None
    return None


def valid_part(value: str, *, date_element: bool = True) -> str | None:
    """``value`` if it is a valid FHIR date, dateTime or instant; else, if it is shaped like a
    date, its date at the finest precision that is valid (``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY``); None when it is neither (free text) or not even its year is one.

    Outside an element of a date type (``date_element=False``) only a full date or date-time
    counts as shaped like a date: "2021-13" or "20210230" there may be a code or an id.

    Examples
    --------
    >>> valid_part("2021-02-30"), valid_part("2021-13-01T10:00:00Z"), valid_part("20210228")
    ('2021-02', '2021', '2021-02-28')
    >>> valid_part("2021-02-28T10:00:00Z"), valid_part("last spring")
    ('2021-02-28T10:00:00Z', None)
    """
    if shift_date(value, timedelta(0)) is not None:
        return value
    m = _FULL_SHAPE.match(value) or (_PARTIAL_SHAPE.match(value) if date_element else None)
    if not m:
        return None
    parts = {k.rstrip("2"): v for k, v in m.groupdict().items() if v}
    year, month, day = parts["y"], parts.get("m"), parts.get("d")
    for candidate in (f"{year}-{int(month):02d}-{int(day):02d}" if day else None,
                      f"{year}-{int(month):02d}" if month else None, year):
        if candidate and shift_date(candidate, timedelta(0)) is not None:
            return candidate
    return None
