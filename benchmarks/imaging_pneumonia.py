"""Benchmark: pneumonia X-ray classifier, training time and batched inference, against a peer.

Run: .venv/bin/python benchmarks/imaging_pneumonia.py [--data NPZ] [--model DIR] [--compare]

Everything here uses the TRAIN arrays only: the classifier carves its internal validation images
from them (by image index) and every AUC printed is on those internal validation images. The
held-out ``val_*`` split is looked at once, by ``osler evaluate pneumonia`` (docs/cards).

- default: train the task's default configuration (2 torch threads), time it, then time batched
  inference (ms per image, with and without test-time augmentation) on the internal validation
  images. The peer, in the same run on the same images: scikit-learn logistic regression on the
  raw 28x28 pixels.
- ``--model DIR``: skip training; time inference of a saved model.
- ``--compare``: also train the candidate configurations (architecture, resolution,
  augmentation) and print their internal validation AUC: how the default was chosen.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "pneumonia-mnist" / \
    "pneumoniamnist_dev.npz"
CANDIDATES = [
    {"architecture": "resnet10-narrow", "size": 28, "augment": True},
    {"architecture": "resnet10-narrow", "size": 28, "augment": False},
    {"architecture": "resnet18-narrow", "size": 28, "augment": True},
    {"architecture": "resnet10-narrow", "size": 56, "augment": True},
]


def _peer(images: np.ndarray, labels: np.ndarray, fit_idx: np.ndarray, val_idx: np.ndarray):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    x = images.reshape(len(images), -1) / 255.0
    t = time.perf_counter()
    peer = LogisticRegression(C=0.05, max_iter=2000).fit(x[fit_idx], labels[fit_idx])
    fit_s = time.perf_counter() - t
    t = time.perf_counter()
    p = peer.predict_proba(x[val_idx])[:, 1]
    infer_ms = (time.perf_counter() - t) / len(val_idx) * 1e3
    return {"fit_s": fit_s, "infer_ms_per_image": infer_ms,
            "internal_val_auc": roc_auc_score(labels[val_idx], p)}


def _inference(model, images: np.ndarray, labels: np.ndarray, repeats: int = 3
               ) -> dict[str, float]:
    """Batched inference time per image, and internal validation AUC, with and without TTA."""
    from osler.imaging._training import rank_auc
    out, default = {}, model.tta
    for tta in (False, True):
        model.tta = tta
        model.predict_proba(images[:8])  # warm-up
        best = min(_timed(model.predict_proba, images) for _ in range(repeats))
        on = "on" if tta else "off"
        out[f"ms_per_image_tta_{on}"] = best / len(images) * 1e3
        out[f"internal_val_auc_tta_{on}"] = rank_auc(labels, model.predict_proba(images)[:, 1])
    model.tta = default
    return out


def _timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--compare", action="store_true")
    args = ap.parse_args()
    from osler.imaging import XrayClassifier, load_classifier
    from osler.imaging._training import rank_auc, split_by_index
    from osler.pipelines.pneumonia import DEFAULT_PARAMS
    with np.load(args.data) as npz:
        images, labels = npz["train_images"], npz["train_labels"].reshape(-1)
    fit_idx, val_idx = split_by_index(len(images), 0.2, seed=0)
    print(f"# pneumonia benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    results = {"peer_logistic_regression": _peer(images, labels, fit_idx, val_idx)}
    if args.model:
        model, meta = load_classifier(args.model, task="pneumonia")
        results["osler_default"] = {"fit_s": meta["fit_seconds"],
                                    "internal_val_auc": meta.get("validation_auc")}
    else:
        model = XrayClassifier(**DEFAULT_PARAMS).fit(images, labels)
        results["osler_default"] = {"fit_s": model.fit_seconds_, "internal_val_auc": rank_auc(
            labels[val_idx], model.predict_proba(images[val_idx])[:, 1])}
    results["osler_default"].update(_inference(model, images[val_idx], labels[val_idx]))
    peer, ours = results["peer_logistic_regression"], results["osler_default"]
    served = ours[f"ms_per_image_tta_{'on' if model.tta else 'off'}"]
    results["ratios"] = {"fit_time_vs_peer": ours["fit_s"] / peer["fit_s"],
                         "inference_vs_peer": served / peer["infer_ms_per_image"]}
    print(json.dumps(results, indent=2, default=float), flush=True)
    if args.compare:
        for c in CANDIDATES:  # one line per candidate as it finishes
            m = XrayClassifier(**{**DEFAULT_PARAMS, **c}).fit(images, labels)
            print(json.dumps({**c, "internal_val_auc": max(h["val_auc"] for h in m.history_),
                              "fit_s": round(m.fit_seconds_, 1),
                              "load_average": round(os.getloadavg()[0], 1)}), flush=True)


if __name__ == "__main__":
    main()
