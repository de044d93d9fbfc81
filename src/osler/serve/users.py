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

__all__ = ["Principal", "ROLES", "Users", "add_user"]

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


class Users:
    """The users file, read once."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            rows = data["users"]
            self._by_hash = {str(r["token_sha256"]): Principal(str(r["actor"]), str(r["role"]))
                             for r in rows}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataError(f"users file {self.path}: expected JSON with a 'users' list of "
                            f"actor/role/token_sha256 ({type(exc).__name__})") from exc
        bad = sorted({p.role for p in self._by_hash.values()} - set(ROLES))
        if bad:
            raise DataError(f"users file {self.path}: unknown role(s) {bad}; "
                            f"allowed {sorted(ROLES)}")

    def authenticate(self, token: str) -> Principal | None:
        """The principal holding ``token``, or ``None``."""
        wanted = _digest(token)
        for digest, principal in self._by_hash.items():
            if hmac.compare_digest(digest, wanted):
                return principal
        return None

    def __len__(self) -> int:
        return len(self._by_hash)


def add_user(path: Path, actor: str, role: str) -> str:
    """Add a user to the users file (created owner-only if absent); return the new token.

    The token is not stored and cannot be shown again.
    """
    if role not in ROLES:
        raise DataError(f"role must be one of {sorted(ROLES)}; got {role!r}")
    path = Path(path)
    users = json.loads(path.read_text(encoding="utf-8"))["users"] if path.exists() else []
    if any(u["actor"] == actor for u in users):
        raise DataError(f"users file {path}: actor {actor!r} exists already")
    token = secrets.token_urlsafe(32)
    users.append({"actor": actor, "role": role, "token_sha256": _digest(token)})
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"users": users}, fh, indent=2)
    os.replace(tmp, path)
    return token
