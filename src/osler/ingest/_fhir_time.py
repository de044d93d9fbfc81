"""FHIR date/dateTime/instant parsing to timezone-aware UTC datetimes.

A FHIR ``date`` (``2019-05-01``, ``2019-05``, ``2019``) has day, month or year precision. Osler
keeps it as the start of that period in UTC: the date is known, no time of day is claimed
beyond it (the store keeps the source value's precision only implicitly; see docs).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

__all__ = ["parse_date", "parse_datetime"]


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
