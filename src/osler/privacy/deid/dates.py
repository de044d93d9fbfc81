"""Shift dates written in free text by a patient's offset, keeping the way they were written."""

from __future__ import annotations

import re
from datetime import date, timedelta

from osler.privacy.deid.vocab import MONTHS

__all__ = ["date_of_text", "date_text_year", "shift_date_text"]

_MONTHS = MONTHS
_MONTH_NUM = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)} | {"sept": 9}
# A year is assumed where the text gives none (and no full date of the note gives one): a
# common year, as most years are, so "3/5" moves as "3/5/2021" does; "2/29" needs a leap one.
_NO_YEAR = 2001
_LEAP_YEAR = 2000
_NUMERIC = re.compile(r"(?P<m>\d{1,2})(?P<sep>[/.-])(?P<d>\d{1,2})(?:(?P=sep)(?P<y>\d{2,4}))?")
_ISO = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
                  r"(?P<time>[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?")
# Four-digit years only: "2/30" or "12/45" is an impossible month and day, never February
# 2030 or December 2045 (a wrong real date); it is tagged instead.
_MONTH_YEAR = re.compile(r"(?P<m>\d{1,2})/(?P<y>\d{4})")
_YEAR_MONTH = re.compile(r"(?P<y>\d{4})(?P<sep>[-/])(?P<m>\d{1,2})")
# Separated by spaces, a four-digit year first or last ("2021 03 14", "14 03 2021"): never
# without its year ("12 10" is no date to move)
_SPACED = re.compile(r"(?P<y>\d{4}) (?P<m>\d\d) (?P<d>\d\d)|(?P<a>\d\d) (?P<b>\d\d) (?P<y2>\d{4})")
# a day, a month's name and a year run together ("01APR2021", "4mar21")
_COMPACT = re.compile(r"(?P<d>\d{1,2})(?P<mon>[A-Za-z]{3,9})(?P<y>\d\d|\d{4})")
_HYPHENED = re.compile(r"(?P<d>\d{1,2})-(?P<mon>[A-Za-z]{3,9})-(?P<y>\d{2,4})"
                       r"|(?P<mon2>[A-Za-z]{3,9})-(?P<d2>\d{1,2})-(?P<y2>\d{2,4})")
_ORDINAL = re.compile(r"(?P<d>\d{1,2})(?P<suffix>st|nd|rd|th)", re.I)
_WORDY = re.compile(r"(?P<mon>[A-Za-z]+)(?P<dot>\.?\s+)(?P<d>\d{1,2})(?P<o>st|nd|rd|th)?"
                    r"(?:(?P<ys>\s*,?\s*)(?P<y>\d{2,4}))?"
                    r"|(?P<d2>\d{1,2})(?P<o2>st|nd|rd|th)?(?P<of>\s+(?:of\s+)?)(?P<mon2>[A-Za-z]+)"
                    r"(?P<dot2>\.?)(?:(?P<ys2>\s*,?\s*)(?P<y2>\d{2,4}))?", re.I)
# "March 2021", and "Mar '21" (a two-digit year after its apostrophe)
_MON_YEAR = re.compile(r"(?P<mon>[A-Za-z]+)(?P<sep>\.?\s*,?\s*)(?P<y>\d{4}|'\d\d)")
# a day and a month's name without a year ("3-Mar", "03-MAR")
_DAY_MON = re.compile(r"(?P<d>\d{1,2})-(?P<mon>[A-Za-z]{3,9})")
_YEAR = re.compile(r"'?(?P<y>\d{2}|\d{4})(?P<s>s?)", re.I)
# Ranges of days: the first end written short, completed by the second ("3rd to 9th March
# 2021", "March 3-5, 2021", "3/3-3/9/2021")
_TO = r"\s*(?:-|\u2013|to|through|thru|until)\s*"
_RANGE_DAY_FIRST = re.compile(rf"(?P<d>\d{{1,2}})(?P<o>st|nd|rd|th)?(?P<to>{_TO})"
                              r"(?P<end>\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]+\.?"
                              r"(?:\s*,?\s*\d{2,4})?)", re.I)
_RANGE_MONTH_FIRST = re.compile(rf"(?P<mon>[A-Za-z]+\.?\s+)(?P<d>\d{{1,2}})(?P<o>st|nd|rd|th)?"
                                rf"(?P<to>{_TO})(?P<d2>\d{{1,2}})(?P<o2>st|nd|rd|th)?"
                                r"(?P<y>\s*,?\s*\d{2,4})?", re.I)
