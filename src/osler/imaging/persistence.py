"""Save and load an :class:`XrayClassifier` with its task, data fingerprint and versions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from osler import __version__
from osler._extras import require
from osler.errors import ModelError

__all__ = ["file_fingerprint", "load_classifier", "save_classifier"]

_WEIGHTS, _META = "network.pt", "model.json"


def file_fingerprint(path: Path) -> str:
    """SHA-256 of a data file: which data a model was trained on."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def save_classifier(model: Any, directory: Path, *, task: str, metadata: dict[str, Any]) -> Path:
    """Write ``network.pt`` (weights only) and ``model.json`` into ``directory``."""
    torch = require("torch", "imaging")
    monai = require("monai", "imaging")
    model._check_fitted()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    torch.save(model.network_.state_dict(), directory / _WEIGHTS)
    meta = {"task": task, "estimator": "XrayClassifier", "params": model.get_params(),
            "temperature": model.temperature_, "n_features_out": model.n_features_out_,
            "fit_seconds": model.fit_seconds_, "history": model.history_,
            "versions": {"osler": __version__, "torch": torch.__version__,
                         "monai": monai.__version__, "numpy": np.__version__},
            **metadata}
    (directory / _META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return directory


def load_classifier(directory: Path, *, task: str) -> tuple[Any, dict[str, Any]]:
    """The fitted classifier saved in ``directory`` and its metadata.

    Raises
    ------
    ModelError
        No model there, or one saved for another task.
    """
    from osler.imaging.classifier import XrayClassifier
    from osler.imaging.networks import build_network
    torch = require("torch", "imaging")
    directory = Path(directory)
    try:
        meta = json.loads((directory / _META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{directory}: no readable {_META} ({type(exc).__name__})") from exc
    if meta.get("task") != task:
        raise ModelError(f"{directory}: model was trained for task {meta.get('task')!r}; "
                         f"expected {task!r}")
    model = XrayClassifier(**meta["params"])
    network = build_network(model.architecture)
    network.load_state_dict(torch.load(directory / _WEIGHTS, weights_only=True))
    network.eval()
    model.network_, model.temperature_ = network, float(meta["temperature"])
    model.n_features_out_, model.history_ = meta["n_features_out"], meta["history"]
    model.fit_seconds_ = meta["fit_seconds"]
    torch.set_num_threads(model.n_threads)
    return model, meta
