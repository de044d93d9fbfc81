"""Synthetic chest radiographs and DICOM files for tests and demos (no real patient data).

``synthetic_xrays`` draws 2D images with two dark lung fields; "pneumonia" images get bright,
blurred consolidations inside a lung. ``write_radiograph`` saves any 2D array as a minimal,
valid CR/DX DICOM file (uncompressed), so the DICOM path of every model can be tested offline.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np

from osler._extras import require

__all__ = ["synthetic_xrays", "write_radiograph"]


def synthetic_xrays(n: int, size: int = 28, seed: int = 0, *, with_masks: bool = False
                    ) -> tuple[np.ndarray, ...]:
    """``n`` uint8 images (n, size, size) and balanced 0/1 labels; 1 = with consolidation.

    With ``with_masks`` also a boolean mask per image marking the consolidation (all False for
    label 0): ground truth for checking that saliency points at the lesion.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size] / size
    labels = np.arange(n) % 2
    rng.shuffle(labels)
    images = np.empty((n, size, size), dtype=np.uint8)
    masks = np.zeros((n, size, size), dtype=bool)
    for i in range(n):
        body = 0.75 - 0.25 * ((xx - 0.5) ** 2 + (yy - 0.55) ** 2) * 4
        lungs = sum(np.exp(-(((xx - cx) / 0.13) ** 2 + ((yy - 0.5) / 0.25) ** 2))
                    for cx in (0.3 + rng.normal(0, 0.02), 0.7 + rng.normal(0, 0.02)))
        image = body - 0.45 * lungs
        if labels[i]:
            cx, cy = rng.choice([0.3, 0.7]) + rng.normal(0, 0.04), rng.uniform(0.4, 0.7)
            lesion = np.exp(-(((xx - cx) / 0.08) ** 2 + ((yy - cy) / 0.1) ** 2))
            image += 0.35 * lesion
            masks[i] = lesion > 0.25
        image += rng.normal(0, 0.04, (size, size))
        images[i] = np.clip(image * 255, 0, 255).astype(np.uint8)
    if with_masks:
        return images, labels.astype(np.uint8), masks
    return images, labels.astype(np.uint8)


def write_radiograph(path: str | Path, pixels: np.ndarray, *, patient_id: str | None,
                     study_uid: str | None = None, series_uid: str | None = None,
                     modality: str = "CR", when: datetime | None = None,
                     tz_offset: str | None = None, photometric: str = "MONOCHROME2",
                     with_pixels: bool = True) -> Path:
    """Write a 2D uint8/uint16 array as an Explicit VR Little Endian DICOM file."""
    pydicom = require("pydicom", "imaging")
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid
    sop_class = "1.2.840.10008.5.1.4.1.1.1" if modality == "CR" else CTImageStorage
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, meta.MediaStorageSOPInstanceUID
    if patient_id is not None:
        ds.PatientID = patient_id
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.Modality, ds.BodyPartExamined, ds.InstanceNumber = modality, "CHEST", 1
    if when is not None:
        ds.StudyDate, ds.StudyTime = when.strftime("%Y%m%d"), when.strftime("%H%M%S")
    if tz_offset is not None:
        ds.TimezoneOffsetFromUTC = tz_offset
    ds.PixelSpacing = [0.2, 0.2]
    if with_pixels:
        pixels = np.ascontiguousarray(pixels)
        bits = 8 if pixels.dtype == np.uint8 else 16
        ds.Rows, ds.Columns = pixels.shape
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, photometric
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits, bits, bits - 1, 0
        ds.PixelData = pixels.astype(np.uint8 if bits == 8 else np.uint16).tobytes()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path
