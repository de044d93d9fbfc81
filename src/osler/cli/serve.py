"""``osler serve`` (the web service) and ``osler users add`` (its bearer tokens)."""

from __future__ import annotations

from pathlib import Path

import click

from osler.cli._common import db_option, resolve_db, single_option
from osler.serve.users import ROLES

__all__ = ["serve", "users"]


def _model_pairs(values: tuple[str, ...]) -> dict[str, Path]:
    out = {}
    for value in values:
        task, sep, directory = value.partition("=")
        if not sep or not task or not directory:
            raise click.BadParameter(f"expected TASK=DIR, got {value!r}", param_hint="--model")
        out[task] = Path(directory)
    return out


@click.command()
@db_option
@click.option("--model", "models", multiple=True, required=True, metavar="TASK=DIR",
              help="A saved model to serve, e.g. sepsis=models/sepsis (repeatable).")
@single_option("--users", "users_file", required=True, type=click.Path(exists=True, dir_okay=False),
               help="Users file with hashed bearer tokens (`osler users add` writes it).")
@single_option("--audit", "audit_file", default="osler-audit.jsonl", show_default=True,
               type=click.Path(dir_okay=False), help="Hash-chained audit log, appended to.")
@single_option("--key-file", type=click.Path(dir_okay=False),
               help="Key for patient pseudonyms in the audit log (default: AUDIT.key, created "
                    "owner-only if absent).")
@single_option("--cache-patients", default=500, show_default=True, type=click.IntRange(min=0),
               help="Patients whose record and assessments are kept in memory until the store "
                    "holds a newer version of them, about 0.5-1 MB each (a record of ~500 "
                    "events took 0.51 MB); 0: read and score on every request.")
@click.option("--warm", is_flag=True,
              help="At start, score every patient with an ICU encounter in the background (as "
                   "many as --cache-patients), so that first views find their risk ready.")
@single_option("--refresh-seconds", default=60.0, show_default=True,
               type=click.FloatRange(min=0),
               help="How often kept patients are checked against the store and those written "
                    "since are scored again (0: only when viewed).")
@single_option("--host", default="127.0.0.1", show_default=True)
@single_option("--port", default=8000, show_default=True)
def serve(db: str | None, models: tuple[str, ...], users_file: str, audit_file: str,
          key_file: str | None, cache_patients: int, warm: bool, refresh_seconds: float,
          host: str, port: int) -> None:
    """Serve CDS Hooks and the FHIR-shaped API over the store (needs the serve extra).

    With a DuckDB store the service opens it read-only; for ingest while serving use
    PostgreSQL. A patient's record and assessments are kept between requests while the store's
    version of the patient stands (a read-only DuckDB file cannot change; PostgreSQL marks each
    write), so a repeat view costs a lookup. URLs can carry patient ids, so no access log is written: the audit log records
    every patient-level request with a keyed pseudonym instead.
    """
    from osler._extras import require

    uvicorn = require("uvicorn", "serve")
    require("fastapi", "serve")
    from osler.serve import ServeConfig, create_app

    config = ServeConfig(db=resolve_db(db), models=_model_pairs(models), users=Path(users_file),
                         audit=Path(audit_file), key_file=Path(key_file) if key_file else None,
                         cache_patients=cache_patients, warm=warm,
                         refresh_seconds=refresh_seconds, freeze_kept=True)
    app = create_app(config)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host} over plain HTTP: bearer tokens and patient data "
                   "cross the network unencrypted; put a TLS proxy in front", err=True)
    click.echo(f"Osler serving {sorted(config.models)} on http://{host}:{port} "
               f"(CDS Hooks: /cds-services, FHIR: /fhir/metadata)", err=True)
    _quiet_collector()
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


def _quiet_collector() -> None:
    """Keep the cyclic garbage collector off the request path as far as is safe.

    Everything loaded at start (models, libraries) lives as long as the process: frozen, full
    collections no longer walk it. A larger first generation makes collections rarer. Measured
    with ``benchmarks/serve_cds.py`` (docs/benchmarks.md): without this, collections took about
    a fifth of the service's time at 50 concurrent calls.
    """
    import gc

    from osler.serve.cache import freeze_heap

    freeze_heap()
    gc.set_threshold(20_000, 20, 20)


@click.group()
def users() -> None:
    """Manage the service's users (bearer tokens with a role)."""


@users.command("add")
@single_option("--users", "users_file", default="osler-users.json", show_default=True,
               type=click.Path(dir_okay=False))
@single_option("--actor", required=True, help="Who holds the token (a staff id, not a patient).")
@single_option("--role", required=True, type=click.Choice(list(ROLES)))
def add(users_file: str, actor: str, role: str) -> None:
    """Add a user and print their new token once (only its hash is stored)."""
    from osler.serve.users import add_user

    token = add_user(Path(users_file), actor, role)
    click.echo(token)
    click.echo(f"added {actor.strip()} ({role}) to {users_file}; the token above is shown only "
               "now", err=True)


@users.command("remove")
@single_option("--users", "users_file", default="osler-users.json", show_default=True,
               type=click.Path(dir_okay=False, exists=True))
@single_option("--actor", required=True)
def remove(users_file: str, actor: str) -> None:
    """Remove a user; a running service refuses their token from its next request."""
    from osler.serve.users import remove_user

    remove_user(Path(users_file), actor)
    click.echo(f"removed {actor.strip()} from {users_file}", err=True)
