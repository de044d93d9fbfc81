"""Lazy imports of optional dependencies, with the exact install line when one is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from osler.errors import MissingExtra

__all__ = ["require"]


def require(module: str, extra: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtra` naming the extra that provides it.

    >>> require("json", "core").dumps([1])
    '[1]'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtra(
            f"'{module}' is needed for this and is not installed; "
            f"install it with: pip install 'osler[{extra}]'"
        ) from exc
