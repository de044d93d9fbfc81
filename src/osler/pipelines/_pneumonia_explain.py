"""Saliency with evidence, and the triage worklist, for the pneumonia model (CLI and service)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from osler.errors import DataError, IngestError

__all__ = ["explain_image", "triage"]

log = logging.getLogger(__name__)
_TASK = "pneumonia"


def _load_image(path: Path) -> tuple[np.ndarray, str]:
    """A 2D image from a DICOM radiograph or a PNG/JPEG file, and where it came from."""
    head = path.read_bytes()[:132]
    if head[128:132] == b"DICM" or path.suffix.lower() == ".dcm":
        from osler.imaging.radiograph import radiograph_image
        from osler.ingest.dicom import read_dicom_file
        return radiograph_image(read_dicom_file(path)), path.name
    try:
        from PIL import Image
        with Image.open(path) as im:
            return np.asarray(im.convert("L"), dtype=np.float32), path.name
    except Exception as exc:  # PIL raises many types for a bad image
        raise DataError(f"{path.name}: not a DICOM, PNG or JPEG image ({type(exc).__name__})"
                        ) from exc


def explain_image(model_dir: Path, image: Path, out_png: Path) -> tuple[float, Any]:
    """Probability of pneumonia for one image and a Grad-CAM ``Evidence`` (PNG saved)."""
    from osler.explain.evidence import Evidence
    from osler.imaging import load_classifier
    from osler.imaging.saliency import grad_cam, save_overlay
    from osler.record import Provenance
    model, _ = load_classifier(model_dir, task=_TASK)
    pixels, source = _load_image(image)
    logit = float(model.decision_function([pixels])[0])
    probability = 1.0 / (1.0 + np.exp(-logit))
    cam = grad_cam(model, pixels)
    save_overlay(pixels, cam, out_png)
    top, bottom, left, right = cam.box
    scale_r, scale_c = pixels.shape[0] / cam.heatmap.shape[0], pixels.shape[1] / cam.heatmap.shape[1]
    region = {"rows": [round(top * scale_r), round(bottom * scale_r)],
              "cols": [round(left * scale_c), round(right * scale_c)],
              "share_of_image": round(cam.hot_fraction, 3)}
    evidence = Evidence(
        label="Image region driving the pneumonia prediction (Grad-CAM, top 20%)",
        value=region, unit=None, contribution=logit, kind="image-region",
        source=Provenance(source), detail=f"{out_png} (Grad-CAM on {cam.layer}; contribution "
        "is the calibrated log-odds of the whole prediction, localised, not split, by the map)")
    return probability, evidence


def triage(model_dir: Path, data: Path, *, blob_dir: Path | None = None,
           policy: Any = None) -> tuple[pd.DataFrame, list[IngestError]]:
    """Worklist of the CR/DX radiographs under ``data``, with stored embeddings, and the files
    skipped with their reasons."""
    from osler.imaging import load_classifier
    from osler.imaging.embeddings import embed_images
    from osler.imaging.radiograph import read_radiographs
    from osler.imaging.triage import worklist
    from osler.ingest.pixel_store import PixelStore
    model, _ = load_classifier(model_dir, task=_TASK)
    skipped: list[IngestError] = []
    radiographs = read_radiographs(data, on_error=skipped.append)
    for err in skipped:
        log.warning("skipped %s", err)
    if not radiographs:
        return worklist([], np.empty(0), np.empty(0), policy), skipped
    images = [r.image for r in radiographs]
    probability, spread = model.predict_with_spread(images)
    table = worklist([r.file for r in radiographs], probability, spread, policy)
    store = PixelStore(blob_dir)
    refs = {r.file: store.put(v) for r, v in zip(radiographs, embed_images(model, images))}
    patients = {r.file: r.patient_id for r in radiographs}
    table["patient"] = table["study"].map(patients)
    table["embedding_ref"] = table["study"].map(refs)
    return table, skipped
