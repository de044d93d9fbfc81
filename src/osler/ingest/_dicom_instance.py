"""One DICOM file -> header facts and decoded pixels, or an IngestError saying why not."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from osler.errors import IngestError

_PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")
_MEDIA_DIRECTORY = "1.2.840.10008.1.3.10"
_SEX = {"M": "male", "F": "female", "O": "other"}


@dataclass(frozen=True)
class DicomInstance:
    """What Osler keeps of one DICOM object. ``pixels`` is (frames, rows, cols[, samples])."""

    file: str
    patient_id: str                  # the DICOM PatientID, '' when absent
    study_uid: str | None
    series_uid: str | None
    sop_uid: str | None
    sop_class: str | None
    modality: str | None
    body_part: str | None
    time: datetime | None
    pixel_spacing: tuple[float, ...] | None
    description: str | None
    instance_number: int | None
    sex: str | None
    birth_date: date | None
    transfer_syntax: str | None
    pixels: np.ndarray | None
    is_directory: bool = False
    photometric: str | None = None   # MONOCHROME1 means high values display dark


def _text(ds: Any, keyword: str) -> str | None:
    value = ds.get(keyword)
    text = str(value).strip() if value is not None else ""
    return text or None


def _read_dataset(path: Path, name: str) -> Any:
    from osler._extras import require
    pydicom = require("pydicom", "imaging")
    errors = require("pydicom.errors", "imaging")
    # pydicom warns about every non-conformant value; the file is judged below instead
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = pydicom.dcmread(path)
        except errors.InvalidDicomError:
            ds = None  # no 128-byte preamble + 'DICM': some valid files omit it; retry leniently
        except Exception as exc:
            raise IngestError(f"not a readable DICOM file ({type(exc).__name__}: {exc})",
                              file=name) from exc
        if ds is None:
            try:
                ds = pydicom.dcmread(path, force=True)
            except Exception as exc:
                raise IngestError(f"not a DICOM file ({type(exc).__name__})", file=name) from exc
    if len(ds) == 0:
        raise IngestError("no data elements after the file meta header (truncated or corrupt file)",
                          file=name)
    if not any(k in ds for k in ("SOPClassUID", "StudyInstanceUID", "Modality",
                                 "DirectoryRecordSequence", *_PIXEL_KEYWORDS)):
        raise IngestError("not a DICOM file, or not one Osler can file: no SOP class, study, "
                          "modality or pixel data elements", file=name)
    return ds


def _transfer_syntax(ds: Any) -> str | None:
    """The file meta's syntax; for files without one, the encoding pydicom actually read."""
    meta = getattr(ds, "file_meta", None)
    ts = meta.get("TransferSyntaxUID") if meta is not None else None
    if ts:
        return str(ts)
    from pydicom import uid
    implicit, little = getattr(ds, "original_encoding", (None, None))
    if implicit is None:
        return None
    syntax = (uid.ImplicitVRLittleEndian if implicit else
              uid.ExplicitVRLittleEndian if little else uid.ExplicitVRBigEndian)
    ds.file_meta = ds.file_meta if meta is not None else pydicom_meta()
    ds.file_meta.TransferSyntaxUID = syntax
    return str(syntax)


def pydicom_meta() -> Any:
    from pydicom.dataset import FileMetaDataset
    return FileMetaDataset()


def _when(ds: Any, site_zone: ZoneInfo | None) -> datetime | None:
    """Acquisition/series/study date-time, aware only when the zone is known (else None)."""
    for d_key, t_key in (("SeriesDate", "SeriesTime"), ("StudyDate", "StudyTime"),
                         ("AcquisitionDate", "AcquisitionTime"), ("ContentDate", "ContentTime")):
        d, t = _text(ds, d_key), _text(ds, t_key) or "000000"
        if d and len(d) == 8 and d.isdigit():
            try:
                naive = datetime.strptime(d + t.split(".")[0].ljust(6, "0")[:6], "%Y%m%d%H%M%S")
            except ValueError:
                continue
            return _zoned(naive, _text(ds, "TimezoneOffsetFromUTC"), site_zone)
    return None


