"""Clinical knowledge kept as versioned data files (TSV/JSON), each citing its source.

``load_tsv`` and ``load_json`` reject unknown columns or keys and name them, so a typo in a
rule file fails loudly instead of silently dropping a rule.
"""

from __future__ import annotations

import csv
import json
from importlib import resources as _res
from pathlib import Path
from typing import Any

from osler.errors import OslerError

__all__ = ["load_json", "load_tsv", "path"]


def path(name: str) -> Path:
    """Filesystem path of a bundled resource file, e.g. ``path('physionet2019_variables.tsv')``."""
    return Path(str(_res.files("osler.resources").joinpath(name)))


def load_tsv(name: str, columns: set[str] | None = None) -> list[dict[str, str]]:
    """Rows of a bundled TSV. Lines starting with ``#`` are comments (sources, versions).

    Raises :class:`OslerError` naming unknown or missing columns when ``columns`` is given.
    """
    with path(name).open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#") and ln.strip()]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    if columns is not None and lines:
        header = set(lines[0].rstrip("\n").split("\t"))
        if header != columns:
            raise OslerError(
                f"resource {name}: columns must be {sorted(columns)}; got {sorted(header)} "
                f"(unknown: {sorted(header - columns)}, missing: {sorted(columns - header)})"
            )
    return rows


def load_json(name: str, keys: set[str] | None = None) -> Any:
    """A bundled JSON resource; with ``keys``, reject unknown top-level keys by name."""
    data = json.loads(path(name).read_text(encoding="utf-8"))
    if keys is not None and isinstance(data, dict):
        unknown = set(data) - keys
        if unknown:
            raise OslerError(f"resource {name}: unknown keys {sorted(unknown)}; allowed {sorted(keys)}")
    return data
