"""FHIR date/dateTime/instant parsing to timezone-aware UTC datetimes.

A FHIR ``date`` (``2019-05-01``, ``2019-05``, ``2019``) has day, month or year precision. Osler
keeps it as the start of that period in UTC: the date is known, no time of day is claimed
beyond it (the store keeps the source value's precision only implicitly; see docs).
:func:`known_by` gives when such a value's period has ended: a note dated only "2024-03-10"
may have been written at any time of that day, so it is not known before the day is over.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache

__all__ = ["known_by", "parse_date", "parse_datetime"]


@lru_cache(maxsize=65536)
def parse_datetime(text: str) -> datetime:
    """Parse a FHIR dateTime/instant; raise ValueError naming the value when malformed."""
    if len(text) == 4 and text.isdigit():
        return datetime(int(text), 1, 1, tzinfo=UTC)
    if len(text) == 7 and text[4] == "-":
        return datetime(int(text[:4]), int(text[5:7]), 1, tzinfo=UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a FHIR dateTime: {text!r}") from None
    if value.tzinfo is None:
        if len(text) > 10:  # FHIR: a dateTime with a time SHALL have a zone
            raise ValueError(f"dateTime with a time must have a time zone: {text!r}")
        return value.replace(tzinfo=UTC)
    return value


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else parse_datetime(text).date()
    except ValueError:
        raise ValueError(f"not a FHIR date: {text!r}") from None


#: The latest a calendar day ends anywhere: at midnight in UTC-12, 12 hours after it does in UTC.
_LAST_ZONE = timedelta(hours=12)


def known_by(text: str, zone: tzinfo | None = None) -> datetime | None:
    """When a date-only value (``2024-03-10``, ``2024-03``, ``2024``) has ended: the first
    instant after its day, month or year, in ``zone`` when the source tells it (an offset its
    other times carry), else the latest that period ends in any time zone (midnight at UTC-12,
    i.e. noon UTC of the next day). ``None`` for a value with a time of day (it is precise).

    >>> known_by("2024-03-10").isoformat()
    '2024-03-11T12:00:00+00:00'
    >>> known_by("2024-03-10T08:00:00Z") is None
    True
    """
    if len(text) > 10:
        return None
    start = parse_datetime(text)
    if len(text) == 4:
        after = start.replace(year=start.year + 1)
    elif len(text) == 7:
        after = (start.replace(year=start.year + 1, month=1) if start.month == 12
                 else start.replace(month=start.month + 1))
    else:
        after = start + timedelta(days=1)
    if zone is not None:
        return after.replace(tzinfo=zone)
    return after + _LAST_ZONE
