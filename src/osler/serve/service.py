"""What the web service holds while it runs: the store, the models, the users and the audit.

Every patient-level answer goes through :meth:`Service.patient_for`: it checks the caller's role,
loads the patient, checks the patient's consent for the purpose, and writes one audit entry
whatever the outcome. Patients appear in the audit trail only as keyed pseudonyms.
"""

from __future__ import annotations

import importlib
import threading
from datetime import datetime, timezone
from dataclasses import dataclass
from pathlib import Path

from osler.errors import AccessDenied, ConsentError, DataError
from osler.features import icu_stays
from osler.privacy import AuditLog, DeidKey, load_key, require_consent, write_key
from osler.record import PatientRecord
from osler.serve.cache import PatientCache, raise_or_return
from osler.serve.users import Principal, Users

__all__ = ["NotFound", "SERVED_TASKS", "ServeConfig", "Service"]

#: Tasks the service scores from a stored patient's timeline, and the stays each reads:
#: hourly PhysioNet-2019 grids for sepsis, the first 48 h of a 2012-style stay for mortality.
_SERVED = {"sepsis": ("osler.pipelines._sepsis_stream", "SepsisMonitor", True),
           "icu-mortality": ("osler.pipelines.icu_mortality", "MortalityAssessor", False)}
SERVED_TASKS = tuple(_SERVED)

#: What each action is, in words for error messages.
_ACTIONS = {"patient-risk": "see a patient's risk", "patient-read": "read patient data",
            "models": "list the models", "audit": "check the audit trail"}
#: Who may do what. Patient-level reads are for care (purpose ``treatment``).
_ALLOWED = {
    "patient-risk": {"clinician"},
    "patient-read": {"clinician"},
    "models": {"clinician", "researcher", "admin"},
    "audit": {"admin"},
}


class NotFound(DataError):
    """The patient, stay or record asked for is not in the store."""


@dataclass(frozen=True)
class Ready:
    """A chart answerable from the cache alone (see :meth:`Service.ready`)."""

    record: PatientRecord
    stays: list[PatientRecord]
    named: list[PatientRecord]
    task: str
    assessments: dict

    def assess(self, stay: PatientRecord):
        """The kept assessment of ``stay``, or its kept :class:`DataError` raised."""
        return raise_or_return(self.assessments[_assess_key(self.task, stay)])


def _assess_key(task: str, stay: PatientRecord) -> tuple:
    return ("assess", task, stay.patient_id, stay.events[0].id)


def _named(stays: list[PatientRecord], encounter: str | None) -> list[PatientRecord]:
    if encounter is None:
        return stays
    encounter = encounter.removeprefix("Encounter/")
    return [s for s in stays if encounter in (s.patient_id, s.events[0].id)]


@dataclass
class ServeConfig:
    """How to run the service.

    Parameters
    ----------
    db : str
        The store: a DuckDB file (opened read-only) or a ``postgresql://`` URL.
    models : dict
        Task name -> saved model directory (tasks in :data:`SERVED_TASKS`).
    users : Path
        The users file (:func:`osler.serve.users.add_user` writes it).
    audit : Path
        The audit log (JSON lines, hash-chained), appended to.
    key_file : Path, optional
        The key that turns patient ids into audit pseudonyms; default ``<audit>.key``, created
        owner-only when absent so that pseudonyms stay the same across restarts.
    top_k : int
        Evidence items per assessment.
    cache_patients : int
        Patients whose record and assessments are kept between requests until the store's
        revision of them changes (:mod:`osler.serve.cache`); 0 reads and scores every time.
        Each takes about 0.5-1 MB (a synthetic record of ~500 events: 0.51 MB,
        `benchmarks/serve_cache_memory.py`).
    warm : bool
        At start, read and score every patient with an ICU encounter (as many as the cache
        holds), in the background, so that a chart's first view finds its assessment ready.
    refresh_seconds : float
        How often the kept patients are checked against the store, and those written since
        read and scored again (score on arrival, for PostgreSQL stores fed while serving);
        0 checks only when a chart is viewed.
    freeze_kept : bool
        Keep kept records out of the cyclic garbage collector (``gc.freeze`` every 32 new
        records): a process-wide setting, so ``osler serve``, which owns its process, sets it.
    """

    db: str
    models: dict[str, Path]
    users: Path
    audit: Path
    key_file: Path | None = None
    top_k: int = 3
    cache_patients: int = 500
    warm: bool = False
    refresh_seconds: float = 60.0
    freeze_kept: bool = False


