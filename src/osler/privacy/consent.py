"""Consent: may this patient's data be used for this purpose at this time?

The patient's own Consent events decide: the most recent one in force at ``at`` that covers the
purpose wins. Without one, the default applies: treatment is permitted, secondary use
(research, model training) needs an explicit opt-in.
"""

from __future__ import annotations

from datetime import datetime

from osler.errors import ConsentError
from osler.record import Consent, PatientRecord

__all__ = ["DEFAULT_PERMIT", "consent_allows", "require_consent"]

#: Purposes permitted when the record holds no consent that covers them.
DEFAULT_PERMIT = frozenset({"treatment"})


def _covers(consent: Consent, purpose: str) -> bool:
    return not consent.purposes or purpose in consent.purposes or consent.scope == purpose


def _in_force(consent: Consent, at: datetime | None) -> bool:
    if at is None:
        return consent.end_time is None
    started = consent.time is None or consent.time <= at
    return started and (consent.end_time is None or at < consent.end_time)


def consent_allows(record: PatientRecord, purpose: str, *, at: datetime | None = None) -> bool:
    """Whether ``record``'s consents permit ``purpose`` at ``at`` (now, when ``None``)."""
    relevant = [e for e in record.events if isinstance(e, Consent) and _covers(e, purpose)
                and _in_force(e, at)]
    if not relevant:
        return purpose in DEFAULT_PERMIT
    latest = max(relevant, key=lambda c: (c.time is not None, c.time or datetime.min.astimezone()))
    return latest.provision == "permit"


def require_consent(record: PatientRecord, purpose: str, *, at: datetime | None = None,
                    pseudonym: str | None = None) -> None:
    """Raise :class:`ConsentError` unless ``purpose`` is permitted.

    The message names the patient only by ``pseudonym`` (never the source id).
    """
    if not consent_allows(record, purpose, at=at):
        who = f"patient {pseudonym}" if pseudonym else "this patient"
        raise ConsentError(f"{who} has not consented to use for '{purpose}'; "
                           f"permitted without explicit consent: {sorted(DEFAULT_PERMIT)}")
