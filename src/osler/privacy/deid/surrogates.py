"""Realistic stand-ins of the same type, chosen by key so the same value maps the same way.

Names and places come from Faker's offline provider lists (nothing is generated over a network
and no Faker random state is used): the key picks an entry, so a name maps to the same
surrogate in every note of every patient under one key.
"""

from __future__ import annotations

import importlib
import re
from datetime import timedelta
from functools import lru_cache

from osler._extras import require
from osler.privacy.deid.ages import aggregated_birth_year
from osler.privacy.deid.dates import shift_date_text
from osler.privacy.deid.lexicons import first_names
from osler.privacy.deid.visible import visible
from osler.privacy.deid.vocab import ADDRESS_WORDS, SURNAME_PARTICLES
from osler.privacy.keys import DeidKey

__all__ = ["surrogate", "surrogate_name", "tag"]


def tag(phi_type: str) -> str:
    """The tag that replaces PHI of ``phi_type`` in the ``tag`` profile: ``[NAME]``."""
    return f"[{phi_type}]"


@lru_cache(maxsize=1)
def _name_lists() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """First names by gender ('female', 'male', 'any') and last names, from Faker's en_US lists.

    A first name keeps its gender where the list gives it only one ("Son John" stays a son's
    name); names the list gives both genders, or none, draw from every first name.
    """
    require("faker", "nlp")
    person = importlib.import_module("faker.providers.person.en_US").Provider
    female, male = set(person.first_names_female), set(person.first_names_male)
    firsts = {"female": tuple(sorted(female - male)), "male": tuple(sorted(male - female)),
              "any": tuple(sorted(person.first_names))}
    return firsts, tuple(sorted(person.last_names))


@lru_cache(maxsize=1)
def _first_name_gender() -> dict[str, str]:
    firsts, _ = _name_lists()
    return {n.lower(): g for g in ("female", "male") for n in firsts[g]}


@lru_cache(maxsize=1)
def _cities() -> tuple[str, ...]:
    require("faker", "nlp")
    geo = importlib.import_module("faker.providers.geo").Provider
    return tuple(sorted({row[2] for row in geo.land_coords if row[3] == "US"}))


def _like(original: str, new: str) -> str:
    if original.isupper() and len(original) > 1:
        return new.upper()
    if original.islower():
        return new.lower()
    return new


def _keyed_digits(key: DeidKey, kind: str, value: str, within: str = "") -> str:
    """Same shape as ``value``: digits become keyed digits, letters keyed letters (``within``
    scopes the choice to a patient without entering the output)."""
    digest = key.digest(kind, within + value)
    out = []
    for i, ch in enumerate(value):
        byte = digest[i % len(digest)]
        if ch.isdigit():
            out.append(str(byte % 10))
        elif ch.isalpha():
            letter = chr(ord("a") + byte % 26)
            out.append(letter.upper() if ch.isupper() else letter)
        else:
            out.append(ch)
    return "".join(out)


def _name(key: DeidKey, value: str, within: str = "") -> str:
    firsts, lasts = _name_lists()
    words = value.split()
    out = []
    for k, w in enumerate(words):
        if _particle(words, k):
            out.append(w)   # "van der Berg" -> "van der Carney": a surname's particles stay
            continue
        bare = w.rstrip(".,")
        for possessive in ("'s", "\u2019s"):   # "Brown's" keeps its possessive
            if bare.lower().endswith(possessive) and len(bare) > 3:
                bare = bare[:-2]
                break
        if len(bare) <= 1:
            out.append(chr(ord("A") + key.choice("initial", within + bare.lower(), 26))
                       + w[len(bare):])
            continue
        # the word alone decides (a known first name or not), never its place in the span:
        # "Zebulon" must get one stand-in whether it is found alone or before a surname
        first = bare.lower() in first_names()
        pool = firsts[_first_name_gender().get(bare.lower(), "any")] if first else lasts
        out.append(_like(bare, pool[key.choice("name", within + bare.lower(), len(pool))])
                   + w[len(bare):])
    return " ".join(out)


