"""Word lists several de-identification rules share: months, weekdays, surname particles, street
words.

One source of truth, so the copies in dates, patterns, names, detect, text, features, places,
surrogates and fhir_patients cannot drift apart. It imports nothing from the package, so every
module of it may import this one. Where a user needs more words than a list here, it adds them
as a named set of its own beside the import, never by editing a copy.
"""

from __future__ import annotations

__all__ = ["ADDRESS_WORDS", "AMBIGUOUS_STREET_TYPES", "MONTHS", "MONTH_ABBREVIATIONS",
           "MONTH_PATTERN", "NOTE_STREET_TYPES", "STREET_DIRECTIONS", "STREET_TYPES",
           "SURNAME_PARTICLES", "WEEKDAYS", "WEEKDAY_ABBREVIATIONS", "alternation"]

#: Months in calendar order: ``MONTHS[d.month - 1]``.
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
#: Their shortened forms ("may" is never shortened; September also as "sept").
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                       "nov", "dec")
#: A regex alternation of every month word (case is the pattern's flag), always used before
#: ``\b``, so its order picks no shorter word over a longer one.
MONTH_PATTERN = "|".join(MONTHS + MONTH_ABBREVIATIONS)

#: Weekdays in ``date.weekday()`` order: ``WEEKDAYS[d.weekday()]``.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Their shortened forms ("Wed 3/3/2021", "Thurs.").
WEEKDAY_ABBREVIATIONS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")

#: Lower-case parts of surnames ("van der Berg", "de la Cruz").
SURNAME_PARTICLES = frozenset("""van der den von de la le du del della di da dos das ter ten
bin ibn al el""".split())

#: Street types a note's street address is read by (after a house number and a name):
#: "42 Birchwood Lane", "17 quellmoor rd".
NOTE_STREET_TYPES = frozenset("""st street ave avenue rd road dr drive lane ln blvd boulevard way
court ct place pl terrace circle""".split())
#: Those with another everyday or clinical reading (a doctor's "Dr", a saint's "St", "Ct", "on
#: the way", "in place", "drive"): read only when capitalised.
AMBIGUOUS_STREET_TYPES = frozenset("st dr drive ct way court place pl".split())
#: Every street type, full and shortened.
STREET_TYPES = NOTE_STREET_TYPES | frozenset("""ter highway hwy parkway pkwy cir pike square sq
trail trl route""".split())
#: Compass directions of a street ("N Main St", "Elm Street West").
STREET_DIRECTIONS = frozenset("n s e w ne nw se sw north south east west".split())
#: Words of an address line that name no place: street types, directions, flat and box words
#: and the little words between them.
ADDRESS_WORDS = (STREET_TYPES | STREET_DIRECTIONS
                 | frozenset("apt apartment unit suite ste box po rr the of and".split()))


def alternation(words: frozenset[str] | tuple[str, ...]) -> str:
    """``words`` as a regex alternation, longest first (then alphabetical): the same string on
    every run, and a word is never cut short by a shorter one before it."""
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))
