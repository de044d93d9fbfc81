"""The image transforms every path shares: NPZ arrays, DICOM radiographs and Grad-CAM inputs.

An image is a 2D array of any numeric dtype and size. It is scaled per image to [0, 1] (so 8-bit
MedMNIST images and 12/16-bit DICOM radiographs land on the same scale), resized to the model's
resolution with area averaging, and standardised. Training adds small random affine changes.

MONAI's array transforms work on one channel-first item; a stack of same-sized images is passed
as one item whose channels are the images (``channel_wise`` scaling keeps the per-image
semantics), which is ~100x faster than a Python loop over items.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from osler._extras import require
from osler.errors import DataError

__all__ = ["RandomAffine", "check_images", "preprocess"]

#: Standardisation after [0, 1] scaling: keeps inputs near zero mean, unit spread.
_CENTRE, _SPREAD = 0.5, 0.25


def check_images(images: np.ndarray, *, source: str) -> np.ndarray:
    """Validate a stack of 2D images ``(n, height, width)``; name the first bad one.

    Raises
    ------
    DataError
        Wrong number of dimensions, an empty stack, or a non-finite value (NaN, inf).
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:  # (n, h, w, 1) as some exports write it
        images = images[..., 0]
    if images.ndim != 3 or images.shape[0] == 0 or min(images.shape[1:]) < 8:
        raise DataError(f"{source}: images must be a non-empty stack (n, height, width) of at "
                        f"least 8x8 pixels; got shape {images.shape}")
    if not np.issubdtype(images.dtype, np.number):
        raise DataError(f"{source}: images must be numeric; got dtype {images.dtype}")
    if np.issubdtype(images.dtype, np.floating):
        bad = ~np.isfinite(images).all(axis=(1, 2))
        if bad.any():
            raise DataError(f"{source}: image {int(np.argmax(bad))} (and {int(bad.sum()) - 1} "
                            "more) holds NaN or infinite values; finite values are required")
    return images


def preprocess(images: np.ndarray, size: int) -> Any:
    """Model input: a float32 tensor ``(n, 1, size, size)`` from a stack of 2D images."""
    torch = require("torch", "imaging")
    mt = require("monai.transforms", "imaging")
    pipeline = mt.Compose([
        mt.ScaleIntensity(minv=0.0, maxv=1.0, channel_wise=True),
        mt.Resize(spatial_size=(size, size), mode="area" if images.shape[-1] >= size
                  else "bilinear"),
        mt.NormalizeIntensity(subtrahend=_CENTRE, divisor=_SPREAD),
    ])
    stack = torch.as_tensor(np.asarray(images, dtype=np.float32))
    out = pipeline(stack)
    return torch.as_tensor(out).as_subclass(torch.Tensor).unsqueeze(1).contiguous()


class RandomAffine:
    """Per-image random affine for a batch (rotation, scale, shift), via MONAI's AffineTransform.

    No flips: a chest X-ray is not left-right symmetric (heart, aortic knob).

    Parameters
    ----------
    rotate_deg, scale, shift : maximum rotation in degrees, relative scale change and shift as a
        fraction of the side.
    seed : int
    """

    def __init__(self, rotate_deg: float = 10.0, scale: float = 0.1, shift: float = 0.08,
                 seed: int = 0) -> None:
        self.rotate_deg = rotate_deg
        self.scale = scale
        self.shift = shift
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def __call__(self, batch: Any) -> Any:
        torch = require("torch", "imaging")
        layers = require("monai.networks.layers", "imaging")
        n, size = batch.shape[0], batch.shape[-1]
        r = self._rng
        angle = np.deg2rad(r.uniform(-self.rotate_deg, self.rotate_deg, n))
        zoom = 1.0 + r.uniform(-self.scale, self.scale, n)
        shift = r.uniform(-self.shift, self.shift, (n, 2)) * size
        theta = np.zeros((n, 3, 3), dtype=np.float32)
        theta[:, 0, 0] = theta[:, 1, 1] = np.cos(angle) * zoom
        theta[:, 0, 1], theta[:, 1, 0] = -np.sin(angle) * zoom, np.sin(angle) * zoom
        theta[:, :2, 2] = shift
        theta[:, 2, 2] = 1.0
        warp = layers.AffineTransform(normalized=False, padding_mode="border",
                                      zero_centered=True)
        return warp(batch, torch.as_tensor(theta))