#: Lower-case parts of surnames ("Henrietta van der Berg", "Dr. de la Cruz"), and "vander"
#: written as one word: a surrogate keeps it. The name rules (names.py) do not list it, so
#: adding it there would change what they find; that is a rule change, not this list's.
_JOINED_PARTICLES = frozenset({"vander"})
_PARTICLES = SURNAME_PARTICLES | _JOINED_PARTICLES


def _particle(words: list[str], k: int) -> bool:
    """Whether word ``k`` of a name is a particle of the surname after it: listed, not the
    last word, and written in lower case or inside the name ("van der Berg", "Ana De La
    Cruz"; "Van Quimby" opens with a first name)."""
    word = words[k]
    return (word.lower() in _PARTICLES and k + 1 < len(words)
            and (word.islower() or k > 0 or words[k + 1].lower() in _PARTICLES))


# Words of a street address kept as they are: directions, street types, flat words, and the
# post-office-box and rural-route words a surrogate address line may open with.
_MORE_ADDRESS_WORDS = frozenset("turnpike tpke flat p.o p.o. post office # rural r.r".split())
_ADDRESS_WORDS = ADDRESS_WORDS | _MORE_ADDRESS_WORDS
# a postcode: an Australian one has four digits (above), a British ("RG1 5AN") or Canadian
# ("H3B 1A7") one keeps its shape, letters and digits keyed
_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|[A-Z]\d[A-Z][ -]?\d[A-Z]\d")
_TOWN_POSTCODE = re.compile(rf"(\D*?[^\W\d])(,?\s+)({_POSTCODE.pattern})")


# a latitude and a longitude ("45.6770,-111.0429", "40.7128 -74.0060")
_COORDINATES = re.compile(r"(-?)(\d{1,2})\.(\d+)(,?\s*)(-?)(\d{1,3})\.(\d+)")


def _coordinates(key: DeidKey, value: str, within: str) -> str:
    """Keyed coordinates in range (latitude within +-90, longitude within +-180), with the
    original's signs, separator and number of decimals."""
    m = _COORDINATES.fullmatch(value.strip())
    lat_sign, lat, lat_dec, sep, lon_sign, lon, lon_dec = m.groups()
    digest = key.digest("gps", within + value)
    lat_int = int.from_bytes(digest[:2], "big") % 90
    lon_int = int.from_bytes(digest[2:4], "big") % 180
    decimals = _keyed_digits(key, "gps-decimals", lat_dec + lon_dec, within)
    text = (f"{lat_sign}{lat_int}.{decimals[:len(lat_dec)]}{sep}"
            f"{lon_sign}{lon_int}.{decimals[len(lat_dec):]}")
    return value.replace(value.strip(), text)


def _place(key: DeidKey, value: str, within: str) -> str:
    """A ZIP code keeps its shape with keyed digits; a street address keeps its shape, its
    directions and street and flat words, with keyed numbers and names ("55 Fruit Street" ->
    "83 Dillon Street"); any other place becomes a US city."""
    if re.fullmatch(r"\d{4,5}(?:-\d{4})?", value.strip()) or _POSTCODE.fullmatch(value.strip()):
        return _keyed_digits(key, "zip", value, within)
    town = _TOWN_POSTCODE.fullmatch(value)
    if town:   # "Reading RG1 5AN": a town for the town, the postcode keyed
        return (_place(key, town.group(1), within) + town.group(2)
                + _keyed_digits(key, "zip", town.group(3), within))
    if _COORDINATES.fullmatch(value.strip()):
        return _coordinates(key, value, within)
    if re.match(r"\s*\d|(?i:\s*(?:p\.?\s?o\.?|post\s+office)\s*box|\s*rural\s+route|\s*r\.?r\.?\s)",
                value):
        _, lasts = _name_lists()
        out = []
        for w in re.split(r"(\s+)", value):
            core = w.strip(".,")
            if not core or core.lower() in _ADDRESS_WORDS or len(core) == 1:
                out.append(w)
            elif any(ch.isdigit() for ch in core):
                out.append(_keyed_digits(key, "house", w, within))
            else:
                pick = lasts[key.choice("street", within + core.lower(), len(lasts))]
                out.append(w.replace(core, _like(core, pick)))
        return "".join(out)
    cities = _cities()
    return _like(value, cities[key.choice("place", within + value.lower(), len(cities))])


