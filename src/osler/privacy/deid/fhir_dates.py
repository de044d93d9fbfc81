"""Shift FHIR ``date``, ``dateTime`` and ``instant`` values by a patient's offset.

A full date or date-time moves by the offset exactly. A partial date (``YYYY`` or ``YYYY-MM``)
keeps its precision: one day of its span moves and the result is cut back to the same
precision. Which day is chosen (the ``bound``) decides how far the value can drift against
full dates near it: the middle of the span (the 15th, 1 July) by default, so it drifts by at
most half a span either way; a ``Period.start`` uses its first day and a ``Period.end`` its
last, so that a period never comes out inverted.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

__all__ = ["is_date_element", "shift_date", "shift_full_date"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?$")
_YEAR_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$")
_YEAR = re.compile(r"^(?P<y>\d{4})$")
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
