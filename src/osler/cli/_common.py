"""Options and helpers shared by CLI modules."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import click

from osler._paths import same_file
from osler.errors import DataError, IngestError

__all__ = ["DEFAULT_DB", "EXIT_FAILURE", "EXIT_OK", "EXIT_PARTIAL", "db_option",
           "exit_status", "once", "output_file", "read_bytes", "read_text", "refuse_inside_inputs",
           "refuse_overwrite", "resolve_db", "same_file", "single_option", "text_lines",
           "writable_folder"]

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


def read_bytes(path: Path) -> bytes:
    """The whole content of ``path`` (gunzipped if gzip); IngestError names the file when it
    cannot be read."""
    try:
        with _open_bytes(path) as fh:
            return fh.read()
    except (OSError, EOFError) as exc:
        raise IngestError(f"cannot read ({type(exc).__name__})", file=str(path)) from None


def read_text(path: Path) -> str:
    """The whole UTF-8 text of ``path`` (gunzipped if gzip); IngestError names file, line and
    byte offset of an undecodable byte and never shows the file's content."""
    data = read_bytes(path)
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


def refuse_inside_inputs(path: str | Path, option: str,
                         inputs: Mapping[str, Iterable[str | Path]]) -> None:
    """Refuse (:class:`~osler.errors.DataError`, exit 2) an output ``path`` that is one of
    ``inputs`` (option name -> the paths given to it) or lies inside one of them (a file in an
    input folder, at any depth, through a link or a bind mount too): it would overwrite an
    input, or be read as one on the next run. The message names the option, both paths and
    the reason, never the content."""
    target = Path(path)
    # the folders above the output that exist: the nearest one decides where it will be
    above = [a for a in target.absolute().parents if a.exists()]
    for name, given in inputs.items():
        for source in map(Path, given):
            if same_file(target, source):
                raise DataError(f"{option} {path}: is the {name} input {source}, which the "
                                "output would overwrite; write it elsewhere")
            if any(same_file(folder, source) for folder in above) or \
                    _resolved(source) in _resolved(target).parents:
                kind = "folder" if source.is_dir() else "file"
                raise DataError(f"{option} {path}: lies inside the {name} input {kind} "
                                f"{source}, whose files it could overwrite or be read with; "
                                "write it elsewhere")


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):   # a loop of links
        return path.absolute()


def refuse_overwrite(out: Path, option: str, inputs: Iterable[tuple[str, Path]] = (),
                     key_file: Path | None = None) -> None:
    """Refuse (a usage error, exit 2) to write ``out`` over one of ``inputs`` (``(option,
    path)`` pairs) or over the key file: the input would be lost (a file's quarantined lines
    with it), the key would be replaced by the output and every earlier output's pseudonyms
    could no longer be matched."""
    for name, path in inputs:
        if same_file(out, path):
            raise click.UsageError(f"{option} {out} is the {name} file: the output would "
                                   "replace it, and what was skipped in it would be lost; "
                                   "write elsewhere")
    if key_file is not None and same_file(out, key_file):
        raise click.UsageError(f"{option} {out} is the --key-file: the key would be replaced "
                               "by the output; write elsewhere, and keep the key out of the "
                               "output")


def _cannot_write(option: str, path: Path, exc: OSError) -> DataError:
    return DataError(f"cannot write {option} {path}: {exc.strerror or type(exc).__name__}")


def writable_folder(folder: Path, option: str) -> None:
    """Make ``folder`` (and the folders above it) if need be, and check a file can be written
    in it, before any work: DataError "cannot write OPTION FOLDER: reason" (exit 2) if not,
    so that the output's problem is said once, not as every input's failure. Permissions are
    tried, not read: ``os.access`` says yes to root even where nothing can be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".osler-", suffix=".probe")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise _cannot_write(option, folder, exc) from None


class _Guarded:
    """A file open for writing whose write errors (a full disk) are the DataError that names
    the output, not a traceback."""

    def __init__(self, fh, option: str, path: Path) -> None:
        self._fh, self._option, self._path = fh, option, path

    def write(self, data):
        try:
            return self._fh.write(data)
        except OSError as exc:
            raise _cannot_write(self._option, self._path, exc) from None


@contextmanager
def output_file(path: Path, option: str, *, binary: bool = False, newline: str | None = None):
    """A file to write the output ``path`` through, opened at once, so that a run whose
    output cannot be written stops before its work, not after it: DataError "cannot write
    OPTION PATH: reason" (exit 2), as for an error while writing.

    It is a temporary file beside ``path`` that replaces it only when the block ends without
    an error: a crash, a refusal or an error half-way leaves ``path`` as it was, never half
    written, and no input is emptied before it is read. A link is written through, as
    ``open`` writes it; a device or pipe (``/dev/stdout``) is written to directly. A new file
    gets the permissions ``open`` would give it, a replaced one keeps its own."""
    target = Path(os.path.realpath(path))
    mode, encoding = ("wb", None) if binary else ("w", "utf-8")
    if target.exists() and not target.is_file():
        try:
            fh = target.open(mode, encoding=encoding, newline=newline)
        except OSError as exc:
            raise _cannot_write(option, path, exc) from None
        try:
            yield _Guarded(fh, option, path)
            try:   # what was still buffered is written here
                fh.close()
            except OSError as exc:
                raise _cannot_write(option, path, exc) from None
        finally:
            with suppress(OSError):
                fh.close()
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise _cannot_write(option, path, exc) from None
    fh = os.fdopen(fd, mode, encoding=encoding, newline=newline)
    try:
        yield _Guarded(fh, option, path)
        try:   # the body's own errors pass as they are; these are the output's
            fh.close()
            os.chmod(tmp, _mode_of(target))
            os.replace(tmp, target)
        except OSError as exc:
            raise _cannot_write(option, path, exc) from None
    finally:
        with suppress(OSError):
            fh.close()
        with suppress(OSError):   # gone once it has replaced the output
            os.unlink(tmp)


def _mode_of(target: Path) -> int:
    """The permissions of the file ``target`` is, or those ``open`` gives a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