_RANGE_NUMERIC = re.compile(r"(?P<start>\d{1,2}/\d{1,2})(?P<to>\s*-\s*)"
                            r"(?P<end>\d{1,2}/\d{1,2}/\d{2,4})")
# HL7 and DICOM timestamps: YYYYMMDD, then a time of day and a UTC offset ("20210305",
# "20210305120000-0500", a CDA ``effectiveTime``'s value)
_STAMP = re.compile(r"(?P<y>\d{4})(?P<m>\d\d)(?P<d>\d\d)(?P<time>(?:[01]\d|2[0-3])(?:[0-5]\d"
                    r"(?:[0-5]\d(?:\.\d+)?)?)?)?(?P<tz>[+-]\d{4})?")


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


def _year_for(year: int | None, month: int, day: int) -> int:
    """The year a date written without one is taken in: ``year`` (a full date's of the same
    note) when the day exists in it, else a common year, or a leap year for February 29."""
    if year is not None and 1 <= year <= 9999:
        try:
            date(year, month, day)
            return year
        except ValueError:
            pass
    return _LEAP_YEAR if (month, day) == (2, 29) else _NO_YEAR


def shift_date_text(value: str, shift: timedelta, year: int | None = None) -> str | None:
    """``value`` moved by ``shift`` in the same format, or ``None`` when it cannot be parsed
    or is no real date ("02/31/2024", "13/45"): the caller tags it, never shifting it into a
    wrong real date. A date without its year ("3/5", "March 1") is taken in ``year`` (that of
    a full date of the same note, :func:`date_text_year`), else in a common year, so that it
    moves as the same day written with its year does.

    >>> shift_date_text("3/14/2019", timedelta(days=-10))
    '3/4/2019'
    >>> shift_date_text("March 1", timedelta(days=-1))
    'February 28'
    >>> shift_date_text("March 1", timedelta(days=-1), year=2020)
    'February 29'
    >>> shift_date_text("2/29", timedelta(days=1))
    '3/1'
    >>> shift_date_text("20210305120000-0500", timedelta(days=-5))
    '20210228120000-0500'
    """
    for fn in (_shift_iso, _shift_stamp, _shift_hyphened, _shift_compact, _shift_spaced,
               _shift_numeric, _shift_month_year,
               _shift_year_month,
               _shift_mon_year, _shift_day_mon,
               _shift_wordy, _shift_year, _shift_month, _shift_ordinal, _shift_range):
        try:
            out = fn(value.strip(), shift, year)
        except (ValueError, OverflowError):
            out = None
        if out is not None:
            return out
    return None


def date_text_year(value: str) -> int | None:
    """The year of a full date (day, month and year) written as ``value``, else None.

    >>> [date_text_year(v) for v in ("3/5/2021", "2021-03-05", "5 March 21", "3/5", "2021")]
    [2021, 2021, 2021, None, None]
    """
    v = value.strip()
    full = date_of_text(v)
    if full is not None:
        return full.year
    m = _SPACED.fullmatch(v) or _COMPACT.fullmatch(v)
    if m:   # the shifter reads them: a year whenever it moves the date
        try:
            moved = _shift_spaced(v, timedelta(0)) or _shift_compact(v, timedelta(0))
        except ValueError:
            return None
        return _full_year(m["y"] or m.groupdict().get("y2")) if moved else None
    return None


def date_of_text(value: str) -> date | None:
    """The day a full date with its year written as ``value`` is ("3/5/2021", "2021-03-05",
    "04-Mar-2021", "March 5, 2021"), else None: for the weekday written beside it.

    >>> date_of_text("Wednesday"), date_of_text("March 3, 2021").isoformat()
    (None, '2021-03-03')
    """
    v = value.strip()
    try:
        m = _ISO.fullmatch(v)
        if m:
            return date(int(m["y"]), int(m["m"]), int(m["d"]))
        m = _NUMERIC.fullmatch(v)
        if m and m["y"]:
            first, second = int(m["m"]), int(m["d"])
            month, day = (second, first) if first > 12 else (first, second)
            return date(_full_year(m["y"]), month, day)
        m = _HYPHENED.fullmatch(v)
        if m:
            mon, day, y = ((m["mon"], m["d"], m["y"]) if m["mon"]
                           else (m["mon2"], m["d2"], m["y2"]))
            month = _month_number(mon)
            return date(_full_year(y), month, int(day)) if month else None
        m = _WORDY.fullmatch(v)
        if m and (m["y"] or m["y2"]):
            month = _month_number(m["mon"] or m["mon2"])
            return (date(_full_year(m["y"] or m["y2"]), month, int(m["d"] or m["d2"]))
                    if month else None)
    except ValueError:
        return None
    return None


