"""The web service (FastAPI): CDS Hooks, a FHIR-shaped API, access control, consent and audit.

Needs the ``serve`` extra, imported on first use of an attribute here, so that ``osler users``
works without it. Nothing in Osler imports this package; it sits on top of every layer.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Principal", "ROLES", "SERVED_TASKS", "ServeConfig", "Service", "Users", "add_user",
           "create_app"]

_WHERE = {"create_app": "app", "SERVED_TASKS": "service", "ServeConfig": "service",
          "Service": "service", "ROLES": "users", "Principal": "users", "Users": "users",
          "add_user": "users"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'osler.serve' has no attribute {name!r}")
    return getattr(importlib.import_module(f"osler.serve.{_WHERE[name]}"), name)
