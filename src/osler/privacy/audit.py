"""A tamper-evident audit trail: one JSON line per access, each chained to the one before.

Each entry stores a keyed hash (HMAC-SHA256 under the log's key) of itself and the hash of the
entry before it, so editing, inserting or deleting a line breaks :meth:`AuditLog.verify`, and
without the key nobody can write a chain that verifies. Cutting lines off the end leaves a
shorter valid chain: compare the count with one kept elsewhere to catch that. Patients appear
only as keyed pseudonyms; keep the key file away from the log.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from osler.errors import DataError
from osler.privacy.keys import DeidKey

__all__ = ["AuditLog"]

_GENESIS = "0" * 64


def _digest(entry: dict[str, object], key: DeidKey) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return key.digest("audit-chain", json.dumps(body, sort_keys=True)).hex()


@dataclass
class AuditLog:
    """Append-only audit log in a JSON Lines file.

    Parameters
    ----------
    path : Path
        The log file (created on first write).
    key : DeidKey
        Turns patient ids into the pseudonyms that the log stores.
    """

    path: Path
    key: DeidKey
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _prev: str | None = field(default=None, init=False, repr=False)

    def record(self, *, actor: str, role: str, action: str, patient: str | None = None,
               purpose: str | None = None, outcome: str = "allowed", user: str | None = None,
               ref: str | None = None) -> dict[str, object]:
        """Append one entry and return it.

        ``user`` is the person the actor acts for, when they differ (an EHR calling for a
        clinician: CDS Hooks' ``userId``); ``ref`` names what the entry is about (a card id).

        Safe from several threads of one process; the chain head is read from the file once and
        then kept, so one process should own the file while it writes.
        """
        with self._lock:
            entry: dict[str, object] = {
                "time": datetime.now(timezone.utc).isoformat(), "actor": actor, "role": role,
                "action": action, "purpose": purpose, "outcome": outcome,
                "patient": self.key.pseudonym(patient) if patient else None,
                "prev": self._prev if self._prev is not None else self._last_hash()}
            entry.update({k: v for k, v in (("user", user), ("ref", ref)) if v is not None})
            entry["hash"] = _digest(entry, self.key)
            with Path(self.path).open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, sort_keys=True) + "\n")
            self._prev = str(entry["hash"])
            return entry

    def entries(self) -> list[dict[str, object]]:
        """All entries, oldest first."""
        if not Path(self.path).exists():
            return []
        lines = Path(self.path).read_text(encoding="utf-8").splitlines()
        out = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except ValueError:
                last = n == len(lines)
                raise DataError(f"audit log {self.path}: line {n} is not JSON" + (
                    " (the last line: a write cut off? keep a copy of the log, then remove "
                    "that line)" if last else "")) from None
        return out

    def verify(self) -> int:
        """Check the chain; return the number of entries or raise :class:`DataError` naming
        the first broken line."""
        prev = _GENESIS
        entries = self.entries()
        for n, entry in enumerate(entries, 1):
            if entry.get("prev") != prev or entry.get("hash") != _digest(entry, self.key):
                if n == 1 and entry.get("prev") == _GENESIS:
                    raise DataError(f"audit log {self.path}: line 1 does not verify under this "
                                    "key: the key is not the one the log was written under, "
                                    "or line 1 was altered")
                raise DataError(f"audit log {self.path}: line {n} was altered or a line "
                                "before it was removed")
            prev = str(entry["hash"])
        return len(entries)

    def _last_hash(self) -> str:
        entries = self.entries()
        return str(entries[-1]["hash"]) if entries else _GENESIS
