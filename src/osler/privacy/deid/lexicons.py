"""Name and place dictionaries from offline sources shipped with Osler or its dependencies.

Nothing here is read from any evaluation corpus: first and last names come from Faker's person
providers for Latin-script locales and from the US Census 1990 name lists
(``resources/deid/census_*``); places from Faker's geo provider and a GeoNames extract of US
towns and counties (``resources/deid/us_places.txt``); everyday words from Faker's lorem list.
Each resource file cites its source. Common words that are also names ("will", "hope", "bell")
are removed with Osler's own stop list (``resources/deid/name_stopwords.txt``).
"""

from __future__ import annotations

import gzip
import importlib
import unicodedata
from functools import lru_cache

from osler._extras import require
from osler.resources import path as resource_path

__all__ = ["capitals_clinical_words", "census_first_names", "census_names", "clinical_words",
           "common_words", "department_words", "english_first_names", "english_names",
           "first_names", "last_names", "medication_names", "name_stopwords", "place_names",
           "resource_lines", "sectioned_words", "service_abbreviations", "service_words",
           "specialties", "us_places", "us_states"]

# Latin-script locales whose names appear in US clinical notes.
_LOCALES = ("en_US", "en_GB", "en_IE", "en_CA", "de_DE", "it_IT", "fr_FR", "es_ES", "es_MX",
            "pl_PL", "pt_BR", "nl_NL", "cs_CZ", "sv_SE", "no_NO", "da_DK", "fi_FI", "hu_HU",
            "ro_RO", "hr_HR", "sk_SK", "tr_TR", "vi_VN", "tl_PH", "fil_PH", "en_IN")


