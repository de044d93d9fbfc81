"""The ingest job: paths in, whole patients into the store, every rejection quarantined.

Used by ``osler ingest``, ``osler demo`` and the service. Formats are detected by content;
NDJSON files of one directory, or named one by one, are read together (a bulk export spreads a
patient over files).
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osler.errors import IngestError, MissingExtra
from osler.ingest import PatientIdentifier, fhir_server_name, is_hidden
from osler.ingest.registry import FORMATS, Format, detect, sniff
from osler.pipelines._cross_site import keep_sites_apart
from osler.store import Store, WriteSummary

__all__ = ["IngestReport", "ingest_paths", "plan_sources", "takes_patient"]

_BY_NAME = {f.name: f for f in FORMATS}
_FHIR_FORMATS = ("fhir-bundle", "fhir-ndjson", "fhir-resource")


@dataclass
class IngestReport:
    """What an ingest did. ``exit_code``: 0 all stored, 3 partial, 2 nothing usable."""

    sources: Counter[str] = field(default_factory=Counter)     # format -> files/dirs read
    stored: WriteSummary = field(default_factory=WriteSummary)
    quarantined: list[IngestError] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    no_patient_data: list[str] = field(default_factory=list)
    #: notes read twice in one FHIR source (a DiagnosticReport's presentedForm and a
    #: DocumentReference of one text, as Synthea writes every note) and stored once
    notes_merged: int = 0

    @property
    def exit_code(self) -> int:
        if self.stored.patients == 0 and (self.quarantined or self.unrecognised):
            return 2
        return 3 if self.quarantined or self.unrecognised else 0

    @property
    def refiled_warning(self) -> str | None:
        """Said when this read gave rows of patients stored before to other patients: right
        for a resource whose subject was corrected on its server, a collision when two servers
        reuse resource ids. Counts only: a patient key may be an MRN."""
        moved, emptied = len(self.stored.refiled_from), len(self.stored.emptied)
        if not moved:
            return None
        return (f"{moved} patients stored before gave records to patients of this read (the "
                f"same resource ids came back under another patient), and {emptied} of them "
                "were left with none and removed. Right when a resource's subject was "
                "corrected on its server; if these sources come from another FHIR server than "
                "the stored ones, its resource ids collide with theirs: read each server with "
                "its own --fhir-server into a fresh store.")

    def to_dict(self) -> dict[str, Any]:
        return {"sources": dict(self.sources), "patients": self.stored.patients,
                "events": dict(self.stored.events), "labels": self.stored.labels,
                "quarantined": [str(e) for e in self.quarantined],
                "unrecognised": self.unrecognised, "no_patient_data": self.no_patient_data,
                "refiled_from_patients": len(self.stored.refiled_from),
                "patients_emptied": len(self.stored.emptied), "notes_merged": self.notes_merged}

    @property
    def merged_notice(self) -> str | None:
        """Said when notes written twice were stored once, so that the note count is not
        taken for the source's count of resources."""
        if not self.notes_merged:
            return None
        return (f"{self.notes_merged} notes given both as a DiagnosticReport and as a "
                "DocumentReference (same patient, encounter, time and text) were stored once")

    def _count_merged(self, _note: object) -> None:
        self.notes_merged += 1


def _zip_format(path: Path) -> Format | None:
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith("/") or is_hidden(name):
                continue
            with zf.open(name) as member:
                head = member.read(8192)
            if name.lower().endswith(".gz"):
                import gzip
                try:
                    head = gzip.decompress(zf.read(name))[:8192]
                except (OSError, EOFError):
                    pass
            fmt = next((f for f in FORMATS if f.name != "notes" and sniff(f, Path(name), head)),
                       None)
            if fmt is not None:
                return fmt
    return None


