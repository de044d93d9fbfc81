"""Shift dates written in free text by a patient's offset, keeping the way they were written."""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["shift_date_text"]

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_MONTH_NUM = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)} | {"sept": 9}
# A year is assumed where the text gives none: 2000 is a leap year, so "2/29" stays valid.
_NO_YEAR = 2000
_NUMERIC = re.compile(r"(?P<m>\d{1,2})(?P<sep>[/.-])(?P<d>\d{1,2})(?:(?P=sep)(?P<y>\d{2,4}))?")
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_MONTH_YEAR = re.compile(r"(?P<m>\d{1,2})/(?P<y>\d{2})")
_WORDY = re.compile(r"(?P<mon>[A-Za-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s*,?\s*(?P<y>\d{2,4}))?"
                    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>[A-Za-z]+)\.?"
                    r"(?:\s*,?\s*(?P<y2>\d{2,4}))?", re.I)
_MON_YEAR = re.compile(r"(?P<mon>[A-Za-z]+)\.?\s*,?\s*(?P<y>\d{4})")
_YEAR = re.compile(r"'?(?P<y>\d{2}|\d{4})(?P<s>s?)", re.I)


def _full_year(y: str) -> int:
    value = int(y)
    if len(y) == 2:
        return 1900 + value if value > 30 else 2000 + value
    return value


def _fmt_year(original: str, year: int) -> str:
    return f"{year % 100:02d}" if len(original) == 2 else str(year)


def _case_like(word: str, new: str) -> str:
    if word.isupper():
        return new.upper()
    if word[:1].isupper():
        return new.capitalize()
    return new.lower()


def shift_date_text(value: str, shift: timedelta) -> str | None:
    """``value`` moved by ``shift`` in the same format, or ``None`` when it cannot be parsed.

    >>> shift_date_text("3/14/2019", timedelta(days=-10))
    '3/4/2019'
    >>> shift_date_text("March 1", timedelta(days=-1))
    'February 29'
    """
    for fn in (_shift_iso, _shift_numeric, _shift_month_year, _shift_mon_year, _shift_wordy,
               _shift_year, _shift_month):
        try:
            out = fn(value.strip(), shift)
        except (ValueError, OverflowError):
            out = None
        if out is not None:
            return out
    return None


def _shift_iso(v: str, shift: timedelta) -> str | None:
    m = _ISO.fullmatch(v)
    if not m:
        return None
    d = date(int(m["y"]), int(m["m"]), int(m["d"])) + shift
    return d.isoformat()


def _shift_numeric(v: str, shift: timedelta) -> str | None:
    m = _NUMERIC.fullmatch(v)
    if not m:
        return None
    year = _full_year(m["y"]) if m["y"] else _NO_YEAR
    d = date(year, int(m["m"]), int(m["d"])) + shift
    out = f"{d.month}{m['sep']}{d.day}"
    return out + f"{m['sep']}{_fmt_year(m['y'], d.year)}" if m["y"] else out


def _shift_month_year(v: str, shift: timedelta) -> str | None:
    m = _MONTH_YEAR.fullmatch(v)
    if not m:
        return None
    d = date(_full_year(m["y"]), int(m["m"]), 15) + shift
    return f"{d.month}/{_fmt_year(m['y'], d.year)}"


def _shift_wordy(v: str, shift: timedelta) -> str | None:
    m = _WORDY.fullmatch(v)
    if not m:
        return None
    mon = m["mon"] or m["mon2"]
    month = _month_number(mon)
    if month is None:
        return None
    y = m["y"] or m["y2"]
    d = date(_full_year(y) if y else _NO_YEAR, month, int(m["d"] or m["d2"])) + shift
    name = _case_like(mon, _MONTHS[d.month - 1] if len(mon) > 3 else _MONTHS[d.month - 1][:3])
    out = f"{name} {d.day}" if m["mon"] else f"{d.day} {name}"
    return out + f", {_fmt_year(y, d.year)}" if y else out


def _month_number(word: str) -> int | None:
    low = word.lower()
    return _MONTH_NUM.get("sept" if low.startswith("sept") else low[:3])


def _shift_mon_year(v: str, shift: timedelta) -> str | None:
    m = _MON_YEAR.fullmatch(v)
    month = _month_number(m["mon"]) if m else None
    if month is None:
        return None
    d = date(int(m["y"]), month, 15) + shift
    name = _MONTHS[d.month - 1] if len(m["mon"]) > 3 else _MONTHS[d.month - 1][:3]
    return f"{_case_like(m['mon'], name)} {d.year}"


def _shift_year(v: str, shift: timedelta) -> str | None:
    m = _YEAR.fullmatch(v)
    if not m:
        return None
    d = date(_full_year(m["y"]), 7, 1) + shift
    return ("'" if v.startswith("'") else "") + _fmt_year(m["y"], d.year) + m["s"]


def _shift_month(v: str, shift: timedelta) -> str | None:
    month = _MONTH_NUM.get(v.lower()[:3]) if v.lower() in _MONTHS or len(v) == 3 else None
    if month is None:
        return None
    d = date(_NO_YEAR, month, 15) + shift
    return _case_like(v, _MONTHS[d.month - 1] if len(v) > 3 else _MONTHS[d.month - 1][:3])
