"""Grad-CAM saliency (MONAI's ``GradCAM``) and PNG overlays a clinician can look at.

For a one-logit network Grad-CAM weights the target layer's activation maps by the mean gradient
of the pneumonia logit, keeps the positive part and upsamples it to the input.

Checked, not assumed: MONAI 1.6's default post-processing (``default_normalizer``) maps
(min, max) to (1, 0), i.e. it FLIPS the map, so the hottest region would show as the coldest.
Osler passes its own min-max scaling instead. Verified on synthetic images where the
consolidation's position is known (tests/imaging/test_saliency_triage.py: the map's peak falls
on the lesion far above chance; with MONAI's default it never did).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from osler._extras import require

__all__ = ["SaliencyMap", "grad_cam", "save_overlay"]


@dataclass(frozen=True)
class SaliencyMap:
    """A Grad-CAM map (size x size, in [0, 1]) with the region it points at."""

    heatmap: np.ndarray
    box: tuple[int, int, int, int]      # rows [top, bottom), cols [left, right) of the hot region
    hot_fraction: float                 # share of the image inside the hot region
    layer: str


def _hot_box(heatmap: np.ndarray, quantile: float = 0.8) -> tuple[tuple[int, int, int, int], float]:
    hot = heatmap >= np.quantile(heatmap, quantile)
    rows, cols = np.flatnonzero(hot.any(axis=1)), np.flatnonzero(hot.any(axis=0))
    if not len(rows):
        return (0, heatmap.shape[0], 0, heatmap.shape[1]), 1.0
    box = (int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)
    return box, float(hot.mean())


def _unit_scale(x: Any) -> Any:
    """Per-map min-max scaling to [0, 1] that keeps hot as hot (MONAI's default flips it)."""
    flat = x.flatten(1)
    low, high = flat.min(dim=1).values, flat.max(dim=1).values
    span = (high - low).clamp_min(1e-12)
    shape = (-1,) + (1,) * (x.dim() - 1)
    return (x - low.view(shape)) / span.view(shape)


def grad_cam(model: Any, image: np.ndarray, *, layer: str | None = None) -> SaliencyMap:
    """Grad-CAM of a fitted :class:`XrayClassifier` for one 2D image (any size)."""
    torch = require("torch", "imaging")
    visualize = require("monai.visualize", "imaging")
    from osler.imaging.networks import saliency_layer
    model._check_fitted()
    layer = layer or saliency_layer(model.architecture)
    x = model.model_input([np.asarray(image)])
    cam = visualize.GradCAM(nn_module=model.network_, target_layers=layer,
                            postprocessing=_unit_scale)
    with torch.enable_grad():
        heat = cam(x=x.clone().requires_grad_(False), class_idx=0)
    heatmap = np.asarray(heat.detach().cpu())[0, 0].astype(np.float32)
    box, fraction = _hot_box(heatmap)
    return SaliencyMap(heatmap=heatmap, box=box, hot_fraction=fraction, layer=layer)


def _colour(heat: np.ndarray) -> np.ndarray:
    """A blue-to-red ramp (no matplotlib needed): RGB floats in [0, 1]."""
    r = np.clip(1.5 * heat - 0.25, 0, 1)
    g = np.clip(1.5 - np.abs(heat - 0.5) * 3, 0, 1)
    b = np.clip(1.25 - 1.5 * heat, 0, 1)
    return np.stack([r, g, b], axis=-1)


def save_overlay(image: np.ndarray, saliency: SaliencyMap, path: str | Path, *,
                 scale: int = 8, alpha: float = 0.45) -> Path:
    """Save the image (as the model saw it) with the Grad-CAM map blended over it, as PNG."""
    pil = require("PIL.Image", "imaging")
    size = saliency.heatmap.shape[0]
    gray = np.asarray(pil.fromarray(np.asarray(image, dtype=np.float32))
                      .resize((size, size), pil.BILINEAR), dtype=np.float32)
    gray = (gray - gray.min()) / max(float(np.ptp(gray)), 1e-6)
    blended = (1 - alpha) * gray[..., None] + alpha * _colour(saliency.heatmap)
    top, bottom, left, right = saliency.box
    blended[top:bottom, [left, right - 1]] = blended[[top, bottom - 1], left:right] = (1, 1, 0)
    rgb = pil.fromarray((np.clip(blended, 0, 1) * 255).astype(np.uint8), "RGB")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rgb.resize((size * scale, size * scale), pil.NEAREST).save(path, format="PNG")
    return path
