"""``osler stats``: counts by table and event kind."""

from __future__ import annotations

import json

import click

from osler.cli._common import db_option, resolve_db

__all__ = ["stats"]


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object: patients, a count per event kind, labels, quarantined, tables.")
@click.option("--quarantine", is_flag=True, help="Also list quarantined inputs with reasons.")
def stats(db: str | None, as_json: bool, quarantine: bool) -> None:
    """Count patients, events by kind, labels and quarantined inputs in the store."""
    from osler.store import open_store

    with open_store(resolve_db(db)) as store:
        counts = store.stats()
        rows = store.quarantined() if quarantine else []
    if as_json:
        if quarantine:
            counts["quarantine"] = rows
        click.echo(json.dumps(counts, indent=2))
        return
    from rich.console import Console
    from osler.cli._render import stats_table
    console = Console()
    stats_table(console, counts)
    for r in rows:
        where = ", ".join(str(x) for x in (r["source_file"], r["record"], r["line"]) if x)
        console.print(f"  - {where}: {r['reason']}", markup=False, highlight=False)
