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

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from osler.errors import DataError
from osler.record import PatientRecord

__all__ = ["PatientCache", "freeze_heap", "raise_or_return"]


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
            freeze_heap(0)   # the youngest garbage only: cheap, and little of it is pinned

    def derived_now(self, record: PatientRecord, keys: list[Hashable]) -> dict | None:
        """The values of ``keys`` derived from ``record`` if it is the kept one and all are
        there (taken at once, so a later put cannot swap the record between them), else
        ``None``; an error kept for a key is its value (see :func:`raise_or_return`)."""
        with self._lock:
            kept = self._kept.get(record.patient_id)
            if kept is None or kept.record is not record or \
                    any(k not in kept.derived for k in keys):
                return None
            return {k: kept.derived[k] for k in keys}

    def derived(self, record: PatientRecord, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept with ``record`` under ``key`` while ``record`` is the kept one.

        A :class:`DataError` raised by ``compute`` is kept too and raised again (a copy each
        time): a stay that cannot be scored now cannot be scored until its record changes."""
        with self._lock:
            kept = self._kept.get(record.patient_id)
            mine = kept is not None and kept.record is record
            if mine and key in kept.derived:
                return _value(kept.derived[key])
        try:
            value = compute()
        except DataError as exc:
            if mine:   # a copy: the raised one holds its traceback, and so this frame
                with self._lock:
                    kept.derived[key] = _Raised(copy.copy(exc))
            raise
        if mine:
            with self._lock:
                kept.derived[key] = value
        return value

    def __len__(self) -> int:
        return len(self._kept)


@dataclass(frozen=True)
class _Raised:
    error: DataError


def raise_or_return(value: Any) -> Any:
    """A kept value, or its kept error raised (a fresh copy: threads may raise it at once)."""
    return _value(value)


def _value(value: Any) -> Any:
    if isinstance(value, _Raised):
        raise copy.copy(value.error)
    return value


def freeze_heap(generation: int = 2) -> None:
    """Collect ``generation`` (0: the youngest, cheap; 2: everything) and move every object
    still alive out of the cyclic collector's reach (``gc.freeze``).

    Kept records are many small objects that live for hours; every full collection walked
    them all while requests waited (pauses of a few hundred ms at 50 concurrent calls).
    Frozen, they are still freed by reference counting when evicted (records and what is
    derived from them hold no reference cycles: a kept error is a copy without its
    traceback); only cyclic garbage the collection left at the moment of freezing is never
    collected. Used at start (``osler serve``), when warming ends, and every
    ``freeze_every`` puts.
    """
    import gc

    gc.collect(generation)
    gc.freeze()
