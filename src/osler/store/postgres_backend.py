"""PostgreSQL, for a store that many users share. Selected by a ``postgresql://`` URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from osler._extras import require
from osler.errors import StoreError
from osler.record import PatientRecord
from osler.store.base import Store
from osler.store.schema import Table

__all__ = ["PostgresStore"]


class PostgresStore(Store):
    dialect = "postgres"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._con = self._connect()
        self._txn = None

    def _connect(self):
        psycopg = require("psycopg", "postgres")
        url = self.url
        try:
            con = psycopg.connect(url, autocommit=True)
            con.execute("SET TIME ZONE 'UTC'")
        except psycopg.Error as exc:
            # the URL may hold a password: name only the host part
            raise StoreError(f"cannot connect to PostgreSQL at {url.split('@')[-1]}: "
                             f"{type(exc).__name__}") from exc
        return con

    def _read(self, read):
        """``read()``, once more on a new connection if the server dropped this one (a
        restart, a failover, an idle timeout). Only reads outside a transaction are retried:
        a write may have happened before the connection went."""
        import psycopg

        try:
            return read()
        except psycopg.OperationalError:
            if self._txn is not None or not (self._con.closed or self._con.broken):
                raise
        self._con = self._connect()
        return read()

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def _execute(self, sql: str, params: tuple = ()) -> None:
        self._con.execute(self._sql(sql), params)

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self._read(lambda: self._con.execute(self._sql(sql), params).fetchall())

    def _query_dicts(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        from psycopg.rows import dict_row

        def read() -> list[dict[str, Any]]:
            with self._con.cursor(row_factory=dict_row) as cur:
                cur.execute(self._sql(sql), params)
                return list(cur.fetchall())
        return self._read(read)

    def _replace_rows(self, table: Table, rows: list[tuple]) -> set[str]:
        if not rows:
            return set()
        cols = ", ".join(table.column_names)
        tmp = f"staged_{table.name}"
        with self._con.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {tmp} "
                        f"(LIKE {table.name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
            with cur.copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            owner = "t.person_id" if "person_id" in table.column_names else "NULL"
            cur.execute(f"WITH gone AS (DELETE FROM {table.name} t USING {tmp} s "
                        f"WHERE t.{table.key} = s.{table.key} RETURNING {owner} AS pid) "
                        "SELECT DISTINCT pid FROM gone")
            replaced = {r[0] for r in cur.fetchall() if r[0] is not None}
            cur.execute(f"INSERT INTO {table.name} ({cols}) SELECT {cols} FROM {tmp}")
            cur.execute(f"TRUNCATE {tmp}")
            return replaced

    def revision(self, patient_id: str) -> str | None:
        # A write deletes and inserts the person row, so its row version (xmin, the id of the
        # writing transaction) changes with every write of the patient.
        rows = self._query("SELECT xmin::text FROM person WHERE person_id = ?", (patient_id,))
        return rows[0][0] if rows else None

    def patient_with_revision(self, patient_id: str) -> tuple[PatientRecord | None, str | None]:
        """Both from one snapshot: a patient written meanwhile is read whole, before or after."""
        if self._txn is not None:
            return super().patient_with_revision(patient_id)

        def read() -> tuple[PatientRecord | None, str | None]:
            with self._con.transaction() as txn:
                self._txn = txn     # the queries inside are not retried one by one
                try:
                    self._con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, "
                                      "READ ONLY")
                    revision = self.revision(patient_id)
                    return self.patient(patient_id), revision
                finally:
                    self._txn = None
        return self._read(read)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._txn is not None:
            yield
            return
        with self._con.transaction() as txn:
            self._txn = txn
            try:
                yield
            finally:
                self._txn = None

    def close(self) -> None:
        self._con.close()