class Service:
    """The running service's state; one per app."""

    def __init__(self, config: ServeConfig) -> None:
        from osler.store import open_store

        unknown = sorted(set(config.models) - set(SERVED_TASKS))
        if unknown:
            raise DataError(f"the service scores stored patients for {list(SERVED_TASKS)} only; "
                            f"got model(s) for {unknown} (use `osler predict` for those)")
        if not config.models:
            raise DataError(f"give at least one model (TASK=DIR) of {list(SERVED_TASKS)}")
        self.config = config
        self.users = Users(config.users)
        self.monitors = {}
        for task, directory in config.models.items():
            module, name, _hourly = _SERVED[task]
            kind = getattr(importlib.import_module(module), name)
            self.monitors[task] = kind(Path(directory), top_k=config.top_k)
        db = str(config.db)
        self.store = open_store(db, read_only=not db.startswith(("postgresql://", "postgres://")))
        try:
            self.audit, self._audit_lock = _open_audit(Path(config.audit), config.key_file)
        except BaseException:
            self.store.close()
            raise
        self._store_lock = threading.Lock()
        self.cache = PatientCache(config.cache_patients,
                                  freeze_every=32 if config.freeze_kept else 0)
        self.started = datetime.now(timezone.utc)

    def close(self) -> None:
        with self._store_lock:
            self.store.close()
        self._audit_lock.close()

    # -- access ---------------------------------------------------------------------------------
    def authenticate(self, token: str | None) -> Principal | None:
        return self.users.authenticate(token) if token else None

    def allow(self, principal: Principal, action: str, *, audit_as: str) -> None:
        """Raise :class:`AccessDenied` (and audit it) unless the role may do ``action``."""
        if principal.role not in _ALLOWED[action]:
            self.audit.record(actor=principal.actor, role=principal.role, action=audit_as,
                              outcome="denied-role")
            raise AccessDenied(f"role {principal.role!r} may not {_ACTIONS[action]}; roles that "
                               f"may: {sorted(_ALLOWED[action])}")

    def patient_for(self, principal: Principal, patient_id: str, *, action: str,
                    purpose: str = "treatment", user: str | None = None,
                    record: PatientRecord | None = None) -> PatientRecord:
        """The stored record of ``patient_id`` for ``principal``, checked and audited.

        ``record``: the current record when the caller has it already (:meth:`ready`).
        Raises :class:`AccessDenied`, :class:`NotFound` or :class:`ConsentError`; each outcome
        is written to the audit trail before it is raised.
        """
        self.allow(principal, "patient-read", audit_as=action)

        def log(outcome: str) -> None:
            self.audit.record(actor=principal.actor, role=principal.role, action=action,
                              patient=patient_id, purpose=purpose, outcome=outcome, user=user)

        try:
            record = record if record is not None else self._record(patient_id)
        except Exception:
            log("error")      # a failed attempt is an access attempt too (the store is down)
            raise
        if record is None:
            log("not-found")
            raise NotFound("no such patient in the store")
        try:
            require_consent(record, purpose)   # the message names no patient, not even a pseudonym
        except ConsentError:
            log("denied-consent")
            raise ConsentError(f"the patient's consent does not permit use for {purpose!r}; "
                               "no assessment was made") from None
        log("allowed")
        return record

    def store_reachable(self) -> bool:
        """Whether the store answers now (a read-only DuckDB file always does)."""
        if self.store.static_revisions:
            return True
        with self._store_lock:
            try:
                self.store.query("SELECT 1")
            except Exception:
                return False
        return True

    def _record(self, patient_id: str) -> PatientRecord | None:
        """The stored record, the kept one while the store's revision of it stands."""
        with self._store_lock:
            record = self.cache.get(patient_id, self.store.revision(patient_id))
            if record is None:
                record, revision = self.store.patient_with_revision(patient_id)
                if record is not None:
                    self.cache.put(record, revision)
        return record

    def ready(self, patient_id: str, task: str, encounter: str | None) -> Ready | None:
        """What answers a chart view with no reading or scoring: the kept record, its stays of
        ``task`` and their kept assessments, taken from the cache at once; ``None`` when any is
        missing or the store's revisions can change (then the store must be asked, which the
        event loop that calls this must not wait for)."""
        if not self.store.static_revisions:
            return None
        record = self.cache.get(patient_id, self.store.revision(patient_id), count=False)
        if record is None:
            return None
        kept = self.cache.derived_now(record, [("stays", task)])
        if kept is None:
            return None
        stays = kept[("stays", task)]
        named = _named(stays, encounter)
        # an encounter Osler does not know falls back to the only stay: that one must be ready
        keys = [_assess_key(task, s) for s in named or stays]
        assessments = self.cache.derived_now(record, keys)
        if assessments is None:
            return None
        self.cache.count_hit()
        return Ready(record, stays, named, task, assessments)

    def stays(self, record: PatientRecord, encounter: str | None, task: str
              ) -> tuple[list[PatientRecord], list[PatientRecord]]:
        """The patient's ICU stays of the kind ``task`` reads (hourly PhysioNet-2019 grids for
        sepsis, 2012-style stays for mortality), kept with the record, and those ``encounter``
        names (its stay id or Osler's encounter id; every stay when ``None``)."""
        stays = self.cache.derived(record, ("stays", task), lambda: icu_stays(
            record, hourly=_SERVED[task][2]))
        return stays, _named(stays, encounter)

    def assess(self, task: str, record: PatientRecord, stay: PatientRecord):
        """The task's assessment of ``stay`` (one of ``record``'s), kept with the record;
        :class:`DataError` when the stay holds no measured value yet."""
        return self.cache.derived(record, _assess_key(task, stay),
                                  lambda: self.monitors[task].assess(stay))

    # -- score on arrival ------------------------------------------------------------------------
    def warm_ids(self) -> list[str]:
        """The patients :attr:`ServeConfig.warm` scores at start."""
        with self._store_lock:
            ids = self.store.patient_ids(encounter_class="ICU")
        return ids[:self.config.cache_patients]

    def keep_current(self, patient_ids: list[str] | None = None,
                     stop: threading.Event | None = None) -> int:
        """Read and score again each patient (default: every kept one) whose stored record is
        not the kept one, so that the next view of the chart finds its assessment ready; stop
        early when ``stop`` is set. Patients whose consent does not permit treatment use are
        not scored. Nothing is audited: no one is shown anything. Returns how many were
        scored."""
        done = 0
        for pid in self.cache.patient_ids() if patient_ids is None else patient_ids:
            if stop is not None and stop.is_set():
                break
            with self._store_lock:
                revision = self.store.revision(pid)
            if revision is None or self.cache.capacity == 0 or self.cache.current(pid, revision):
                continue      # the store cannot tell (nothing is kept), or nothing changed
            record = self._record(pid)
            if record is None:
                continue
            try:
                require_consent(record, "treatment")
            except ConsentError:
                continue
            for task in self.monitors:
                stays, _ = self.stays(record, None, task)
                for stay in stays:
                    try:
                        self.assess(task, record, stay)
                    except DataError:
                        pass      # a stay without a measured value yet: kept as such
            done += 1
        return done

    def patient_of_event(self, event_id: str) -> str | None:
        with self._store_lock:
            return self.store.patient_of_event(event_id)


