"""DICOM chest radiographs (CR/DX) as model input: one 2D image per file, display-oriented.

Refused, with the reason: other modalities, a Body Part Examined other than the chest (a
cervical-spine film scored as "pneumonia 0.98" is what this prevents; files without the tag are
accepted, since many exports drop it), multi-frame objects, images under 28 px a side or with an
aspect ratio over 2, and non-finite pixels.

The model's own transforms (:func:`osler.imaging.transforms.preprocess`) then scale and resize
it exactly as they do the NPZ images, so one model serves both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from osler.errors import IngestError

__all__ = ["CHEST_BODY_PARTS", "RADIOGRAPH_MODALITIES", "Radiograph", "radiograph_image",
           "read_radiographs"]

#: Projection radiography: computed and digital radiography.
RADIOGRAPH_MODALITIES = frozenset({"CR", "DX"})
#: Body Part Examined values (DICOM CID 4031 and common variants) that a chest model may read.
CHEST_BODY_PARTS = frozenset({"CHEST", "THORAX", "LUNG", "CHEST_TO_PELVIS", "CHESTABDOMEN"})
_MAX_ASPECT = 2.0
_MIN_SIDE = 28  # the smallest model resolution: a smaller image would only be upsampled noise


@dataclass(frozen=True)
class Radiograph:
    """One radiograph ready for the model, with what links it back to the record."""

    file: str
    image: np.ndarray                # 2D float32, high = bright
    patient_id: str
    study_uid: str | None
    series_uid: str | None
    sop_uid: str | None


def radiograph_image(inst) -> np.ndarray:  # noqa: ANN001 - a DicomInstance
    """The 2D image of a single-frame CR/DX instance; :class:`IngestError` says why not."""
    if inst.modality not in RADIOGRAPH_MODALITIES:
        raise IngestError(f"modality {inst.modality or 'unknown'} is not a radiograph; the "
                          f"model reads {sorted(RADIOGRAPH_MODALITIES)} only", file=inst.file)
    body_part = (inst.body_part or "").upper().replace(" ", "")
    if body_part and body_part not in CHEST_BODY_PARTS:
        raise IngestError(f"body part {inst.body_part} is not the chest; the model reads chest "
                          "radiographs only", file=inst.file)
    if inst.pixels is None:
        raise IngestError("no pixel data", file=inst.file)
    pixels = inst.pixels
    if pixels.shape[0] != 1:
        raise IngestError(f"a radiograph has one frame; got {pixels.shape[0]}", file=inst.file)
    image = pixels[0].astype(np.float32)
    if image.ndim == 3:  # colour-encoded radiograph: use luminance
        image = image[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    rows, cols = image.shape
    if min(rows, cols) < _MIN_SIDE or max(rows, cols) / min(rows, cols) > _MAX_ASPECT:
        raise IngestError(f"image of the wrong size for a chest radiograph: {rows}x{cols} "
                          f"(need at least {_MIN_SIDE} px a side and aspect ratio <= "
                          f"{_MAX_ASPECT})", file=inst.file)
    if not np.isfinite(image).all():
        raise IngestError("pixel values include NaN or infinity", file=inst.file)
    if inst.photometric == "MONOCHROME1":
        image = image.max() - image
    return image


def read_radiographs(source: Path, *,
                     on_error: Callable[[IngestError], None] | None = None) -> list[Radiograph]:
    """Every CR/DX radiograph under ``source``; other and bad files go to ``on_error``."""
    from osler.ingest.dicom import read_dicom_instances

    def report(err: IngestError) -> None:
        if on_error is None:
            raise err
        on_error(err)

    out = []
    for inst in read_dicom_instances(Path(source), on_error=on_error):
        if inst.is_directory:
            continue
        try:
            out.append(Radiograph(inst.file, radiograph_image(inst), inst.patient_id,
                                  inst.study_uid, inst.series_uid, inst.sop_uid))
        except IngestError as err:
            report(err)
    return out
