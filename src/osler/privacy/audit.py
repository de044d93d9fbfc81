"""A tamper-evident audit trail: one JSON line per access, each chained to the one before.

Each entry stores the SHA-256 of the previous entry, so editing or deleting a line breaks
:meth:`AuditLog.verify`. Patients appear only as keyed pseudonyms.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from osler.errors import DataError
from osler.privacy.keys import DeidKey

__all__ = ["AuditLog"]

_GENESIS = "0" * 64


def _digest(entry: dict[str, object]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


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
               purpose: str | None = None, outcome: str = "allowed") -> dict[str, object]:
        """Append one entry and return it.

        Safe from several threads of one process; the chain head is read from the file once and
        then kept, so one process should own the file while it writes.
        """
        with self._lock:
            entry: dict[str, object] = {
                "time": datetime.now(timezone.utc).isoformat(), "actor": actor, "role": role,
                "action": action, "purpose": purpose, "outcome": outcome,
                "patient": self.key.pseudonym(patient) if patient else None,
                "prev": self._prev if self._prev is not None else self._last_hash()}
            entry["hash"] = _digest(entry)
            with Path(self.path).open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry, sort_keys=True) + "\n")
            self._prev = str(entry["hash"])
            return entry

    def entries(self) -> list[dict[str, object]]:
        """All entries, oldest first."""
        if not Path(self.path).exists():
            return []
        lines = Path(self.path).read_text(encoding="utf-8").splitlines()
        try:
            return [json.loads(ln) for ln in lines if ln.strip()]
        except ValueError as exc:
            raise DataError(f"audit log {self.path}: a line is not JSON") from exc

    def verify(self) -> int:
        """Check the chain; return the number of entries or raise :class:`DataError` naming
        the first broken line."""
        prev = _GENESIS
        entries = self.entries()
        for n, entry in enumerate(entries, 1):
            if entry.get("prev") != prev or entry.get("hash") != _digest(entry):
                raise DataError(f"audit log {self.path}: line {n} was altered or a line "
                                "before it was removed")
            prev = str(entry["hash"])
        return len(entries)

    def _last_hash(self) -> str:
        entries = self.entries()
        return str(entries[-1]["hash"]) if entries else _GENESIS
