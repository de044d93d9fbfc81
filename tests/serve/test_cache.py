"""The service's patient cache: bounded, keyed by the store's revision, derived values kept."""

from __future__ import annotations

import pytest

from osler.errors import DataError
from osler.record import PatientRecord, Provenance
from osler.serve.cache import PatientCache


def _rec(pid: str) -> PatientRecord:
    return PatientRecord(patient_id=pid, provenance=Provenance("unit"))


def test_a_record_is_kept_only_under_its_revision_and_the_oldest_goes_first():
    cache = PatientCache(2)
    a, b, c = _rec("a"), _rec("b"), _rec("c")
    cache.put(a, "1")
    cache.put(b, "1")
    assert cache.get("a", "1") is a            # a is now the most recent
    assert cache.get("a", "2") is None         # a newer revision: reload
    assert cache.get("a", None) is None        # a store that cannot tell: never kept
    cache.put(c, "1")                          # over capacity: b, the least recent, goes
    assert cache.get("b", "1") is None and cache.get("c", "1") is c and len(cache) == 2
    cache.put(_rec("d"), None)
    assert cache.get("d", None) is None and len(cache) == 2
    assert PatientCache(0).get("a", "1") is None


def test_derived_values_and_errors_live_and_die_with_their_record():
    cache = PatientCache(4)
    a = _rec("a")
    cache.put(a, "1")
    calls = []
    assert cache.derived(a, "k", lambda: calls.append(1) or 42) == 42
    assert cache.derived(a, "k", lambda: calls.append(1) or 0) == 42 and len(calls) == 1

    def fails():
        calls.append(1)
        raise DataError("no measured value yet")

    for _ in range(2):
        with pytest.raises(DataError, match="no measured value"):
            cache.derived(a, "e", fails)
    assert len(calls) == 2                     # the error was kept, not computed again
    newer = _rec("a")
    cache.put(newer, "2")                      # a new revision starts with nothing derived
    assert cache.derived(newer, "k", lambda: 7) == 7
    assert cache.derived(a, "k", lambda: 8) == 8   # a record no longer kept: computed, not kept
    with pytest.raises(ValueError):
        PatientCache(-1)


def test_kept_records_are_frozen_out_of_the_collector_every_n_puts():
    import gc

    gc.unfreeze()
    try:
        cache = PatientCache(10, freeze_every=3)
        for i in range(2):
            cache.put(_rec(f"p{i}"), "1")
        assert gc.get_freeze_count() == 0
        cache.put(_rec("p2"), "1")                 # the third put freezes
        assert gc.get_freeze_count() > 0
        assert not PatientCache(10).freeze_every   # off unless asked (a process-wide act)
    finally:
        gc.unfreeze()


def test_a_kept_error_is_a_fresh_copy_without_the_frame_that_raised_it():
    import gc

    cache = PatientCache(4)
    a = _rec("a")
    cache.put(a, "1")

    def fails():
        raise DataError("no measured value yet")

    raised = []
    for _ in range(2):
        try:
            cache.derived(a, "e", fails)
        except DataError as exc:
            raised.append(exc)
    assert raised[0] is not raised[1] and str(raised[0]) == str(raised[1])
    kept = cache.derived_now(a, ["e"])["e"]
    assert kept.error.__traceback__ is None          # nothing ties the entry to a frame
    calls = []

    def other():
        calls.append(1)
        raise KeyError("a bug, not a data condition")

    for _ in range(2):                                 # other errors are never kept
        with pytest.raises(KeyError):
            cache.derived(a, "k", other)
    assert len(calls) == 2
