"""``osler show PATIENT_ID``: one patient's timeline in the terminal."""

from __future__ import annotations

import click

from osler.cli._common import db_option, resolve_db, single_option

__all__ = ["show"]


@click.command()
@click.argument("patient_id")
@db_option
@single_option("--limit", default=200, show_default=True, help="Events to show (0: all).")
def show(patient_id: str, db: str | None, limit: int) -> None:
    """Show PATIENT_ID's timeline: when, kind, code, value and source of every event."""
    from rich.console import Console

    from osler.cli._render import timeline
    from osler.errors import OslerError
    from osler.store import open_store

    with open_store(resolve_db(db)) as store:
        record = store.patient(patient_id)
    if record is None:
        raise OslerError(f"no patient with id {patient_id!r} in the store")
    console = Console()
    if not console.is_terminal:  # piped: do not wrap rows at 80 columns
        console = Console(width=160)
    timeline(console, record, limit or None)
