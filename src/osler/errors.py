"""The one tree of Osler exceptions.

::

    OslerError
     ├── IngestError          a source could not be read; carries file, record, line
     ├── StoreError           the store refused an operation (schema, connection, migration)
     ├── ConsentError         the patient's consent does not allow this use
     ├── AccessDenied         the caller's role does not allow this
     ├── LeakageError         a feature used data known after the prediction time
     ├── ModelError           a saved model does not fit the task, schema or library versions
     ├── NotFittedError       an estimator was used before ``fit``
     ├── DataError            input data for a task is malformed (names where and what)
     └── MissingExtra(ImportError)   an optional dependency is not installed

Messages say what was wrong, what is allowed and what came, and where (file, record, line).
They never carry PHI: records are named by their pseudonymous or source id.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "ConsentError",
    "DataError",
    "IngestError",
    "LeakageError",
    "MissingExtra",
    "ModelError",
    "NotFittedError",
    "OslerError",
    "StoreError",
]


class OslerError(Exception):
    """Root of every error Osler raises on purpose."""


class IngestError(OslerError):
    """A source record could not be turned into part of a patient record.

    Parameters
    ----------
    reason : str
        What was wrong, in words a data engineer can act on.
    file : str, optional
        The source file (or ``zip!member``).
    record : str, optional
        The record inside the file: a resource id, a stay id, a sample.
    line : int, optional
        1-based line number where the format has lines.
    """

    def __init__(self, reason: str, *, file: str | None = None, record: str | None = None,
                 line: int | None = None) -> None:
        self.reason = reason
        self.file = file
        self.record = record
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.record:
            where.append(f"record {self.record}")
        if self.line is not None:
            where.append(f"line {self.line}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class StoreError(OslerError):
    """The store could not do what was asked (connection, schema version, migration)."""


class ConsentError(OslerError):
    """The patient's consent does not cover this use of their data."""


class AccessDenied(OslerError):
    """The caller's role does not allow this action."""


class LeakageError(OslerError):
    """A sample used information recorded after its prediction time."""


class ModelError(OslerError):
    """A saved model does not match the task, feature schema or library versions asked for."""


class NotFittedError(OslerError, AttributeError):
    """An estimator was used before it was fitted."""


class DataError(OslerError, ValueError):
    """Input for a task is malformed; the message names the file and what is wrong."""


class MissingExtra(OslerError, ImportError):
    """An optional dependency is missing; the message gives the exact install line."""
