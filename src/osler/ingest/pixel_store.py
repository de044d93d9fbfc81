"""A content-addressed file store for pixel arrays and embeddings: pixels never go in DB rows.

Each array is saved as a ``.npy`` file named by the SHA-256 of its bytes, under a two-character
fan-out directory. The same pixels always get the same address, so re-ingest writes nothing new.
Events hold only the address (``ImagingStudy.pixel_ref``).

Where the store lives: the ``root`` argument, else ``$OSLER_BLOBS``, else ``osler-blobs/`` beside
the DuckDB file named by ``$OSLER_DB``, else ``./osler-blobs``.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np

from osler.errors import OslerError

__all__ = ["PixelStore", "default_blob_dir"]


def default_blob_dir() -> Path:
    """``$OSLER_BLOBS``, else ``osler-blobs`` beside ``$OSLER_DB`` (a file), else ``./osler-blobs``."""
    if os.environ.get("OSLER_BLOBS"):
        return Path(os.environ["OSLER_BLOBS"])
    db = os.environ.get("OSLER_DB", "")
    if db and "://" not in db:
        return Path(db).resolve().parent / "osler-blobs"
    return Path("osler-blobs")


class PixelStore:
    """Content-addressed ``.npy`` files.

    >>> import tempfile
    >>> store = PixelStore(tempfile.mkdtemp())
    >>> ref = store.put(np.zeros((2, 2), dtype=np.uint8))
    >>> store.get(ref).shape
    (2, 2)
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_blob_dir()

    def path(self, ref: str) -> Path:
        """File of a content address (it need not exist)."""
        if len(ref) != 64 or any(c not in "0123456789abcdef" for c in ref):
            raise OslerError(f"a pixel reference must be 64 lowercase hex digits; got {ref!r}")
        return self.root / ref[:2] / f"{ref}.npy"

    def put(self, array: np.ndarray) -> str:
        """Store ``array`` (idempotent) and return its SHA-256 content address."""
        buf = io.BytesIO()
        np.save(buf, np.ascontiguousarray(array), allow_pickle=False)
        data = buf.getvalue()
        ref = hashlib.sha256(data).hexdigest()
        target = self.path(ref)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)  # atomic: a reader never sees half a file
        return ref

    def get(self, ref: str) -> np.ndarray:
        """The array stored under ``ref``; raises :class:`OslerError` if absent or altered."""
        target = self.path(ref)
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            raise OslerError(f"pixel file {ref[:12]}... not found under {self.root}") from None
        if hashlib.sha256(data).hexdigest() != ref:
            raise OslerError(f"pixel file {target} does not match its content address")
        return np.load(io.BytesIO(data), allow_pickle=False)

    def __contains__(self, ref: str) -> bool:
        return self.path(ref).exists()
