"""Small path helpers shared by layers that may not import each other (the CLI's output
checks and the evaluation card's), kept free of heavy imports."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["same_file"]


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file: one path once links are resolved, or, both
    there, one file under two names (a hard link, a bind mount), as ``os.path.samefile``
    tells; a path compared resolved would miss those. A path that cannot be looked at (a
    loop of links, a folder that cannot be read) names no file of the other: False."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return False
