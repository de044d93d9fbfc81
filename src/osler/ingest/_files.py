"""Walking sources: files, directories and zip archives, uniformly.

A *member* is one logical file: a plain file, or ``archive.zip!inner/path`` inside a zip. Names
are what provenance and quarantine rows show, so they are relative and stable across machines.
"""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from osler.errors import IngestError

__all__ = ["Member", "files_under", "is_hidden", "iter_members", "read_bytes"]


@dataclass(frozen=True)
class Member:
    """One logical input file. ``open_bytes()`` returns its (gunzipped) content."""

    name: str
    path: Path                    # the file on disk (the zip itself for archive members)
    inner: str | None = None      # path inside the zip
    archive: zipfile.ZipFile | None = field(default=None, repr=False, compare=False)

    @property
    def suffixes(self) -> str:
        base = self.inner or self.path.name
        return "".join(Path(base).suffixes).lower()

    @property
    def stem(self) -> str:
        base = Path(self.inner or self.path.name).name
        return base.split(".")[0]

    def open_bytes(self) -> bytes:
        return read_bytes(self)


_GZIP_MAGIC = b"\x1f\x8b"


def read_bytes(member: Member) -> bytes:
    """Content of a member, gunzipped when it is gzip: its name ends in ``.gz`` or it starts
    with gzip's magic bytes (``p1.psv`` gzipped under its plain name), as the CLI's text
    readers judge by content too."""
    try:
        if member.inner is None:
            data = member.path.read_bytes()
        elif member.archive is not None:
            data = member.archive.read(member.inner)
        else:
            with zipfile.ZipFile(member.path) as zf:
                data = zf.read(member.inner)
        if member.suffixes.endswith(".gz") or data[:2] == _GZIP_MAGIC:
            data = gzip.decompress(data)
        return data
    except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as exc:
        raise IngestError(f"cannot read: {type(exc).__name__}: {exc}", file=member.name) from exc


def is_hidden(relative: str | Path) -> bool:
    """Whether a path (relative to the input; ``/``-separated text or a Path) is or lies in a
    hidden one (``.ipynb_checkpoints/``, ``.git/``, ``.DS_Store``): copies, not the data."""
    parts = relative.parts if isinstance(relative, Path) else relative.split("/")
    return any(part.startswith(".") and part != "." for part in parts)


def files_under(folder: Path) -> list[Path]:
    """Every file under ``folder``, sorted, hidden files and anything in a hidden folder aside
    (:func:`is_hidden`). Symlinked folders are followed, as a user who links a site's stays
    into a data folder expects (``Path.rglob`` does not follow them before Python 3.13), each
    real folder once: a link back to a folder already walked (a cycle, or a second link to
    it) adds nothing. Paths are as seen through the links, so names stay those of the input."""
    folder = Path(folder)
    seen = {os.path.realpath(folder)}
    found = []
    for top, dirs, files in os.walk(folder, followlinks=True):
        # sorted, so which of two links to one folder is walked is the same on every run
        dirs.sort()
        keep = []
        for d in dirs:
            real = os.path.realpath(os.path.join(top, d))
            if not d.startswith(".") and real not in seen:
                seen.add(real)
                keep.append(d)
        dirs[:] = keep
        found += [Path(top, f) for f in files if not f.startswith(".")]
    return sorted(p for p in found if p.is_file() and not is_hidden(p.relative_to(folder)))


def iter_members(path: Path, accept: Callable[[str], bool],
                 on_error: Callable[[IngestError], None] | None = None) -> Iterator[Member]:
    """Members under ``path`` (file, directory or zip) whose name ``accept`` admits, sorted.
    Hidden files and anything in a hidden folder (``.ipynb_checkpoints/``, ``.git/``) under
    ``path`` are skipped: copies there are not the data."""
    path = Path(path)
    if path.is_dir():
        for p in files_under(path):
            if zipfile.is_zipfile(p) and p.suffix.lower() == ".zip":
                yield from iter_members(p, accept, on_error)
            elif accept(p.name.lower()):
                yield Member(name=str(p.relative_to(path.parent)), path=p)
    elif path.suffix.lower() == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            err = IngestError(f"not a valid zip archive ({exc})", file=path.name)
            if on_error is None:
                raise err from exc
            on_error(err)
            return
        with zf:  # one open archive for all members: reopening re-reads the directory each time
            names = sorted(n for n in zf.namelist() if not n.endswith("/"))
            for n in names:
                if accept(n.lower()) and not is_hidden(n):
                    yield Member(name=f"{path.name}!{n}", path=path, inner=n, archive=zf)
    elif path.is_file():
        yield Member(name=path.name, path=path)
    else:
        raise IngestError("no such file or directory", file=str(path))