def plan_sources(paths: list[Path]
                 ) -> tuple[list[tuple[Path | list[Path], Format]], list[str], list[Path]]:
    """(source, format) pairs to read, unrecognised names, and 2012 outcomes files. A source
    is a path, or the list of NDJSON files named one by one, read as one export."""
    plan: list[tuple[Path, Format]] = []
    unknown: list[str] = []
    outcomes: list[Path] = []
    stack = [Path(p) for p in paths]
    while stack:
        path = stack.pop(0)
        if path.is_dir():
            fmt = detect(path)
            if fmt is not None:
                plan.append((path, fmt))
                continue
            # hidden entries (.ipynb_checkpoints/, .git/, .DS_Store) are no one's data: a
            # notebook's stale copy read after the real file would replace its rows
            children = sorted(c for c in path.iterdir() if not is_hidden(c.name))
            if any(".ndjson" in c.name.lower() for c in children):
                plan.append((path, _BY_NAME["fhir-ndjson"]))
                children = [c for c in children if ".ndjson" not in c.name.lower()]
            stack[:0] = children
        elif path.is_file() and zipfile.is_zipfile(path):
            fmt = _zip_format(path)
            (plan.append((path, fmt)) if fmt else unknown.append(f"{path.name}: zip archive holds "
                                                                  f"no file of a known format"))
        elif path.is_file():
            with path.open("rb") as fh:
                if fh.read(10) == b"RecordID,S":
                    outcomes.append(path)
                    continue
            fmt = detect(path)
            (plan.append((path, fmt)) if fmt else unknown.append(
                f"{path.name}: not a format Osler reads (judged by content, not extension)"))
        else:
            unknown.append(f"{path}: no such file or directory")
    return _one_export(plan), unknown, outcomes


#: Formats whose sources may carry no patient id, so that ``osler ingest --patient`` names it.
_GIVEN_PATIENT = ("vcf", "notes")


def takes_patient(paths: list[Path]) -> bool:
    """Whether a source under ``paths`` takes a patient id from ``osler ingest --patient``: a
    VCF, or a plain-text note (``visit1.txt``, whose patient is otherwise its file name). Notes
    in JSON Lines, FHIR, DICOM ... name their own patients, and would ignore it."""
    plan, _, _ = plan_sources(paths)
    return any(fmt.name == "vcf" or (fmt.name == "notes" and _has_text_note(source))
               for source, fmt in plan if fmt.name in _GIVEN_PATIENT)


def _has_text_note(source: Path | list[Path]) -> bool:
    paths = source if isinstance(source, list) else [source]
    return any(p.suffix.lower() == ".txt" or (p.is_dir() and any(
        not is_hidden(f.relative_to(p)) for f in p.rglob("*.txt"))) for p in paths)


def _one_export(plan: list[tuple[Path, Format]]) -> list[tuple[Path | list[Path], Format]]:
    """``plan`` with the NDJSON files named one by one (``Patient.ndjson Observation.ndjson``)
    read together, as one export: a bulk export writes one resource type per file, so an
    Observation's patient is in another file. Only files of one folder are one export
    (``siteA/Patient.ndjson siteB/Patient.ndjson`` are two, whose ``Patient/1`` are two
    people). A directory or zip stays an export of its own."""
    folders: dict[Path, list[Path]] = {}
    for p, fmt in plan:
        if fmt.name == "fhir-ndjson" and p.is_file() and not zipfile.is_zipfile(p):
            folders.setdefault(p.resolve().parent, []).append(p)
    exports = {files[0]: files for files in folders.values() if len(files) > 1}
    joined = {p for files in exports.values() for p in files}
    out: list[tuple[Path | list[Path], Format]] = []
    for path, fmt in plan:
        if path in exports:
            out.append((exports[path], fmt))
        elif path not in joined:
            out.append((path, fmt))
    return out


def _fhir_first(plan: list[tuple[Path | list[Path], Format]]
                ) -> list[tuple[Path | list[Path], Format]]:
    """``plan`` with the FHIR sources first, in their order, then the rest in theirs: a FHIR
    patient refused in this read (:func:`keep_sites_apart`) then also holds back the notes and
    images of its key named before its export on the command line."""
    return sorted(plan, key=lambda step: step[1].name not in _FHIR_FORMATS)


