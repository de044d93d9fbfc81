"""Loading the MedMNIST-layout NPZ for the pneumonia task, with checks that name what is wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from osler.errors import DataError

#: ``--split test`` reads ``test_*`` when present, else the held-out ``val_*`` arrays (our dev
#: copy of PneumoniaMNIST ships train and val only; val is the held-out set we look at once).
SPLIT_FALLBACK = {"test": "val"}


def resolve_split(keys: set[str], split: str, source: Path) -> str:
    """The array prefix to read for ``split`` (``test`` falls back to ``val``)."""
    if f"{split}_images" in keys:
        return split
    fallback = SPLIT_FALLBACK.get(split)
    if fallback and f"{fallback}_images" in keys:
        return fallback
    splits = sorted(k[: -len("_images")] for k in keys if k.endswith("_images"))
    raise DataError(f"{source}: split must be one of {splits}; got {split!r}")


def load_split(source: Path, split: str, *, labels: bool = True
               ) -> tuple[np.ndarray, np.ndarray | None, str]:
    """Images (n, h, w), labels (n,) or None, and the split actually read."""
    from osler.imaging.transforms import check_images
    try:
        with np.load(source, allow_pickle=False) as npz:
            keys = set(npz.files)
            used = resolve_split(keys, split, source)
            images = npz[f"{used}_images"]
            y = npz[f"{used}_labels"] if labels and f"{used}_labels" in keys else None
    except (OSError, ValueError) as exc:
        raise DataError(f"{source}: not a readable NPZ archive ({exc})") from exc
    images = check_images(images, source=f"{source.name}:{used}_images")
    if labels:
        if y is None:
            raise DataError(f"{source}: no {used}_labels array to train or evaluate against")
        y = np.asarray(y).reshape(-1)
        if len(y) != len(images) or not np.isin(y, (0, 1)).all():
            raise DataError(f"{source}: {used}_labels must hold one 0/1 label per image; got "
                            f"{len(y)} labels for {len(images)} images")
    return images, y, used
