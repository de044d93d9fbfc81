"""Options and helpers shared by CLI modules."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click

from osler.errors import IngestError

__all__ = ["DEFAULT_DB", "EXIT_FAILURE", "EXIT_OK", "EXIT_PARTIAL", "db_option", "exit_status",
           "once", "read_text", "resolve_db", "single_option", "text_lines"]

DEFAULT_DB = "osler.duckdb"

#: Exit codes: everything stored / some records quarantined / nothing usable or a fatal error.
EXIT_OK = 0
EXIT_PARTIAL = 3
EXIT_FAILURE = 2


def exit_status(done: int, skipped: int) -> int:
    """:data:`EXIT_OK` when nothing was skipped, :data:`EXIT_PARTIAL` when some items were
    done and some skipped, :data:`EXIT_FAILURE` when every item was skipped."""
    if not skipped:
        return EXIT_OK
    return EXIT_PARTIAL if done else EXIT_FAILURE


def once(ctx: click.Context, param: click.Parameter, value: tuple):  # noqa: ARG001 - click's
    """Callback of a single-value option declared ``multiple=True`` only to see a repeat:
    click would keep the last of ``--model A --model B`` silently. A repeat is a usage error
    (exit 2) naming the option; one value is returned as is, none as ``None``."""
    if len(value) > 1:
        name = max(param.opts, key=len)
        raise click.UsageError(f"option '{name}' was given {len(value)} times; it takes one "
                               "value: give it once", ctx=ctx)
    return value[0] if value else None


def single_option(*param_decls: str, default=None, **attrs):
    """``click.option`` for an option that takes one value, refused when repeated.

    Click keeps the last of ``--seed 1 --seed 2`` silently, so the option is declared
    ``multiple=True`` only to see a repeat, which :func:`once` refuses (exit 2, naming the
    option and how many times it came); one value, or ``default`` when the option is not
    given, reaches the command as a plain option's would. Help and defaults read as those of
    a plain option."""
    if "multiple" in attrs or "callback" in attrs:
        raise TypeError("single_option sets multiple and callback itself")
    return click.option(*param_decls, multiple=True, callback=once,
                        default=() if default is None else (default,), **attrs)


def resolve_db(db: str | None) -> str:
    """``--db`` wins, then ``OSLER_DB``, then ``osler.duckdb`` in the working directory."""
    return db or os.environ.get("OSLER_DB") or DEFAULT_DB


db_option = single_option(
    "--db", "db", default=None, metavar="URL",
    help="DuckDB file path or postgresql:// URL (default: $OSLER_DB, else ./osler.duckdb).")


def _open_bytes(path: Path):
    """``path`` opened for binary reading, gunzipped when it starts with the gzip magic."""
    import gzip

    fh = path.open("rb")
    if fh.read(2) == b"\x1f\x8b":
        fh.close()
        return gzip.open(path, "rb")
    fh.seek(0)
    return fh


def _not_utf8(path: Path, line: int | None, offset: int) -> IngestError:
    return IngestError(f"not UTF-8 (undecodable byte at byte offset {offset}); re-encode the "
                       "file as UTF-8", file=str(path), line=line)


def read_text(path: Path) -> str:
    """The whole UTF-8 text of ``path`` (gunzipped if gzip); IngestError names file, line and
    byte offset of an undecodable byte and never shows the file's content."""
    try:
        with _open_bytes(path) as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        raise IngestError(f"cannot read ({type(exc).__name__})", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")   # a byte-order mark is not content
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, data.count(b"\n", 0, exc.start) + 1, exc.start) from None


def text_lines(path: Path, keep_ends: bool = False
               ) -> Iterator[tuple[int, str | None, IngestError | None]]:
    """``(line number, text, None)`` per line of ``path`` (gunzipped if gzip), without the line
    end (with it, ``keep_ends``: a quoted table cell may hold a CRLF that must stay one);
    ``(n, None, error)`` for a line that is not UTF-8, so callers can skip it and go on."""
    offset = 0
    try:
        with _open_bytes(path) as fh:
            for n, raw in enumerate(fh, 1):
                try:
                    text = raw.decode("utf-8-sig" if n == 1 else "utf-8")   # BOM: not content
                except UnicodeDecodeError as exc:
                    yield n, None, _not_utf8(path, n, offset + exc.start)
                else:
                    yield n, text if keep_ends else text.rstrip("\r\n"), None
                offset += len(raw)
    except (OSError, EOFError) as exc:
        raise IngestError(f"cannot read ({type(exc).__name__})", file=str(path)) from None
