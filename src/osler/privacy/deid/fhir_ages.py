"""HIPAA Safe Harbor for FHIR ages: any age over 89 becomes "90 or older".

An age is an element of type Age (``onsetAge``, ``abatementAge``, ``deceasedAge``, an
extension's ``valueAge`` ...), in any of UCUM's time units, or any Quantity in years (UCUM
``a``), such as an Observation of the patient's age in ``valueQuantity``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

__all__ = ["cap_age", "over_89_birth_year"]

#: Years per unit, by UCUM code and by the units people write.
_YEARS_PER_UNIT = {"a": 1.0, "yr": 1.0, "y": 1.0, "year": 1.0, "years": 1.0,
                   "mo": 1 / 12, "month": 1 / 12, "months": 1 / 12,
                   "wk": 7 / 365.25, "week": 7 / 365.25, "weeks": 7 / 365.25,
                   "d": 1 / 365.25, "day": 1 / 365.25, "days": 1 / 365.25}
_OLDEST = 89


def cap_age(node: dict[str, Any], name: str) -> dict[str, Any]:
    """``node`` with an age over 89 years replaced by 90 years or more (``>=`` 90 ``a``).

    Examples
    --------
    >>> cap_age({"value": 92, "unit": "a"}, "valueQuantity")
    {'value': 90, 'unit': 'a', 'comparator': '>='}
    >>> cap_age({"value": 92, "unit": "kg"}, "valueQuantity")
    {'value': 92, 'unit': 'kg'}
    """
    value = node.get("value")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return node
    units = [str(node[k]).strip().lower() for k in ("code", "unit") if node.get(k)]
    unit = next((u for u in units if u in _YEARS_PER_UNIT), None)
    is_age = name.endswith("Age") or name == "age"
    if unit is None or (not is_age and _YEARS_PER_UNIT[unit] != 1.0):
        return node  # not in a time unit, or a duration in days (of a stay, a course ...)
    if value * _YEARS_PER_UNIT[unit] <= _OLDEST:
        return node
    out = {**node, "value": 90, "comparator": ">="}
    for k in ("code", "unit"):
        if k in out:
            out[k] = "a"
    return out


_BIRTH = re.compile(r"^(?P<y>\d{4})(?:-?(?P<m>\d{2})(?:-?(?P<d>\d{2}))?)?")


def over_89_birth_year(value: str, today: date | None = None) -> str | None:
    """The birth year that stands for "90 or older" if ``value`` (a birth date: ``YYYY``,
    ``YYYY-MM``, ``YYYY-MM-DD``, DICOM ``YYYYMMDD``) makes its holder older than 89 today,
    else ``None``.

    Safe Harbor counts a date "indicative of" an age over 89 as an identifier, year
    included: such a birth date becomes the year ``today.year - 90``, one value for everyone
    that old. The age is taken today, the date of de-identification: a record of someone who
    was younger when it was written is aggregated too (more is removed, never less). A
    partial date is read at its latest day, so a patient is never called older than they are.

    Examples
    --------
    >>> over_89_birth_year("1931-07-02", date(2026, 11, 30))
    '1936'
    >>> over_89_birth_year("1950-01-01", date(2026, 11, 30)) is None
    True
    """
    today = today or date.today()
    m = _BIRTH.match(value.strip())
    if not m:
        return None
    try:
        year = int(m["y"])
        month = int(m["m"]) if m["m"] else 12
        day = int(m["d"]) if m["d"] else calendar.monthrange(year, month)[1]
        born = date(year, month, day)
    except ValueError:
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"{today.year - 90:04d}" if age > _OLDEST else None
