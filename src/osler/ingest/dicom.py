"""DICOM: single files, series directories and DICOMDIRs -> ``ImagingStudy`` events.

One event per series (patient, study, series, modality, body part, time, pixel spacing, number
of instances). The decoded pixels of the series, stacked as (frames, rows, cols[, samples]), go to
the content-addressed :class:`~osler.ingest.pixel_store.PixelStore`; the event holds only the
address. Objects without pixels (SR, RT plan, waveform ECG) become metadata-only events.

Time: DICOM dates and times are local and carry no zone. Osler keeps ``time=None`` unless the
file gives ``TimezoneOffsetFromUTC`` or the caller names the site's zone (``site_timezone``): a
naive local time is never guessed into an instant.

Patient linking: by DICOM ``PatientID``, or through ``patient_map`` (a mapping or a function from
PatientID, ``''`` when absent, to Osler's patient id; ``None`` refuses the file). A file with no
PatientID and no mapping is refused: an image that cannot be linked to a patient stays out of the
timeline.

Codecs: uncompressed, deflate and RLE through pydicom; JPEG, JPEG-LS, JPEG 2000 and HTJ2K through
pylibjpeg-libjpeg / -openjpeg (see :mod:`osler.ingest._dicom_codecs`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from osler.errors import IngestError
from osler.ingest._dicom_instance import DicomInstance, load_instance
from osler.ingest.pixel_store import PixelStore
from osler.record import Coding, ImagingStudy, PatientRecord, Provenance, event_id

__all__ = ["DICOM_MODALITY_SYSTEM", "DicomInstance", "iter_dicom_files", "read_dicom",
           "read_dicom_file", "read_dicom_instances", "sniff_dicom", "sniff_dicom_dir"]

OnError = Callable[[IngestError], None] | None
PatientMap = Mapping[str, str] | Callable[[str], str | None] | None

#: DICOM modality codes (CID 29), used as the event's coding.
DICOM_MODALITY_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM"

_SKIP_SUFFIXES = {".txt", ".md", ".json", ".dump", ".icc", ".gz", ".zip", ".py", ".csv"}


def sniff_dicom(path: Path, head: bytes) -> bool:
    """True for a Part 10 file ('DICM' at byte 128) or a file named DICOMDIR."""
    return head[128:132] == b"DICM" or Path(path).name.upper() == "DICOMDIR"


def sniff_dicom_dir(path: Path, max_files: int = 200) -> bool:
    """True for a directory holding a DICOMDIR, or only DICOM files (a series or study tree).

    Read as a whole, a series becomes one event; file by file it would be one per instance.
    """
    path = Path(path)
    if (path / "DICOMDIR").is_file():
        return True
    seen = 0
    for p in path.rglob("*"):
        if not p.is_file() or p.name.startswith("."):
            continue
        with p.open("rb") as fh:
            if not sniff_dicom(p, fh.read(132)):
                return False
        seen += 1
        if seen >= max_files:
            break
    return seen > 0


def _report(err: IngestError, on_error: OnError) -> None:
    if on_error is None:
        raise err
    on_error(err)


def iter_dicom_files(source: Path) -> Iterator[tuple[Path, str]]:
    """(path, display name) of candidate files: a file, a DICOMDIR's references, or a tree.

    Names are relative to the source's parent, so provenance is stable across machines.
    """
    source = Path(source)
    if source.is_file() and source.name.upper() == "DICOMDIR":
        yield from _dicomdir_members(source)
    elif source.is_file():
        yield source, source.name
    elif source.is_dir():
        for p in sorted(q for q in source.rglob("*") if q.is_file()):
            if p.suffix.lower() in _SKIP_SUFFIXES or p.name.upper() in {"README", "LICENSE"}:
                continue
            yield p, str(p.relative_to(source.parent))
    else:
        raise IngestError("no such file or directory", file=str(source))


def _dicomdir_members(dicomdir: Path) -> Iterator[tuple[Path, str]]:
    """Files a DICOMDIR references (its records' Referenced File IDs), in record order."""
    from osler._extras import require
    pydicom = require("pydicom", "imaging")
    try:
        ds = pydicom.dcmread(dicomdir)
        records = ds.DirectoryRecordSequence
    except Exception as exc:
        raise IngestError(f"unreadable DICOMDIR ({type(exc).__name__}: {exc})",
                          file=dicomdir.name) from exc
    base = dicomdir.parent
    for record in records:
        parts = record.get("ReferencedFileID")
        if parts:
            parts = [parts] if isinstance(parts, str) else list(parts)
            p = base.joinpath(*parts)
            yield p, str(p.relative_to(base.parent))


def read_dicom_file(path: Path, *, site_timezone: str | None = None) -> DicomInstance:
    """One DICOM file's header facts and decoded pixels; :class:`IngestError` says why not."""
    path = Path(path)
    return load_instance(path, path.name, site_zone=_zone(site_timezone))


def read_dicom_instances(source: Path, *, on_error: OnError = None,
                         site_timezone: str | None = None) -> Iterator[DicomInstance]:
    """Every readable DICOM object under ``source``, decoded; bad files go to ``on_error``."""
    zone = _zone(site_timezone)
    n_files = 0
    for path, name in iter_dicom_files(Path(source)):
        n_files += 1
        try:
            yield load_instance(path, name, site_zone=zone)
        except IngestError as err:
            _report(err, on_error)
    if n_files == 0:
        _report(IngestError("empty series: no files in the directory", file=Path(source).name),
                on_error)


def _zone(name: str | None) -> ZoneInfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise IngestError(f"'site_timezone' must be an IANA zone name such as 'Europe/Berlin'; "
                          f"got {name!r}") from exc


def _link(inst: DicomInstance, patient_map: PatientMap) -> str:
    if patient_map is None:
        if not inst.patient_id:
            raise IngestError("no PatientID: cannot link the image to a patient (give a "
                              "patient_map)", file=inst.file)
        return inst.patient_id
    found = patient_map(inst.patient_id) if callable(patient_map) else \
        patient_map.get(inst.patient_id)
    if not found:
        raise IngestError("the file's PatientID is not in patient_map", file=inst.file)
    return str(found)


def read_dicom(source: Path, *, on_error: OnError = None, patient_map: PatientMap = None,
               blob_dir: str | Path | None = None,
               site_timezone: str | None = None) -> Iterator[PatientRecord]:
    """One :class:`PatientRecord` per patient with an ``ImagingStudy`` per series.

    Parameters
    ----------
    source : Path
        A DICOM file, a DICOMDIR, or a directory searched recursively.
    on_error : callable, optional
        Called with each :class:`IngestError` (unreadable file, undecodable pixels, missing
        pixel module, unlinkable patient, frame shape off its series); without it the first
        error is raised.
    patient_map : mapping or callable, optional
        DICOM PatientID -> Osler patient id.
    blob_dir : path, optional
        Where pixel files go (default: see :mod:`osler.ingest.pixel_store`).
    site_timezone : str, optional
        IANA zone of the acquiring site, for files without ``TimezoneOffsetFromUTC``.
    """
    store = PixelStore(blob_dir)
    patients: dict[str, list[DicomInstance]] = defaultdict(list)
    for inst in read_dicom_instances(source, on_error=on_error, site_timezone=site_timezone):
        if inst.is_directory:
            continue  # a DICOMDIR indexes files that are read in their own right
        try:
            patients[_link(inst, patient_map)].append(inst)
        except IngestError as err:
            _report(err, on_error)
    for patient_id in sorted(patients):
        yield _patient_record(patient_id, patients[patient_id], store)


def _patient_record(patient_id: str, instances: list[DicomInstance],
                    store: PixelStore) -> PatientRecord:
    series: dict[tuple[str, str], list[DicomInstance]] = defaultdict(list)
    for inst in instances:
        series[(inst.study_uid or "", inst.series_uid or inst.file)].append(inst)
    events = [e for _, members in sorted(series.items())
              for e in _study_events(patient_id, members, store)]
    first = instances[0]
    return PatientRecord(patient_id=patient_id, provenance=Provenance(first.file),
                         sex=next((i.sex for i in instances if i.sex), None),
                         birth_date=next((i.birth_date for i in instances if i.birth_date), None),
                         events=tuple(events))


def _distinct(members: Iterable[DicomInstance]) -> list[DicomInstance]:
    """One instance per SOP Instance UID (the same image saved in several encodings)."""
    seen: dict[str, DicomInstance] = {}
    for m in sorted(members, key=lambda m: (m.instance_number or 0, m.file)):
        seen.setdefault(m.sop_uid or m.file, m)
    return list(seen.values())


def _by_frame_shape(members: list[DicomInstance]) -> list[list[DicomInstance]]:
    """Split a series whose images differ in size (a scout, a resampled copy) into parts."""
    parts: dict[tuple[int, ...], list[DicomInstance]] = defaultdict(list)
    for m in members:
        parts[m.pixels.shape[1:] if m.pixels is not None else ()].append(m)
    return [parts[k] for k in sorted(parts, key=lambda k: -len(parts[k]))]


def _study_events(patient_id: str, members: list[DicomInstance],
                  store: PixelStore) -> list[ImagingStudy]:
    parts = _by_frame_shape(_distinct(members))
    return [_study_event(patient_id, part, store, k if len(parts) > 1 else None)
            for k, part in enumerate(parts)]


def _study_event(patient_id: str, kept: list[DicomInstance], store: PixelStore,
                 part: int | None) -> ImagingStudy:
    with_pixels = [m.pixels for m in kept if m.pixels is not None]
    head = kept[0]
    times = [m.time for m in kept if m.time is not None]
    modality = head.modality
    description = head.description
    if part is not None:
        shape = "x".join(str(n) for n in with_pixels[0].shape[1:]) if with_pixels else "no"
        description = f"{description or 'series'} ({shape} pixel part {part + 1})"
    # the instances are part of the id: a series read file by file gives one event per file,
    # never two different events under one id
    instances = event_id(*sorted(m.sop_uid or m.file for m in kept))
    return ImagingStudy(
        id=event_id("dicom", patient_id, head.study_uid, head.series_uid or head.file, part,
                    instances),
        coding=Coding(DICOM_MODALITY_SYSTEM, modality) if modality else None,
        provenance=Provenance(head.file, record=head.series_uid), time=min(times) if times
        else None, study_uid=head.study_uid, series_uid=head.series_uid, modality=modality,
        body_part=head.body_part, pixel_spacing=head.pixel_spacing, n_instances=len(kept),
        description=description,
        pixel_ref=store.put(np.concatenate(with_pixels)) if with_pixels else None)
