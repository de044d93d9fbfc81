"""Options and helpers shared by CLI modules."""

from __future__ import annotations

import os

import click

__all__ = ["DEFAULT_DB", "EXIT_FAILURE", "EXIT_OK", "EXIT_PARTIAL", "db_option", "resolve_db"]

DEFAULT_DB = "osler.duckdb"

#: Exit codes: everything stored / some records quarantined / nothing usable or a fatal error.
EXIT_OK = 0
EXIT_PARTIAL = 3
EXIT_FAILURE = 2


def resolve_db(db: str | None) -> str:
    """``--db`` wins, then ``OSLER_DB``, then ``osler.duckdb`` in the working directory."""
    return db or os.environ.get("OSLER_DB") or DEFAULT_DB


db_option = click.option(
    "--db", "db", default=None, metavar="URL",
    help="DuckDB file path or postgresql:// URL (default: $OSLER_DB, else ./osler.duckdb).")
