"""The embedded default: one DuckDB file, no server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from osler.errors import StoreError
from osler.store.base import Store
from osler.store.schema import Table

__all__ = ["DuckDBStore"]

_ARROW = {"text": pa.string(), "json": pa.string(), "int": pa.int64(), "float": pa.float64(),
          "bool": pa.bool_(), "timestamptz": pa.timestamp("us", tz="UTC"), "date": pa.date32()}


class DuckDBStore(Store):
    dialect = "duckdb"

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        super().__init__(str(path))
        if not read_only and str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open DuckDB store {path}: {exc}") from exc
        self._con.execute("SET TimeZone = 'UTC'")
        self._in_txn = False
        self.static_revisions = read_only

    def revision(self, patient_id: str) -> str | None:
        # Read-only, the file cannot change while it is open: DuckDB lets no other process
        # write it then. Writable, this connection could change it at any moment.
        return "read-only" if self.static_revisions else None

    def _execute(self, sql: str, params: tuple = ()) -> None:
        self._con.execute(sql, params)

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._con.execute(sql, params).fetchall()

    def _query_dicts(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        cur = self._con.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def _replace_rows(self, table: Table, rows: list[tuple]) -> set[str]:
        if not rows:
            return set()
        columns = list(zip(*rows))
        staged = pa.table({name: pa.array(col, type=_ARROW[typ])
                           for (name, typ), col in zip(table.columns, columns)})
        self._con.register("osler_staged", staged)
        try:
            owner = "person_id" if "person_id" in table.column_names else "NULL"
            replaced = self._con.execute(f"DELETE FROM {table.name} WHERE {table.key} IN "
                                         f"(SELECT {table.key} FROM osler_staged) "
                                         f"RETURNING {owner}").fetchall()
            self._con.execute(f"INSERT INTO {table.name} SELECT * FROM osler_staged")
            return {r[0] for r in replaced if r[0] is not None}
        finally:
            self._con.unregister("osler_staged")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_txn:  # nested: the outer transaction decides
            yield
            return
        self._con.execute("BEGIN TRANSACTION")
        self._in_txn = True
        try:
            yield
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        else:
            self._con.execute("COMMIT")
        finally:
            self._in_txn = False

    def close(self) -> None:
        self._con.close()
