"""Collects one synthetic patient's events with deterministic ids and shared provenance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from osler.record import Coding, Event, Observation, Provenance, Quantity, event_id

__all__ = ["Timeline"]


class Timeline:
    """Builder of a patient's events: ids are ``event_id('synth', seed, patient, n)``."""

    def __init__(self, patient_id: str, seed: int) -> None:
        self.patient_id = patient_id
        self.seed = seed
        self.provenance = Provenance(f"osler.synth(seed={seed})", patient_id)
        self.events: list[Event] = []

    def add(self, kind: type[Event], coding: Coding | None, **fields: Any) -> Event:
        event = kind(id=event_id("synth", self.seed, self.patient_id, len(self.events)),
                     coding=coding, provenance=self.provenance, **fields)
        self.events.append(event)
        return event

    def measurement(self, entry: tuple[Coding, str], value: float, time: datetime,
                    encounter_id: str, category: str, *, delay: timedelta | None = None) -> Event:
        """A numeric observation; labs become known ``delay`` after the draw."""
        coding, unit = entry
        return self.add(Observation, coding, time=time,
                        known_time=time + delay if delay else None, encounter_id=encounter_id,
                        category=category, status="final", value=Quantity(float(value), unit))