def _zoned(naive: datetime, offset: str | None, site_zone: ZoneInfo | None) -> datetime | None:
    if offset and len(offset) == 5 and offset[0] in "+-" and offset[1:].isdigit():
        sign = 1 if offset[0] == "+" else -1
        delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:]))
        return naive.replace(tzinfo=timezone(sign * delta))
    if site_zone is not None:
        return naive.replace(tzinfo=site_zone)
    return None  # DICOM local time with no zone: unknown, not guessed


def _spacing(ds: Any) -> tuple[float, ...] | None:
    for key in ("PixelSpacing", "ImagerPixelSpacing"):
        value = ds.get(key)
        if value is not None:
            try:
                return tuple(float(v) for v in value)
            except (TypeError, ValueError):
                return None
    return None


def _birth_date(ds: Any) -> date | None:
    text = _text(ds, "PatientBirthDate")
    try:
        return datetime.strptime(text, "%Y%m%d").date() if text else None
    except ValueError:
        return None


def _pixels(ds: Any, name: str, syntax: str | None) -> np.ndarray | None:
    if not any(k in ds for k in _PIXEL_KEYWORDS):
        sop = ds.get("SOPClassUID")
        if sop is not None and "Image Storage" in getattr(sop, "name", ""):
            raise IngestError(f"missing pixel module: a {sop.name} object has no Pixel Data",
                              file=name)
        return None  # SR, RT plan, waveform...: metadata only
    syntax_name = _syntax_name(syntax)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = ds.pixel_array
    except Exception as exc:
        reason = str(exc).replace("\n", " ")[:240]
        raise IngestError(f"cannot decode pixel data ({syntax_name}): {reason}", file=name) from exc
    frames = int(ds.get("NumberOfFrames") or 1)
    samples = int(ds.get("SamplesPerPixel") or 1)
    if frames == 1:
        array = array[None]
    if array.ndim != 3 + (samples > 1):
        raise IngestError(f"pixel array shape {array.shape} does not match {frames} frame(s) of "
                          f"{samples} sample(s) per pixel", file=name)
    return array


def _syntax_name(syntax: str | None) -> str:
    if syntax is None:
        return "no transfer syntax"
    from pydicom.uid import UID
    name = UID(syntax).name
    # pydicom 3.0 has no name (and no decoder) for this 2024 syntax
    return "Deflated Image Frame Compression" if syntax == "1.2.840.10008.1.2.8.1" else name


def load_instance(path: Path, name: str, *, site_zone: ZoneInfo | None = None) -> DicomInstance:
    """Read and decode one DICOM file; raise :class:`IngestError` naming it when that fails."""
    from osler.ingest._dicom_codecs import register
    register()
    # pydicom warns about every non-conformant value as elements are touched (bad UIDs, VRs);
    # the file is judged by whether its facts and pixels can be read, not by those warnings
    # pydicom also logs each failed decoder with a traceback; the IngestError carries the reason
    log = logging.getLogger("pydicom")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _load(path, name, site_zone)
    finally:
        log.setLevel(level)


def _load(path: Path, name: str, site_zone: ZoneInfo | None) -> DicomInstance:
    ds = _read_dataset(path, name)
    syntax = _transfer_syntax(ds)
    sop_class = _text(ds, "SOPClassUID")
    is_directory = sop_class == _MEDIA_DIRECTORY or "DirectoryRecordSequence" in ds
    pixels = None if is_directory else _pixels(ds, name, syntax)
    number = ds.get("InstanceNumber")
    try:
        number = int(number) if number not in (None, "") else None
    except (TypeError, ValueError):
        number = None
    return DicomInstance(
        file=name, patient_id=_text(ds, "PatientID") or "", study_uid=_text(ds, "StudyInstanceUID"),
        series_uid=_text(ds, "SeriesInstanceUID"), sop_uid=_text(ds, "SOPInstanceUID"),
        sop_class=sop_class, modality=_text(ds, "Modality"),
        body_part=_text(ds, "BodyPartExamined"), time=_when(ds, site_zone),
        pixel_spacing=_spacing(ds), description=_text(ds, "SeriesDescription")
        or _text(ds, "StudyDescription"), instance_number=number,
        sex=_SEX.get(_text(ds, "PatientSex") or ""), birth_date=_birth_date(ds),
        transfer_syntax=syntax, pixels=pixels, is_directory=is_directory,
        photometric=_text(ds, "PhotometricInterpretation"))
