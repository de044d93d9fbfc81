"""The patient record: demographics and the typed events of one patient's timeline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from osler.record.events import Event, EventKind, Label, Provenance

__all__ = ["PatientRecord"]

_EPOCH_SORT = datetime.min


@dataclass(frozen=True, slots=True, kw_only=True)
class PatientRecord:
    """Everything Osler knows about one patient from one or more sources.

    ``patient_id`` is the source's (or pseudonymous) id, never a name. Events are kept in the
    order the source gave them; :meth:`timeline` sorts them.
    """

    patient_id: str
    provenance: Provenance
    birth_date: date | None = None
    sex: str | None = None              # administrative gender: female, male, other, unknown
    race: str | None = None
    ethnicity: str | None = None
    deceased_time: datetime | None = None
    site: str | None = None             # care site / hospital, for cross-site evaluation
    fhir_server: str | None = None      # the named FHIR server of its Patient (--fhir-server)
    events: tuple[Event, ...] = field(default_factory=tuple)
    labels: tuple[Label, ...] = field(default_factory=tuple)
    #: descriptors the record-level fields hold (``Gender`` for ``sex``, ``Unit1``/``Unit2``
    #: for the encounter's unit) that the source first gave after its first row, each with the
    #: hour (of the stay) from which it is known: a PhysioNet 2019 stay whose Gender is NaN in
    #: row 1 and 1 from row 2 has ``(("Gender", 2.0),)``; features of hour 1 must not read it
    descriptor_hours: tuple[tuple[str, float], ...] = ()

    def of_kind(self, kind: EventKind | str) -> list[Event]:
        kind = EventKind(kind)
        return [e for e in self.events if e.kind is kind]

    def counts(self) -> Counter[str]:
        """Number of events by kind (``Counter({'observation': 12, ...})``)."""
        return Counter(e.kind.value for e in self.events)

    def timeline(self) -> list[Event]:
        """Events in time order; events with no known time come last, in source order."""
        def key(e: Event) -> tuple[int, datetime, timedelta]:
            if e.time is not None:
                return (0, e.time.replace(tzinfo=None) - (e.time.utcoffset() or timedelta()),
                        timedelta())
            if e.offset is not None:
                return (1, _EPOCH_SORT, e.offset)
            return (2, _EPOCH_SORT, timedelta())
        return sorted(self.events, key=key)

    def known_at(self, *, time: datetime | None = None,
                 offset: timedelta | None = None) -> Iterator[Event]:
        """Events available at a prediction time: known (or happened) at or before it.

        Give ``time`` for absolute timelines or ``offset`` for admission-relative ones. Events
        whose availability is unknown are excluded: they cannot be proven to precede it.
        An event still going on at that time comes without what is known only at its end
        (:meth:`Event.as_known_at`: an encounter's end and discharge disposition).
        """
        if (time is None) == (offset is None):
            raise ValueError("give exactly one of 'time' and 'offset'")
        for e in self.events:
            if time is not None:
                t = e.available_time
                if t is not None and t <= time:
                    yield e.as_known_at(time)
            else:
                o = e.available_offset
                if o is not None and o <= offset:
                    yield e.as_known_at(None)   # an absolute end cannot be placed on offsets

    def with_events(self, events: Iterable[Event], labels: Iterable[Label] = ()) -> PatientRecord:
        """A copy with more events (and labels) appended: records stay immutable."""
        from dataclasses import replace
        return replace(self, events=self.events + tuple(events), labels=self.labels + tuple(labels))