def _shift_iso(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``2019-03-04``, ``2019/3/4``, ``2019-03-04T10:00Z``: the date moves, the time of day
    stays (shifts are whole days)."""
    m = _ISO.fullmatch(v)
    if not m:
        return None
    d = date(int(m["y"]), int(m["m"]), int(m["d"])) + shift
    sep = m["sep"]
    month = f"{d.month:02d}" if len(m["m"]) == 2 else str(d.month)
    day = f"{d.day:02d}" if len(m["d"]) == 2 else str(d.day)
    return f"{d.year}{sep}{month}{sep}{day}{m['time'] or ''}"


def _shift_stamp(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``20210305``, ``20210305120000-0500``: the date moves, the time of day stays."""
    m = _STAMP.fullmatch(v)
    if not m:
        return None
    d = date(int(m["y"]), int(m["m"]), int(m["d"])) + shift
    return f"{d.year:04d}{d.month:02d}{d.day:02d}{m['time'] or ''}{m['tz'] or ''}"


def _shift_hyphened(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``04-MAR-2019`` and ``Mar-04-2019``, in the case and widths they were written in."""
    m = _HYPHENED.fullmatch(v)
    if not m:
        return None
    mon, day, y = (m["mon"], m["d"], m["y"]) if m["mon"] else (m["mon2"], m["d2"], m["y2"])
    month = _month_number(mon)
    if month is None:
        return None
    d = date(_full_year(y), month, int(day)) + shift
    name = _case_like(mon, _MONTHS[d.month - 1] if len(mon) > 3 else _MONTHS[d.month - 1][:3])
    new_day = f"{d.day:02d}" if len(day) == 2 else str(d.day)
    year = _fmt_year(y, d.year)
    return f"{new_day}-{name}-{year}" if m["mon"] else f"{name}-{new_day}-{year}"


def _shift_ordinal(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``4th`` (a day of an unnamed month): moved within a 31-day month."""
    m = _ORDINAL.fullmatch(v)
    if not m or not 1 <= int(m["d"]) <= 31:
        return None
    day = date(_NO_YEAR, 1, int(m["d"])) + timedelta(days=shift.days % 31)
    day_number = (day - date(_NO_YEAR, 1, 1)).days % 31 + 1
    suffix = "th" if 10 <= day_number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        day_number % 10, "th")
    return f"{day_number}{suffix if m['suffix'].islower() else suffix.upper()}"


def _shift_numeric(v: str, shift: timedelta, year: int | None = None) -> str | None:
    m = _NUMERIC.fullmatch(v)
    if not m:
        return None
    if int(m["m"]) > 12:   # day first: "14.03.2023", "31/12/2021", "31/03"
        year = (_full_year(m["y"]) if m["y"]
                else _year_for(year, int(m["d"]), int(m["m"])))
        d = date(year, int(m["d"]), int(m["m"])) + shift
        day, month = (f"{d.day:0{len(m['m'])}d}", f"{d.month:0{len(m['d'])}d}")
        out = f"{day}{m['sep']}{month}"
        return out + f"{m['sep']}{_fmt_year(m['y'], d.year)}" if m["y"] else out
    year = _full_year(m["y"]) if m["y"] else _year_for(year, int(m["m"]), int(m["d"]))
    d = date(year, int(m["m"]), int(m["d"])) + shift
    # zero-padded as written ("03.03.2021" -> "06.28.2020", "03/14/2021" -> "03/04/2021";
    # "3/14/2019" -> "3/4/2019"; "3/04/2021" keeps an unpadded month: "2/22/2021")
    padded = "0" in (m["m"][0], m["d"][0])
    month_w, day_w = (2 if padded and len(part) == 2 else 1 for part in (m["m"], m["d"]))
    out = f"{d.month:0{month_w}d}{m['sep']}{d.day:0{day_w}d}"
    return out + f"{m['sep']}{_fmt_year(m['y'], d.year)}" if m["y"] else out


def _shift_month_year(v: str, shift: timedelta, year: int | None = None) -> str | None:
    m = _MONTH_YEAR.fullmatch(v)
    if not m:
        return None
    d = date(_full_year(m["y"]), int(m["m"]), 15) + shift
    return f"{d.month}/{_fmt_year(m['y'], d.year)}"


def _shift_year_month(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``2019-03``, ``2019/3``: the 15th of the month moves, written as it came."""
    m = _YEAR_MONTH.fullmatch(v)
    if not m:
        return None
    d = date(int(m["y"]), int(m["m"]), 15) + shift
    return f"{d.year}{m['sep']}{d.month:0{len(m['m'])}d}"


def _ordinal_suffix(day: int, written: str) -> str:
    """The suffix of ``day`` ("28th", "1st") in the case of the one ``written``, or none."""
    if not written:
        return ""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return suffix if written.islower() else suffix.upper()


def _shift_wordy(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``March 3, 2021``, ``the 3rd of March, 2021`` (the caller keeps "the"): the ordinal,
    the "of" and the separators as written ("3rd of March, 2021" -> "28th of June, 2020")."""
    m = _WORDY.fullmatch(v)
    if not m:
        return None
    mon = m["mon"] or m["mon2"]
    month = _month_number(mon)
    if month is None:
        return None
    y, day = m["y"] or m["y2"], int(m["d"] or m["d2"])
    d = date(_full_year(y) if y else _year_for(year, month, day), month, day) + shift
    name = _case_like(mon, _MONTHS[d.month - 1] if len(mon) > 3 else _MONTHS[d.month - 1][:3])
    if m["mon"]:
        out = f"{name}{m['dot']}{d.day}{_ordinal_suffix(d.day, m['o'] or '')}"
    else:
        out = f"{d.day}{_ordinal_suffix(d.day, m['o2'] or '')}{m['of']}{name}{m['dot2']}"
    return out + f"{m['ys'] or m['ys2']}{_fmt_year(y, d.year)}" if y else out


def _month_number(word: str) -> int | None:
    low = word.lower()
    return _MONTH_NUM.get("sept" if low.startswith("sept") else low[:3])


def _shift_mon_year(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``March 2021``, ``Mar '21``: the 15th of the month moves, the month's name and the
    year in the widths written (a month kept beside a shifted year would be the real one)."""
    m = _MON_YEAR.fullmatch(v)
    month = _month_number(m["mon"]) if m else None
    if month is None:
        return None
    y = m["y"].lstrip("'")
    d = date(_full_year(y), month, 15) + shift
    name = _MONTHS[d.month - 1] if len(m["mon"]) > 3 else _MONTHS[d.month - 1][:3]
    quote = "'" if m["y"].startswith("'") else ""
    return f"{_case_like(m['mon'], name)}{m['sep']}{quote}{_fmt_year(y, d.year)}"


def _shift_day_mon(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``3-Mar`` (no year: taken in ``year`` or a common one), as written."""
    m = _DAY_MON.fullmatch(v)
    month = _month_number(m["mon"]) if m else None
    if month is None:
        return None
    d = date(_year_for(year, month, int(m["d"])), month, int(m["d"])) + shift
    name = _MONTHS[d.month - 1] if len(m["mon"]) > 3 else _MONTHS[d.month - 1][:3]
    return f"{d.day:0{len(m['d'])}d}-{_case_like(m['mon'], name)}"


def _shift_year(v: str, shift: timedelta, year: int | None = None) -> str | None:
    m = _YEAR.fullmatch(v)
    if not m:
        return None
    d = date(_full_year(m["y"]), 7, 1) + shift
    return ("'" if v.startswith("'") else "") + _fmt_year(m["y"], d.year) + m["s"]


def _shift_month(v: str, shift: timedelta, year: int | None = None) -> str | None:
    month = _MONTH_NUM.get(v.lower()[:3]) if v.lower() in _MONTHS or len(v) == 3 else None
    if month is None:
        return None
    d = date(_year_for(year, month, 15), month, 15) + shift
    return _case_like(v, _MONTHS[d.month - 1] if len(v) > 3 else _MONTHS[d.month - 1][:3])


def _shift_range(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """A range of days moved as a whole, each end by ``shift``, the first written short as
    it was when it stays in the second's month ("3rd to 9th March 2021" -> "28th June to
    4th July 2020" or "28th to 30th June 2020"), so no real day is left in it."""
    for fn in (_range_numeric, _range_day_first, _range_month_first):
        out = fn(v, shift)
        if out is not None:
            return out
    return None


def _range_numeric(v: str, shift: timedelta) -> str | None:
    """``3/3-3/9/2021``: the first end is read in the second's year."""
    m = _RANGE_NUMERIC.fullmatch(v)
    end_year = date_text_year(m["end"]) if m else None
    if end_year is None:
        return None
    start, end = _shift_numeric(m["start"], shift, end_year), _shift_numeric(m["end"], shift)
    if not (start and end):
        return None
    a, b = (int(x) for x in m["start"].split("/"))
    month, day = (b, a) if a > 12 else (a, b)      # day first where the month cannot be
    first = date(_year_for(end_year, month, day), month, day) + shift
    if first.year != date_text_year(end):
        # the shift carried the two ends into different years ("12/30-12/31/2021" + 1 day):
        # the first is written with its own year, or the range would run backwards
        start = f"{start}/{_fmt_year(m['end'].rsplit('/', 1)[1], first.year)}"
    return f"{start}{m['to']}{end}"


def _range_day_first(v: str, shift: timedelta) -> str | None:
    """``3rd to 9th March 2021``, ``3-9 March``: the first day in the second's month."""
    m = _RANGE_DAY_FIRST.fullmatch(v)
    w = _WORDY.fullmatch(m["end"]) if m else None
    if not w or not w["mon2"] or _month_number(w["mon2"]) is None:
        return None
    month = _month_number(w["mon2"])
    y = w["y2"]
    end_year = _full_year(y) if y else _year_for(None, month, int(w["d2"]))
    first = date(end_year if y else _year_for(None, month, int(m["d"])), month, int(m["d"])) + shift
    last = date(end_year, month, int(w["d2"])) + shift
    end = _shift_wordy(m["end"], shift)
    if end is None:
        return None
    start = f"{first.day}{_ordinal_suffix(first.day, m['o'] or '')}"
    if (first.year, first.month) != (last.year, last.month):   # "28th June to 4th July"
        name = _MONTHS[first.month - 1] if len(w["mon2"]) > 3 else _MONTHS[first.month - 1][:3]
        start += f"{w['of']}{_case_like(w['mon2'], name)}"
        if first.year != last.year and y:
            start += f"{w['ys2'] or ' '}{_fmt_year(y, first.year)}"
    return f"{start}{m['to']}{end}"


def _range_month_first(v: str, shift: timedelta) -> str | None:
    """``March 3-5, 2021``: the second day in the first's month."""
    m = _RANGE_MONTH_FIRST.fullmatch(v)
    month = _month_number(m["mon"].rstrip(". \t\n")) if m else None
    if month is None:
        return None
    ys = m["y"] or ""
    y = ys.strip(" ,\t\n")
    end_year = _full_year(y) if y else _year_for(None, month, int(m["d2"]))
    first = date(end_year if y else _year_for(None, month, int(m["d"])), month, int(m["d"])) + shift
    last = date(end_year, month, int(m["d2"])) + shift
    mon = m["mon"].rstrip(". \t\n")

    def name(d: date) -> str:
        return _case_like(mon, _MONTHS[d.month - 1] if len(mon) > 3 else _MONTHS[d.month - 1][:3])

    start = (f"{name(first)}{m['mon'][len(mon):]}{first.day}"
             f"{_ordinal_suffix(first.day, m['o'] or '')}")
    if first.year != last.year and y:
        start += f"{ys[:len(ys) - len(ys.lstrip(' ,'))] or ', '}{_fmt_year(y, first.year)}"
    end = f"{last.day}{_ordinal_suffix(last.day, m['o2'] or '')}"
    if (first.year, first.month) != (last.year, last.month):   # "June 28-July 2, 2020"
        end = f"{name(last)} {end}"
    tail = f"{ys[:len(ys) - len(y)]}{_fmt_year(y, last.year)}" if y else ""
    return f"{start}{m['to']}{end}{tail}"


def _shift_compact(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``01APR2021``, ``4mar21``: day, month name and year run together, in the case and
    widths they were written in."""
    m = _COMPACT.fullmatch(v)
    month = _month_number(m["mon"]) if m else None
    if month is None:
        return None
    d = date(_full_year(m["y"]), month, int(m["d"])) + shift
    name = _MONTHS[d.month - 1] if len(m["mon"]) > 3 else _MONTHS[d.month - 1][:3]
    return f"{d.day:0{len(m['d'])}d}{_case_like(m['mon'], name)}{_fmt_year(m['y'], d.year)}"


def _shift_spaced(v: str, shift: timedelta, year: int | None = None) -> str | None:
    """``2021 03 14``, ``14 03 2021`` (day first when the first number cannot be a month),
    ``03 14 2021``: two-digit day and month, as written."""
    m = _SPACED.fullmatch(v)
    if not m:
        return None
    if m["y"]:
        d = date(int(m["y"]), int(m["m"]), int(m["d"])) + shift
        return f"{d.year} {d.month:02d} {d.day:02d}"
    first, second = int(m["a"]), int(m["b"])
    day_first = first > 12
    d = date(int(m["y2"]), *((second, first) if day_first else (first, second))) + shift
    pair = (d.day, d.month) if day_first else (d.month, d.day)
    return f"{pair[0]:02d} {pair[1]:02d} {d.year}"