def _name(source: Path | list[Path]) -> str:
    return ", ".join(p.name for p in source) if isinstance(source, list) else source.name


def _reader_options(fmt: Format, outcomes: list[Path], options: dict[str, Any]) -> dict[str, Any]:
    opts = dict(options.get(fmt.name, {}))
    if fmt.name == "physionet2012" and outcomes:
        # every outcomes file given: set a's and set b's read together match their own stays
        opts.setdefault("outcomes", outcomes[0] if len(outcomes) == 1 else list(outcomes))
    return opts


def ingest_paths(paths: list[Path], store: Store, *, options: dict[str, dict] | None = None,
                 progress: Callable[[str, int], None] | None = None,
                 patient_identifier: str | PatientIdentifier | None = None,
                 fhir_server: str | None = None) -> IngestReport:
    """Read every source under ``paths`` into ``store``.

    All sources stream through one ``store.write``, so a write batch (one transaction of whole
    patients) spans many small files instead of one transaction per file.

    Parameters
    ----------
    options : dict, optional
        Reader options by format name, e.g. ``{"vcf": {"patient": "p1"}}``.
    progress : callable, optional
        Called with (source name, records read so far) as patients are read.
    patient_identifier : str or PatientIdentifier, optional
        Key FHIR patients by their identifier of this ``Identifier.system`` URI or HL7 v2-0203
        type code (``'MR'``) instead of ``Patient.id``, so that they join the DICOM files
        (``PatientID``) and notes that carry the same MRN. Checked before anything is read.
    fhir_server : str, optional
        The FHIR server these FHIR sources (and the Encounters that notes name) come from: its
        base URL or a stable name. Resource ids are unique per server only; naming the server
        keeps two servers' ``Observation/1`` apart (:func:`osler.ingest.fhir.read_fhir`).

    Examples
    --------
    >>> ingest_paths([Path("fhir/"), Path("pacs/"), Path("notes.jsonl")], store,
    ...              patient_identifier="http://hospital.example.org/mrn")  # doctest: +SKIP
    """
    options = dict(options or {})
    fhir: dict[str, Any] = {}
    if patient_identifier is not None:
        fhir["patient_identifier"] = PatientIdentifier.parse(patient_identifier)
    if fhir_server is not None:
        fhir["server"] = fhir_server_name(fhir_server)
        options["notes"] = {**options.get("notes", {}), "fhir_server": fhir["server"]}
    report = IngestReport()
    fhir["on_note_merged"] = report._count_merged
    for fmt in _FHIR_FORMATS:
        options[fmt] = {**options.get(fmt, {}), **fhir}
    plan, report.unrecognised, outcomes = plan_sources(paths)
    records = _read_all(_fhir_first(plan), outcomes, options, report, progress)
    records = keep_sites_apart(records, store, report.quarantined.append)
    report.stored.add(store.write(records))
    rows = [(name.split(":")[0], None, None, name.split(": ", 1)[-1])
            for name in report.unrecognised]
    rows += [(e.file, e.record, e.line, e.reason) for e in report.quarantined]
    store.add_quarantine_many(rows)
    return report


def _read_all(plan: list[tuple[Path | list[Path], Format]], outcomes: list[Path], options: dict[str, dict],
              report: IngestReport, progress: Callable[[str, int], None] | None) -> Iterator:
    total = 0
    for source, fmt in plan:
        report.sources[fmt.name] += 1
        errors: list[IngestError] = []
        read = 0
        try:
            reader = fmt.load()
        except (ImportError, MissingExtra) as exc:
            errors.append(IngestError(f"the {fmt.name} reader needs an extra: {exc}",
                                      file=_name(source)))
            reader = None
        if reader is not None:
            for rec in reader(source, on_error=errors.append,
                              **_reader_options(fmt, outcomes, options)):
                read += 1
                total += 1
                if progress is not None:
                    progress(_name(source), total)
                yield rec
        report.quarantined.extend(errors)
        if read == 0 and not errors:
            report.no_patient_data.append(_name(source))