def _ascii(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode().lower()


def _provider_words(locale: str, attributes: tuple[str, ...]) -> set[str]:
    try:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ImportError:
        return set()
    words: set[str] = set()
    for attr in attributes:
        for name in getattr(provider, attr, ()) or ():
            for part in str(name).replace("-", " ").split():
                part = _ascii(part)
                if len(part) >= 2 and part.isalpha():
                    words.add(part)
    return words


@lru_cache(maxsize=1)
def name_stopwords() -> frozenset[str]:
    """Common and clinical words that are also somebody's name; never flagged by dictionary."""
    lines = resource_path("deid/name_stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for ln in lines if not ln.startswith("#")
                     for w in ln.split() if w.strip())


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Lower-case ASCII first names from Faker (all listed locales), minus the stop list."""
    require("faker", "nlp")
    words: set[str] = set()
    for loc in _LOCALES:
        words |= _provider_words(loc, ("first_names", "first_names_female", "first_names_male"))
    return frozenset(words - name_stopwords())


def resource_lines(name: str) -> list[str]:
    """The lines of the resource file ``name`` (``"deid/medical_eponyms.txt"``, read through
    gzip when it ends in ``.gz``), stripped, without blank lines and ``#`` comment lines: a
    word or a phrase a line, or a ``[section]`` heading (:func:`sectioned_words`). Not
    cached: the readers keep what they make of it."""
    file = resource_path(name)
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rt", encoding="utf-8") as handle:
        return [ln.strip() for ln in handle if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=2)
def census_first_names(*, with_stopwords: bool = False) -> frozenset[str]:
    """The US Census 1990 first names alone (5,494), minus the stop list unless
    ``with_stopwords`` ("Tom", "Will": names only where a form field says so)."""
    words = frozenset(resource_lines("deid/census_first_names.txt"))
    return words if with_stopwords else words - name_stopwords()


@lru_cache(maxsize=1)
def census_surnames_with_stopwords() -> frozenset[str]:
    """The US Census 1990 surnames (88,799) with those that are also words ("Green", "Hill"):
    for a context that already says "surname" ("Patient GREEN, MARY"), where an adjective
    ("LETHARGIC") must still not pass."""
    return frozenset(resource_lines("deid/census_last_names.txt.gz"))


@lru_cache(maxsize=1)
def census_names() -> frozenset[str]:
    """The US Census 1990 first names (5,494) and surnames (88,799), minus the stop list.

    Many are also common or ward words ("black", "given", "mae", "soon"), so callers trust them
    only where context says "name" (after "Dr.", "wife", before ", RN").
    """
    words = resource_lines("deid/census_first_names.txt")
    words += resource_lines("deid/census_last_names.txt.gz")
    return frozenset(words) - name_stopwords()


@lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    """Lower-case ASCII last names from Faker (all listed locales), minus the stop list."""
    require("faker", "nlp")
    words: set[str] = set()
    for loc in _LOCALES:
        words |= _provider_words(loc, ("last_names",))
    return frozenset(words - name_stopwords())


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Lower-case city names from Faker's geo provider (single and multi-word)."""
    require("faker", "nlp")
    geo = importlib.import_module("faker.providers.geo").Provider
    return frozenset(_ascii(row[2]) for row in geo.land_coords) - name_stopwords()


@lru_cache(maxsize=1)
def us_places() -> frozenset[str]:
    """Lower-case US town and county names (one to four words), minus the stop list."""
    lines = resource_path("deid/us_places.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(_ascii(ln.strip()) for ln in lines
                     if ln.strip() and not ln.startswith("#")) - name_stopwords() - us_states()


@lru_cache(maxsize=1)
def us_states() -> frozenset[str]:
    """Lower-case US state names from Faker: a state is not PHI under Safe Harbor (B)."""
    require("faker", "nlp")
    provider = importlib.import_module("faker.providers.address.en_US").Provider
    return frozenset(_ascii(s) for s in provider.states)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """About 1,000 everyday English words (Faker's en_US lorem list): "real", "gun", "soon".

    A listed name that is also one of these is never flagged without context.
    """
    require("faker", "nlp")
    provider = importlib.import_module("faker.providers.lorem.en_US").Provider
    return frozenset(w.lower() for w in provider.word_list)


_ENGLISH = ("en_US", "en_GB", "en_IE", "en_CA")


@lru_cache(maxsize=1)
def english_first_names() -> frozenset[str]:
    """First names of Faker's English-language locales only ("Amy", "Ted"), minus the stop list.

    Short names from every locale ("Ake", "Uno", "Sep") are mostly abbreviations in US notes;
    short English ones are trusted alone.
    """
    require("faker", "nlp")
    words: set[str] = set()
    for loc in _ENGLISH:
        words |= _provider_words(loc, ("first_names", "first_names_female", "first_names_male"))
    return frozenset(words - name_stopwords())


@lru_cache(maxsize=1)
def english_names() -> frozenset[str]:
    """First and last names of Faker's English-language locales, minus the stop list."""
    words: set[str] = set()
    for loc in _ENGLISH:
        words |= _provider_words(loc, ("last_names",))
    return english_first_names() | frozenset(words - name_stopwords())


@lru_cache(maxsize=1)
def medication_names() -> frozenset[str]:
    """Lower-case one-word drug names: ``deid/medication_names.txt`` and the medication terms
    of the concept list (``nlp/concepts.tsv``, read as data)."""
    words = {w.lower() for ln in resource_lines("deid/medication_names.txt") for w in ln.split()}
    for line in resource_path("nlp/concepts.tsv").read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if not line.startswith("#") and len(cells) > 1 and cells[1] == "medication":
            words.update(w for w in [cells[0].strip().lower()] if w.isalpha())
    return frozenset(words)


def sectioned_words(name: str, section: str) -> frozenset[str]:
    """Lower-case words of ``[section]`` of a resource file written in sections."""
    words: set[str] = set()
    current = None
    for line in resource_lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == section:
            words.update(w.lower() for w in line.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def service_words() -> frozenset[str]:
    """Words of clinical services and departments ("palliative", "care", "vasc", "surg"):
    a value made of them names no one ("Care team: Palliative Care")."""
    return sectioned_words("deid/service_words.txt", "services")


@lru_cache(maxsize=1)
def clinical_words() -> frozenset[str]:
    """Words of services and of a patient's message subjects ("knee", "pain", "results"):
    no name rule takes two of them for a name ("Subject: Knee Pain")."""
    return service_words() | sectioned_words("deid/service_words.txt", "clinical")


@lru_cache(maxsize=1)
def specialties() -> frozenset[str]:
    """Departments a clinic is named for ("seen in Cardiology clinic"): a service, no place."""
    return sectioned_words("deid/service_words.txt", "specialties")


@lru_cache(maxsize=1)
def department_words() -> frozenset[str]:
    """Words a department's name holds besides :func:`specialties` ("Internal", "Palliative")."""
    return sectioned_words("deid/service_words.txt", "departments")


@lru_cache(maxsize=1)
def service_abbreviations() -> frozenset[str]:
    """Shortened services often joined to a doctor's name ("Dr. Quill-Cards", "Pulm")."""
    return sectioned_words("deid/service_words.txt", "abbreviations")


@lru_cache(maxsize=1)
def capitals_clinical_words() -> frozenset[str]:
    """Words of notes typed in capitals that may follow a role and are no one's name ("RN
    AWARE", "NP ORDERS"): ``resources/deid/capitals_clinical_words.txt``. A list of its own,
    read by the role rule only; it shares some words with :func:`service_words`, but adding
    the rest of those would change which capitals it takes for a name."""
    return frozenset(w.lower() for ln in resource_lines("deid/capitals_clinical_words.txt")
                     for w in ln.split())
