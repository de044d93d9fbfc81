"""Typed, frozen events of a patient's timeline.

Every event has a coding, a time it happened and, where it differs, the time it became known,
and provenance. Times are timezone-aware ``datetime``s or, for sources that only give time
relative to an admission (PhysioNet ICU stays), an ``offset`` from the start of the event's
encounter. Osler never invents an absolute time: unknown is ``None``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from osler.record.codes import Coding, Quantity

__all__ = ["Condition", "Consent", "Encounter", "Event", "EventKind", "Genotype", "ImagingStudy",
           "Label", "Medication", "Note", "Observation", "Procedure", "Provenance", "event_id"]


class EventKind(StrEnum):
    ENCOUNTER = "encounter"
    CONDITION = "condition"
    OBSERVATION = "observation"
    MEDICATION = "medication"
    PROCEDURE = "procedure"
    NOTE = "note"
    IMAGING_STUDY = "imaging_study"
    GENOTYPE = "genotype"
    CONSENT = "consent"


def event_id(*parts: object) -> str:
    """Deterministic id from the parts that identify an event in its source.

    Re-reading the same source gives the same ids, which makes re-ingest a no-op.
    """
    key = "\x1f".join(map(str, parts)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(key, digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where an event came from: the source file, the record in it, and the line if any."""

    source: str
    record: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        out = self.source
        if self.record:
            out += f"#{self.record}"
        if self.line is not None:
            out += f":{self.line}"
        return out


def _check_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"'{name}' must be timezone-aware; got naive {value.isoformat()}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Fields every event has. Subclasses add what their kind needs.

    ``time``: when it happened (or started). ``known_time``: when it became known to the care
    team, where that differs (a lab result is known when issued, not when drawn).
    ``offset`` / ``known_offset``: the same, relative to the start of ``encounter_id`` when the
    source gives no absolute time.
    """

    KIND = EventKind.OBSERVATION  # overridden per subclass; a ClassVar, not a field
    #: Fields known only once the event has ended (``end_time``): before then the care team
    #: could not have read them. A ClassVar too; subclasses add their own.
    KNOWN_AT_END: ClassVar[tuple[str, ...]] = ("end_time", "status")   # "finished", "completed"

    id: str
    coding: Coding | None
    provenance: Provenance
    time: datetime | None = None
    known_time: datetime | None = None
    offset: timedelta | None = None
    known_offset: timedelta | None = None
    end_time: datetime | None = None
    encounter_id: str | None = None
    status: str | None = None

    def __post_init__(self) -> None:
        if self.time is not None or self.known_time is not None or self.end_time is not None:
            _check_aware("time", self.time)
            _check_aware("known_time", self.known_time)
            _check_aware("end_time", self.end_time)

    @property
    def kind(self) -> EventKind:
        return type(self).KIND

    @property
    def available_time(self) -> datetime | None:
        """When the event could first be used by a model: known time, else event time."""
        return self.known_time if self.known_time is not None else self.time

    @property
    def available_offset(self) -> timedelta | None:
        return self.known_offset if self.known_offset is not None else self.offset

    def as_known_at(self, time: datetime | None) -> Event:
        """This event as it could be read at ``time``: an event that has not ended by then
        (or whose end cannot be placed against it: ``time`` None) loses the fields known
        only at its end (:attr:`KNOWN_AT_END`), such as an encounter's end and discharge
        disposition, so that no feature can read them early."""
        if self.end_time is None or (time is not None and self.end_time <= time):
            return self
        return replace(self, **{name: None for name in type(self).KNOWN_AT_END})


@dataclass(frozen=True, slots=True, kw_only=True)
class Encounter(Event):
    KIND = EventKind.ENCOUNTER
    KNOWN_AT_END = ("end_time", "status", "discharge_disposition")
    encounter_class: str | None = None  # AMB, EMER, IMP, ICU ...
    care_site: str | None = None        # hospital or site, for cross-site evaluation
    unit: str | None = None             # e.g. MICU, SICU
    discharge_disposition: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition(Event):
    KIND = EventKind.CONDITION
    KNOWN_AT_END = ("end_time", "status", "clinical_status")   # "resolved": at its abatement
    verification: str = "confirmed"     # FHIR verificationStatus: confirmed, refuted, provisional...
    clinical_status: str | None = None  # active, resolved ...
    category: str | None = None         # problem-list-item, encounter-diagnosis, allergy


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation(Event):
    KIND = EventKind.OBSERVATION
    category: str | None = None         # laboratory, vital-signs, survey, social-history ...
    value: Quantity | None = None
    value_text: str | None = None
    value_code: Coding | None = None
    interpretation: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Medication(Event):
    KIND = EventKind.MEDICATION
    action: str = "request"             # request, administration, dispense, immunization
    dose: Quantity | None = None
    route: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Procedure(Event):
    KIND = EventKind.PROCEDURE


@dataclass(frozen=True, slots=True, kw_only=True)
class Note(Event):
    KIND = EventKind.NOTE
    #: Statuses of a note whose words no longer stand: entered in error (a DocumentReference's
    #: status or docStatus, a DiagnosticReport's status), replaced by a later version (a
    #: superseded DocumentReference) or a report cancelled before it was done. The note is
    #: kept as the source gave it, but "Assessment: pneumonia" in it is no finding.
    WITHDRAWN: ClassVar[frozenset[str]] = frozenset({"entered-in-error", "superseded",
                                                     "cancelled"})
    text: str = ""
    title: str | None = None
    author_role: str | None = None
    content_type: str = "text/plain"
    #: The text was de-identified before Osler read it (``osler deid text`` output).
    deidentified: bool = False

    @property
    def withdrawn(self) -> bool:
        """Whether the note's status says its text no longer stands (:attr:`WITHDRAWN`):
        its concepts must not reach the timeline."""
        return self.status in self.WITHDRAWN


@dataclass(frozen=True, slots=True, kw_only=True)
class ImagingStudy(Event):
    KIND = EventKind.IMAGING_STUDY
    study_uid: str | None = None
    series_uid: str | None = None
    modality: str | None = None
    body_part: str | None = None
    pixel_spacing: tuple[float, ...] | None = None
    n_instances: int | None = None
    description: str | None = None
    pixel_ref: str | None = None        # content address (sha256) of the pixel file, never pixels
    embedding_ref: str | None = None    # content address of the image embedding (for fusion)


@dataclass(frozen=True, slots=True, kw_only=True)
class Genotype(Event):
    KIND = EventKind.GENOTYPE
    chrom: str = ""
    pos: int = 0                        # 1-based, on ``build``
    ref: str = ""
    alleles: tuple[str | None, ...] = ()  # called alleles as bases; None where the call is missing
    phased: bool = False
    build: str = "GRCh38"
    gene: str | None = None
    rsid: str | None = None
    sample: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Consent(Event):
    KIND = EventKind.CONSENT
    provision: str = "permit"           # permit or deny
    scope: str | None = None            # research, patient-privacy, treatment ...
    purposes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True, kw_only=True)
class Label:
    """An outcome used to train and evaluate models. Never a feature.

    ``value`` is the label's value at ``time`` / ``offset`` (e.g. PhysioNet's hourly
    ``SepsisLabel``), or once for the whole stay when both are ``None``.
    """

    name: str
    value: float
    provenance: Provenance
    time: datetime | None = None
    offset: timedelta | None = None
    encounter_id: str | None = None
