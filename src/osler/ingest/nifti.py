"""NIfTI-1/2 and MGH/MGZ volumes -> ``ImagingStudy`` events, voxels to the pixel store.

NIfTI carries no patient, study or acquisition time. The subject is taken from a BIDS
``sub-<label>`` folder or file-name part when present, else the file's stem, unless
``patient_map`` (file name -> patient id, or a function of the file name) says otherwise.
``time`` is always ``None``: the header has no acquisition date. Voxel sizes become
``pixel_spacing`` (spatial axes only). NaN voxels are kept (statistical maps use them for
"outside the field of view") and counted in the description; an all-NaN volume is refused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np

from osler._extras import require
from osler.errors import IngestError
from osler.ingest.pixel_store import PixelStore
from osler.record import ImagingStudy, PatientRecord, Provenance, event_id

__all__ = ["NIFTI_SUFFIXES", "read_nifti", "sniff_nifti"]

OnError = Callable[[IngestError], None] | None
NIFTI_SUFFIXES = (".nii", ".nii.gz", ".mgz", ".mgh")
_BIDS_SUBJECT = re.compile(r"(?:^|[/_])sub-([A-Za-z0-9]+)")


def sniff_nifti(path: Path, head: bytes) -> bool:
    """NIfTI-1/2 by header size and magic; gzipped NIfTI and MGH/MGZ by name."""
    name = Path(path).name.lower()
    if name.endswith((".nii.gz", ".mgz", ".mgh")):
        return True
    size_le = int.from_bytes(head[:4], "little") if len(head) >= 4 else 0
    size_be = int.from_bytes(head[:4], "big") if len(head) >= 4 else 0
    return (348 in (size_le, size_be) and head[344:347] in (b"n+1", b"ni1")) or \
        (540 in (size_le, size_be) and head[4:7] in (b"n+2", b"ni2"))


def _report(err: IngestError, on_error: OnError) -> None:
    if on_error is None:
        raise err
    on_error(err)


def _files(source: Path) -> list[Path]:
    if source.is_file():
        return [source]
    if source.is_dir():
        return sorted(p for p in source.rglob("*") if p.name.lower().endswith(NIFTI_SUFFIXES))
    raise IngestError("no such file or directory", file=str(source))


def _subject(path: Path, name: str, patient_map: Mapping[str, str] | Callable | None) -> str:
    if patient_map is not None:
        found = patient_map(path.name) if callable(patient_map) else patient_map.get(path.name)
        if not found:
            raise IngestError("the file is not in patient_map", file=name)
        return str(found)
    match = _BIDS_SUBJECT.search(str(path))
    if match:
        return match.group(1)
    stem = path.name
    for suffix in NIFTI_SUFFIXES:
        if stem.lower().endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def _volume(path: Path, name: str, store: PixelStore) -> ImagingStudy:
    nib = require("nibabel", "imaging")
    try:
        image = nib.load(path)
        data = np.asanyarray(image.dataobj)
    except Exception as exc:
        raise IngestError(f"not a readable NIfTI/MGH volume ({type(exc).__name__}: {exc})",
                          file=name) from exc
    if data.size == 0:
        raise IngestError(f"empty volume (shape {data.shape})", file=name)
    data = data.astype(data.dtype.newbyteorder("="), copy=False)  # one byte order, one hash
    n_nan = int(np.isnan(data).sum()) if data.dtype.kind == "f" else 0
    if n_nan == data.size:
        raise IngestError("every voxel is NaN", file=name)
    zooms = tuple(float(z) for z in image.header.get_zooms()[:3])
    kind = type(image).__name__.replace("Image", "")
    shape = "x".join(str(n) for n in data.shape)
    description = f"{kind} volume {shape}" + (f", {n_nan} NaN voxels" if n_nan else "")
    return ImagingStudy(id=event_id("nifti", name), coding=None, provenance=Provenance(name),
                        pixel_spacing=zooms, n_instances=1, description=description,
                        pixel_ref=store.put(data))


def read_nifti(source: Path, *, on_error: OnError = None,
               patient_map: Mapping[str, str] | Callable[[str], str | None] | None = None,
               blob_dir: str | Path | None = None) -> Iterator[PatientRecord]:
    """One :class:`PatientRecord` per subject, an ``ImagingStudy`` per volume file.

    Parameters
    ----------
    source : Path
        A ``.nii``, ``.nii.gz``, ``.mgz`` or ``.mgh`` file, or a directory searched recursively.
    on_error : callable, optional
        Called with each :class:`IngestError`; without it the first error is raised.
    patient_map : mapping or callable, optional
        File name -> patient id.
    blob_dir : path, optional
        Where voxel files go (see :mod:`osler.ingest.pixel_store`).
    """
    source = Path(source)
    store = PixelStore(blob_dir)
    subjects: dict[str, list[ImagingStudy]] = defaultdict(list)
    files = _files(source)
    if not files:
        _report(IngestError("no NIfTI/MGH files found", file=source.name), on_error)
    for path in files:
        name = str(path.relative_to(source.parent))
        try:
            subjects[_subject(path, name, patient_map)].append(_volume(path, name, store))
        except IngestError as err:
            _report(err, on_error)
    for subject in sorted(subjects):
        events = subjects[subject]
        yield PatientRecord(patient_id=subject, provenance=events[0].provenance,
                            events=tuple(events))