def _open_audit(audit: Path, key_file: Path | None) -> tuple[AuditLog, object]:
    """The audit log under its key, verified, with the one-writer lock held.

    A new key is made only for a new log: a log written under a key that is not at hand can
    never verify again, so that is refused with the reason rather than read as tampering.
    """
    if not audit.parent.is_dir():
        raise DataError(f"audit log folder {audit.parent} does not exist")
    key_file = Path(key_file or Path(str(audit) + ".key"))
    has_entries = audit.exists() and audit.stat().st_size > 0
    if key_file.exists():
        key: DeidKey = load_key(key_file)
    elif has_entries:
        raise DataError(f"audit log {audit} has entries but its key file {key_file} is missing; "
                        "give the key it was written under (--key-file)")
    else:
        key = write_key(key_file)
    lock = _own(Path(str(audit) + ".lock"))
    log = AuditLog(audit, key)
    try:
        log.verify()       # a broken chain is found now, not by the first caller
    except DataError:
        lock.close()
        raise
    return log, lock


def _own(lock_path: Path):
    """Hold an exclusive lock beside the audit log while the service runs: the chain's head is
    kept in memory, so a second writer would fork it."""
    import fcntl

    fh = lock_path.open("a")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise DataError(f"audit log lock {lock_path} is held by another process: one service "
                        "per audit log") from None
    return fh
