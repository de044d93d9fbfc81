"""Who may call the service: bearer tokens, each tied to an actor and a role.

The users file is JSON, ``{"users": [{"actor": ..., "role": ..., "token_sha256": ...}]}``. Only
the SHA-256 of each token is kept: a token is 32 random bytes, shown once when it is made, so a
fast hash is enough (a password hash would only slow every request).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from osler.errors import DataError

__all__ = ["Principal", "ROLES", "Users", "add_user", "remove_user"]

#: Roles and what each is for. Patient-level reads are for clinicians (purpose: treatment).
ROLES = {
    "clinician": "patient-level risk and evidence, for treatment",
    "researcher": "model listings only; patient data reaches research de-identified, offline",
    "admin": "model listings and the audit trail; no patient data",
}


@dataclass(frozen=True)
class Principal:
    """An authenticated caller."""

    actor: str
    role: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _read(path: Path) -> list[dict]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["users"]
        if not all({"actor", "role", "token_sha256"} <= set(r) for r in rows):
            raise KeyError("actor/role/token_sha256")
        return rows
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"users file {path}: expected JSON with a 'users' list of "
                        f"actor/role/token_sha256 ({type(exc).__name__})") from None


class Users:
    """The users file, read at start and again whenever it changes on disk, so that a user
    added or removed while the service runs counts from the next request."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._stamp: tuple[int, int] | None = None
        self._load()

    def _load(self) -> None:
        st = self.path.stat() if self.path.exists() else None
        stamp = (st.st_mtime_ns, st.st_size) if st else None
        if stamp == self._stamp and self._stamp is not None:
            return
        rows = _read(self.path)
        by_hash = {str(r["token_sha256"]): Principal(str(r["actor"]), str(r["role"]))
                   for r in rows}
        bad = sorted({p.role for p in by_hash.values()} - set(ROLES))
        if bad:
            raise DataError(f"users file {self.path}: unknown role(s) {bad}; "
                            f"allowed {sorted(ROLES)}")
        self._by_hash, self._stamp = by_hash, stamp

    def authenticate(self, token: str) -> Principal | None:
        """The principal holding ``token``, or ``None``."""
        try:
            self._load()
        except DataError:
            pass      # a file caught mid-edit: keep the users read last
        wanted = _digest(token)
        for digest, principal in self._by_hash.items():
            if hmac.compare_digest(digest, wanted):
                return principal
        return None

    def __len__(self) -> int:
        return len(self._by_hash)


def _write(path: Path, users: list[dict]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"users": users}, fh, indent=2)
    os.replace(tmp, path)


def add_user(path: Path, actor: str, role: str) -> str:
    """Add a user to the users file (created owner-only if absent); return the new token.

    The token is not stored and cannot be shown again.
    """
    if role not in ROLES:
        raise DataError(f"role must be one of {sorted(ROLES)}; got {role!r}")
    actor = actor.strip()
    if not actor or any(c.isspace() for c in actor) or len(actor) > 100:
        raise DataError("actor must be a staff id of 1-100 characters without spaces")
    path = Path(path)
    users = _read(path) if path.exists() else []
    if any(u["actor"] == actor for u in users):
        raise DataError(f"users file {path}: actor {actor!r} exists already")
    token = secrets.token_urlsafe(32)
    users.append({"actor": actor, "role": role, "token_sha256": _digest(token)})
    _write(path, users)
    return token


def remove_user(path: Path, actor: str) -> None:
    """Remove a user (their token stops working at the service's next request)."""
    path = Path(path)
    users = _read(path)
    kept = [u for u in users if u["actor"] != actor.strip()]
    if len(kept) == len(users):
        raise DataError(f"users file {path}: no actor {actor.strip()!r}")
    _write(path, kept)
