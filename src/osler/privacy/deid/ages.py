"""HIPAA Safe Harbor's one rule for ages, shared by text, FHIR and DICOM: ages over 89, and
dates that tell one, are aggregated into a single "90 or older" category.

Whether someone is over 89 is decided on the day of de-identification; the birth year that
stands for them is counted from the key's ``reference_year`` (the year the key file was
created), so that it does not change with the calendar: the same patient de-identified in
December and in the January after, under one key, gets one stand-in year in notes, FHIR and
DICOM."""

from __future__ import annotations

import calendar
import re
from datetime import date

__all__ = ["OLDEST", "aggregated_birth_year", "over_89_birth_year"]

#: The oldest age Safe Harbor lets through as it is.
OLDEST = 89

_BIRTH = re.compile(r"^(?P<y>\d{4})(?:-?(?P<m>\d{2})(?:-?(?P<d>\d{2}))?)?")


def _today() -> date:
    """The date of de-identification (a function, so that tests can move it)."""
    return date.today()


def over_89_birth_year(value: str, today: date | None = None, *,
                       reference_year: int | None = None) -> str | None:
    """The birth year that stands for "90 or older" if ``value`` (a birth date: ``YYYY``,
    ``YYYY-MM``, ``YYYY-MM-DD``, DICOM ``YYYYMMDD``) makes its holder older than 89 today,
    else ``None``.

    Safe Harbor counts a date "indicative of" an age over 89 as an identifier, year
    included: such a birth date becomes one year for everyone that old,
    :func:`aggregated_birth_year` (``reference_year - 90``: pass the key's). The age is
    taken today, the date of de-identification: a record of someone who was younger when it
    was written is aggregated too (more is removed, never less). A
    partial date is read at its latest day, so a patient is never called older than they are;
    a date that is no date (a 30 February, a month 13) as the month or year that is valid.

    Examples
    --------
    >>> over_89_birth_year("1931-07-02", date(2026, 11, 30))
    '1936'
    >>> over_89_birth_year("1950-01-01", date(2026, 11, 30)) is None
    True
    """
    today = today or _today()
    m = _BIRTH.match(value.strip())
    if not m:
        return None
    born = _latest_birth(int(m["y"]), int(m["m"] or 0), int(m["d"] or 0))
    if born is None:
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return (aggregated_birth_year(today, reference_year=reference_year) if age > OLDEST
            else None)


def aggregated_birth_year(today: date | None = None, *,
                          reference_year: int | None = None) -> str:
    """The one birth year that stands for every birth date telling an age over 89, the one
    :func:`over_89_birth_year` gives, so a note's "Born in 1931" reads "Born in 1936" as a
    FHIR ``birthDate`` or a DICOM ``PatientBirthDate`` of the same patient does (and never
    the ungrammatical "Born in 90+").

    It is ``reference_year - 90``: the key's :attr:`~osler.privacy.keys.DeidKey.reference_year`,
    the year its file was created, the same whichever year the key is used in. A reference
    year after ``today``'s (a key written on a machine whose clock was ahead) counts from
    ``today``'s instead, so the stand-in always tells an age of 90 or more. Without one (a key
    file older than the field), ``today.year - 90``, which moves with the calendar.

    >>> aggregated_birth_year(date(2026, 11, 30))
    '1936'
    >>> aggregated_birth_year(date(2028, 1, 3), reference_year=2026)
    '1936'
    """
    today = today or _today()
    year = today.year if reference_year is None else min(reference_year, today.year)
    return f"{year - 90:04d}"


def _latest_birth(year: int, month: int, day: int) -> date | None:
    """The birth date, or the last day of its month or year when its day or month is not
    valid (or not given); None when the year is no year."""
    if 1 <= month <= 12:
        last = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 0
        if 1 <= day <= last:
            return date(year, month, day)
        if last:
            return date(year, month, last)
    return date(year, 12, 31) if 1 <= year <= 9999 else None
