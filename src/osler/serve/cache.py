"""What the service keeps of the patients it has read: each record under the store's revision
of it, with what was derived from it (stays, assessments), until the record changes.

A hook call for a patient seen before then costs one revision lookup instead of loading the
timeline and scoring it again. The store decides what a revision is
(:meth:`osler.store.base.Store.revision`): a read-only DuckDB file cannot change while it is
open; PostgreSQL gives each write of a patient a new row version. Where the store cannot tell,
nothing is kept. Consent is checked on every request against the kept record, which is the
stored one: a new consent is a write, so it gives a new revision.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from osler.record import PatientRecord

__all__ = ["PatientCache"]


@dataclass
class _Kept:
    revision: str
    record: PatientRecord
    derived: dict[Hashable, Any] = field(default_factory=dict)


class PatientCache:
    """A bounded, thread-safe map of patient id -> (revision, record, derived values); the
    least recently used patient goes first. ``capacity`` 0 keeps nothing."""

    def __init__(self, capacity: int, *, freeze_every: int = 0) -> None:
        if capacity < 0:
            raise ValueError("capacity must be 0 or more")
        self.capacity = capacity
        self.freeze_every = freeze_every
        self._puts = 0
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, patient_id: str, revision: str | None, *, count: bool = True
            ) -> PatientRecord | None:
        """The kept record of ``patient_id`` if it is of ``revision``, else ``None``;
        ``count``: add the outcome to :attr:`hits` or :attr:`misses`."""
        with self._lock:
            kept = self._kept.get(patient_id)
            if revision is None or kept is None or kept.revision != revision:
                self.misses += count
                return None
            self._kept.move_to_end(patient_id)
            self.hits += count
            return kept.record

    def count_hit(self) -> None:
        with self._lock:
            self.hits += 1

    def current(self, patient_id: str, revision: str | None) -> bool:
        """Whether the kept record of ``patient_id`` is of ``revision`` (counts no hit)."""
        with self._lock:
            kept = self._kept.get(patient_id)
            return revision is not None and kept is not None and kept.revision == revision

    def patient_ids(self) -> list[str]:
        """The kept patients, least recently used first."""
        with self._lock:
            return list(self._kept)

    def put(self, record: PatientRecord, revision: str | None) -> None:
        if revision is None or self.capacity == 0:
            return
        with self._lock:
            self._kept[record.patient_id] = _Kept(revision, record)
            self._kept.move_to_end(record.patient_id)
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)
            self._puts += 1
            freeze = self.freeze_every and self._puts % self.freeze_every == 0
        if freeze:
            _freeze()

    def has(self, record: PatientRecord, key: Hashable) -> bool:
        """Whether ``record`` is the kept one and ``key`` is derived from it already."""
        with self._lock:
            kept = self._kept.get(record.patient_id)
            return kept is not None and kept.record is record and key in kept.derived

    def derived(self, record: PatientRecord, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept with ``record`` under ``key`` while ``record`` is the kept one.

        An exception raised by ``compute`` is kept too and raised again: a stay that cannot be
        scored now cannot be scored until its record changes."""
        with self._lock:
            kept = self._kept.get(record.patient_id)
            mine = kept is not None and kept.record is record
            if mine and key in kept.derived:
                value = kept.derived[key]
                if isinstance(value, _Raised):
                    raise value.error.with_traceback(None)
                return value
        try:
            value = compute()
        except Exception as exc:
            if mine:
                with self._lock:
                    kept.derived[key] = _Raised(exc)
            raise
        if mine:
            with self._lock:
                kept.derived[key] = value
        return value

    def __len__(self) -> int:
        return len(self._kept)


@dataclass(frozen=True)
class _Raised:
    error: Exception


def _freeze() -> None:
    """Move every object alive now out of the cyclic collector's reach (``gc.freeze``).

    Kept records are many small objects that live for hours; every full collection walked
    them all while requests waited (pauses of a few hundred ms at 50 concurrent calls).
    Frozen, they are still freed by reference counting when evicted (records hold no
    reference cycles); only cyclic garbage alive at the moment of freezing is never
    collected, a few objects each time, and freezing happens once per ``freeze_every`` puts.
    """
    import gc

    gc.freeze()
