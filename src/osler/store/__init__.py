"""The patient store: one interface, two backends (DuckDB file by default, PostgreSQL by URL)."""

from __future__ import annotations

from pathlib import Path

from osler.store.base import Store, WriteSummary
from osler.store.schema import SCHEMA_VERSION, TABLES

__all__ = ["SCHEMA_VERSION", "TABLES", "Store", "WriteSummary", "open_store"]


def open_store(url: str | Path, *, read_only: bool = False) -> Store:
    """Open (and migrate) a store.

    Parameters
    ----------
    url : str or Path
        A DuckDB file path (created if absent) or a ``postgresql://`` URL.
    read_only : bool
        Open a DuckDB file without taking the write lock (for ``stats`` and ``show``).
    """
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        from osler.store.postgres_backend import PostgresStore
        store: Store = PostgresStore(text)
    else:
        from osler.store.duckdb_backend import DuckDBStore
        store = DuckDBStore(text, read_only=read_only)
        if read_only:
            return store
    store.migrate()
    return store