# a GS1 device identifier's fields: "(01)" and the like name the field, the rest is the value
_GS1_FIELD = re.compile(r"(\(\d{2,4}\))([^()]*)")


def _gs1(key: DeidKey, value: str) -> str:
    """A GS1 device identifier with its field codes kept and each value keyed in its shape, as
    it would be alone ("(01)00884521123456(21)A1B2C3" -> "(01)" + 14 keyed digits + "(21)" +
    keyed letters and digits): the product number maps the same way written bare."""
    return _GS1_FIELD.sub(lambda m: m.group(1) + _keyed_digits(key, "ID", m.group(2)), value)


def surrogate_name(key: DeidKey, name: str, scope: str | None = None) -> str:
    """The stand-in of a person's name, word by word as in notes: the family and given names
    of a FHIR ``HumanName`` or a DICOM ``PatientName`` get the same stand-ins as the words of
    the patient's notes (one pseudonymous patient in every modality)."""
    return (surrogate(key, "NAME", name, timedelta(0), scope=scope) if visible(name).strip()
            else "")


def surrogate(key: DeidKey, phi_type: str, value: str, shift: timedelta,
              scope: str | None = None, year: int | None = None) -> str:
    """A realistic replacement for ``value`` of ``phi_type``; dates move by ``shift``.

    ``scope`` (the patient) makes name and place surrogates that patient's own: "Smith" keeps
    one stand-in across a patient's notes, but two patients named Smith get different ones,
    so a surrogate's frequency does not betray a common name across the output. ``year``:
    the year a date written without one is in (see :func:`shift_date_text`).
    """
    within = "" if scope is None else f"{scope}\x1f"
    # chosen from what a reader sees: "Jo\u200bhn" gets John's stand-in, and no invisible
    # character of the original is carried into the output
    value = visible(value)
    if phi_type == "NAME":
        return _name(key, value, within)
    if phi_type == "LOCATION":
        return _place(key, value, within)
    if phi_type == "DATE":
        return shift_date_text(value, shift, year) or tag(phi_type)
    if phi_type == "ID" and _GS1_FIELD.match(value):
        return _gs1(key, value)
    if phi_type in ("PHONE", "ID"):
        return _keyed_digits(key, phi_type, value)
    if phi_type == "EMAIL":
        return f"person{key.choice('email', value.lower(), 10**6)}@example.org"
    if phi_type == "URL":
        return f"https://example.org/{key.choice('url', value, 10**6)}"
    if phi_type == "IP":
        return f"192.0.2.{key.choice('ip', value, 254) + 1}"  # TEST-NET-1, RFC 5737
    if phi_type == "AGE":
        return _age(value, key)
    return tag(phi_type)


# A birth date or year that tells an age over 89 ("1931", "3/4/29", "March 4, 1930"); an
# age itself never has a four-digit year or a date's separator between digits
_BIRTH_DATE = re.compile(r"\d[/.-]\d|(?<!\d)(?:18|19|20)\d\d(?!\d)|(?<!\d)(?:18|19|20)\d{6}(?!\d)")
# the adjective of an age, written with hyphens ("100-year-old", "92-yr-old")
_AGE_ADJECTIVE = re.compile(r"\S+?(?P<rest>-(?:years?|yrs?)-old)", re.I)


def _age(value: str, key: DeidKey) -> str:
    """Safe Harbor aggregates ages over 89 into one category: "aged 92" -> "aged 90+", "a
    100-year-old woman" -> "a 90+-year-old woman"; a birth date telling such an age ("Born in
    1931", "DOB: 3/4/1930") becomes the one birth year that stands for "90 or older"
    (:func:`~osler.privacy.deid.ages.aggregated_birth_year`, counted from the key's
    ``reference_year``), as in FHIR and DICOM."""
    if _BIRTH_DATE.search(value):
        return aggregated_birth_year(reference_year=key.reference_year)
    adjective = _AGE_ADJECTIVE.fullmatch(value)
    if adjective:
        return "90+" + adjective["rest"]
    return "90+ years" if re.search(r"y/?o|yrs?|years?|old", value, re.I) else "90+"
