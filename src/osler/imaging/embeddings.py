"""Image embeddings for later fusion: one fixed-length vector per radiograph, stored by content.

The vector is the pooled output of the classifier's last convolutional stage (256 numbers for
``resnet10-narrow``). It is saved as a ``.npy`` in the same content-addressed store as the
pixels; its address depends on both the pixels and the model, so retraining gives new vectors
and never overwrites old ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from osler.errors import IngestError
from osler.ingest.pixel_store import PixelStore

__all__ = ["embed_images", "study_embedding"]


def embed_images(model: Any, images: list[np.ndarray] | np.ndarray) -> np.ndarray:
    """Embeddings (n, d) as float32 for a stack or list of 2D images."""
    return model.transform(images).astype(np.float32)


def study_embedding(model: Any, study: Any, store: PixelStore) -> str:
    """Embed a single-frame radiograph ``ImagingStudy`` from its stored pixels; return the
    content address of the vector.

    Raises
    ------
    IngestError
        The study has no pixels, or they are not one 2D grayscale frame.
    """
    if study.pixel_ref is None:
        raise IngestError("study has no pixels to embed", file=study.provenance.source)
    pixels = store.get(study.pixel_ref)
    if pixels.ndim != 3 or pixels.shape[0] != 1:
        raise IngestError(f"only single-frame grayscale images are embedded; got pixel array "
                          f"{pixels.shape}", file=study.provenance.source)
    return store.put(embed_images(model, [pixels[0].astype(np.float32)])[0])
