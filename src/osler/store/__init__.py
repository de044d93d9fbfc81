"""The patient store: one interface, two backends (DuckDB file by default, PostgreSQL by URL)."""

from __future__ import annotations

from pathlib import Path

from osler.store.base import Store, WriteSummary
from osler.store.schema import SCHEMA_VERSION, TABLES

__all__ = ["SCHEMA_VERSION", "Store", "TABLES", "WriteSummary", "open_store"]


def open_store(url: str | Path, *, read_only: bool = False, batch_rows: int | None = None) -> Store:
    """Open (and migrate) a store.

    Parameters
    ----------
    url : str or Path
        A DuckDB file path (created if absent) or a ``postgresql://`` URL.
    read_only : bool
        Open a DuckDB file without taking the write lock (for ``stats`` and ``show``).
    batch_rows : int, optional
        Rows per write transaction (default :attr:`Store.batch_rows`, or ``$OSLER_BATCH_ROWS``).
    """
    import os
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        from osler.store.postgres_backend import PostgresStore
        store: Store = PostgresStore(text)
    else:
        from osler.store.duckdb_backend import DuckDBStore
        store = DuckDBStore(text, read_only=read_only)
    rows = batch_rows or int(os.environ.get("OSLER_BATCH_ROWS", 0))
    if rows:
        store.batch_rows = rows
    if not read_only:
        try:
            store.migrate()
        except BaseException:
            store.close()  # a refused store must not leak its connection
            raise
    return store
