"""One de-identification key for every modality: pseudonyms, date shifts and UIDs.

The same key gives the same patient the same pseudonym and the same date shift in notes, FHIR
resources and DICOM headers, derived from the id each carries (``patient``, ``Patient.id`` or,
with ``patient_identifier``, the MRN; ``PatientID``). Everything is derived with HMAC-SHA256
from a secret kept in a key file, never from a plain hash: without the secret, a pseudonym
cannot be recomputed from a guessed identifier.

The key file also holds the year it was created (``reference_year``): the birth year that
stands for every age over 89 (HIPAA Safe Harbor) is counted from it, so that it is the same
in notes, FHIR and DICOM de-identified in different years under one key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from osler.errors import DataError

__all__ = ["DeidKey", "load_key", "new_key", "patient_key", "write_key"]

_MIN_SECRET_BYTES = 16
#: The earliest ``reference_year``: no key is older than Osler, and the year 90 before it
#: must be a four-digit year.
_FIRST_YEAR = 2000
#: What a key file may hold.
_FIELDS = ("max_shift_days", "reference_year", "secret")


def patient_key(patient: object) -> str | None:
    """The id a patient's pseudonym and date shift are keyed by, from the id as a source
    writes it (a note's ``patient``, a DICOM ``PatientID``, a FHIR identifier's value): its
    surrounding white space stripped, as DICOM pads a value (``"MRN7781234 "``) and an MRN
    is keyed in FHIR, case kept (``mrn-1`` and ``MRN-1`` are two patients); None when
    nothing is left (no patient), so that every modality keys one patient alike.

    Examples
    --------
    >>> patient_key(" P001 "), patient_key(42), patient_key("  "), patient_key(None)
    ('P001', '42', None, None)
    """
    if patient is None:
        return None
    return str(patient).strip() or None


@dataclass(frozen=True)
class DeidKey:
    """A secret and the derivations Osler makes from it.

    Parameters
    ----------
    secret : bytes
        At least 16 random bytes. Keep it out of the repository and of the de-identified data.
    max_shift_days : int
        Dates move back by 1 to ``max_shift_days`` days, the same amount for all of a patient's
        dates, so that intervals between them are kept.
    reference_year : int, optional
        The year the key was created, stored in its file: the stand-in birth year of ages
        over 89 is ``reference_year - 90`` whenever the key is used (see
        :func:`~osler.privacy.deid.ages.aggregated_birth_year`). ``None`` (a key file written
        before Osler stored it, or a key built in code): counted from the current year, so
        it changes with the calendar.

    Examples
    --------
    >>> key = DeidKey(b"0123456789abcdef")
    >>> key.pseudonym("patient-1") == key.pseudonym("patient-1")
    True
    >>> key.date_shift("patient-1").days < 0
    True
    """

    secret: bytes
    max_shift_days: int = 365
    reference_year: int | None = None

    def __post_init__(self) -> None:
        if len(self.secret) < _MIN_SECRET_BYTES:
            raise DataError(f"the de-identification secret must have at least {_MIN_SECRET_BYTES} "
                            f"bytes; got {len(self.secret)}")
        if self.max_shift_days < 1:
            raise DataError(f"'max_shift_days' must be >= 1; got {self.max_shift_days}")
        year = self.reference_year
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)
                                 or not _FIRST_YEAR <= year <= 9999):
            raise DataError(f"'reference_year' must be a year from {_FIRST_YEAR} to 9999; "
                            f"got {year!r}")

    def digest(self, kind: str, value: str) -> bytes:
        """HMAC-SHA256 of ``value`` in the namespace ``kind`` (patient, uid, name ...)."""
        msg = kind.encode("utf-8") + b"\x1f" + value.encode("utf-8", "surrogatepass")
        return hmac.new(self.secret, msg, hashlib.sha256).digest()

    def pseudonym(self, value: str, kind: str = "patient") -> str:
        """A keyed pseudonym shaped as a UUID, valid as a FHIR id and in ``urn:uuid:``."""
        return str(uuid.UUID(bytes=self.digest(kind, value)[:16], version=4))

    def date_shift(self, patient: str | None) -> timedelta:
        """The patient's date offset: always negative, never zero, the same in every modality.

        Records with no patient share one offset (derived from the empty id).
        """
        number = int.from_bytes(self.digest("date-shift", patient or "")[:8], "big")
        return -timedelta(days=1 + number % self.max_shift_days)

    def uid(self, original: str) -> str:
        """A DICOM UID for ``original``: ``2.25.<integer>`` (PS3.5 B.2), consistent per key."""
        return "2.25." + str(int.from_bytes(self.digest("dicom-uid", original)[:16], "big"))

    def choice(self, kind: str, value: str, n: int) -> int:
        """A keyed index in ``range(n)``, used to pick the same surrogate for the same value."""
        return int.from_bytes(self.digest(kind, value)[:8], "big") % n


def new_key(*, max_shift_days: int = 365) -> DeidKey:
    """A fresh random key (32 bytes from the OS), kept in memory only; its
    ``reference_year`` is this year."""
    return DeidKey(os.urandom(32), max_shift_days, date.today().year)


def load_key(path: str | Path) -> DeidKey:
    """Read a key file written by :func:`write_key` (JSON with a hex ``secret``).

    A file without ``reference_year`` (written before Osler stored one) still loads, with
    ``reference_year=None``: the stand-in birth year of ages over 89 is then counted from the
    current year and drifts with the calendar (``osler deid`` warns, naming the file). Adding
    ``"reference_year": YYYY`` to the file, the year it was first used, pins it.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        secret = bytes.fromhex(data["secret"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"key file {path}: cannot read a hex 'secret' ({type(exc).__name__})") from exc
    unknown = set(data) - set(_FIELDS)
    if unknown:
        raise DataError(f"key file {path}: unknown keys {sorted(unknown)}; "
                        f"allowed {list(_FIELDS)}")
    year = data.get("reference_year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise DataError(f"key file {path}: 'reference_year' must be an integer year; "
                        f"got a {type(year).__name__}")
    try:
        return DeidKey(secret, int(data.get("max_shift_days", 365)), year)
    except DataError as exc:
        raise DataError(f"key file {path}: {exc}") from None


def write_key(path: str | Path, *, max_shift_days: int = 365) -> DeidKey:
    """Create a new random key file, readable by its owner only, and return the key; the
    file records this year as the key's ``reference_year``."""
    path = Path(path)
    key = new_key(max_shift_days=max_shift_days)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"secret": key.secret.hex(), "max_shift_days": max_shift_days,
                   "reference_year": key.reference_year}, fh)
    return key
