"""Task ``pneumonia``: pneumonia vs normal on 2D chest X-rays (PneumoniaMNIST layout or DICOM).

``train`` fits :class:`~osler.imaging.XrayClassifier` on ``train_*`` (it carves its own
validation images for early stopping and temperature calibration); ``predict`` scores an NPZ
split or a directory of CR/DX DICOM files; ``evaluate`` writes the model card on a held-out
split. ``--split test`` means ``test_*`` when the NPZ has it, else the held-out ``val_*``.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import numpy as np

from osler.errors import DataError, IngestError
from osler.pipelines._pneumonia_data import load_split
from osler.pipelines._shared import PredictionSummary, output_file

__all__ = ["DEFAULT_PARAMS", "TASK", "PneumoniaTask"]

log = logging.getLogger(__name__)

#: Chosen on the internal validation images by benchmarks/imaging_pneumonia.py.
DEFAULT_PARAMS = {"architecture": "resnet10-narrow", "size": 28, "epochs": 4, "tta": False}


class PneumoniaTask:
    """The ``pneumonia`` task for ``osler train|predict|evaluate``."""

    name = "pneumonia"

    def train(self, data: list[Path], *, outcomes: Path | None, model_dir: Path,
              seed: int = 0, held_out: float | None = None, **params: object) -> str:
        from osler.imaging import XrayClassifier, save_classifier
        from osler.imaging.persistence import file_fingerprint
        if held_out is not None:
            raise DataError("pneumonia trains on the NPZ's train_* images and is judged on its "
                            "val_*/test_* images, which it never trains on; --held-out does not "
                            "apply")
        if len(data) != 1:
            raise DataError(f"pneumonia trains on one NPZ file; got {len(data)} inputs")
        images, labels, _ = load_split(data[0], "train")
        model = XrayClassifier(**{**DEFAULT_PARAMS, **params, "random_state": seed})
        model.fit(images, labels)
        best = max(model.history_, key=lambda h: h["val_auc"])
        save_classifier(model, model_dir, task=self.name, metadata={
            "data": data[0].name, "data_sha256": file_fingerprint(data[0]),
            "n_train_images": int(len(images) - len(model.validation_index_)),
            "n_validation_images": int(len(model.validation_index_)),
            "validation_auc": best["val_auc"], "best_epoch": best["epoch"]})
        return (f"pneumonia: trained {model.architecture} at {model.size} px on "
                f"{len(images) - len(model.validation_index_)} images in "
                f"{model.fit_seconds_:.0f} s; internal validation AUC {best['val_auc']:.3f} "
                f"(epoch {best['epoch']}), temperature {model.temperature_:.2f}; "
                f"saved to {model_dir}")

    def predict(self, model_dir: Path, data: Path, out: Path, *, split: str | None = None
                ) -> PredictionSummary:
        from osler.imaging import load_classifier
        out = output_file(data, out)
        model, _ = load_classifier(model_dir, task=self.name)
        out.parent.mkdir(parents=True, exist_ok=True)
        if data.is_dir() or not data.name.lower().endswith(".npz"):
            return _predict_dicom(model, data, out)
        images, _, used = load_split(data, split or "test", labels=False)
        p = model.predict_proba(images)[:, 1]
        with out.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["index", "probability"])
            w.writerows((i, f"{v:.6f}") for i, v in enumerate(p))
        return PredictionSummary(
            f"pneumonia: scored {len(p)} images of {data.name}:{used}_images -> {out}",
            scored=len(p), inputs="images")

    def evaluate(self, model_dir: Path, data: list[Path], *, outcomes: Path | None, report: Path,
                 split: str | None = None) -> str:
        from osler.imaging import load_classifier
        from osler.pipelines._pneumonia_card import pneumonia_card, pneumonia_provenance
        if len(data) != 1:
            raise DataError(f"pneumonia evaluates one NPZ file; got {len(data)} inputs")
        model, meta = load_classifier(model_dir, task=self.name)
        from osler.pipelines._pneumonia_card import peer_scores
        images, labels, used = load_split(data[0], split or "test")
        train_images, train_labels, _ = load_split(data[0], "train")
        peer = peer_scores(train_images, train_labels, images, meta["params"])
        card, auc, acc = pneumonia_card(
            model, meta, images, labels, source=f"{data[0].name}:{used}", peer=peer,
            provenance=pneumonia_provenance(meta, data[0], used, len(labels)))
        written = card.write(report)
        return (f"pneumonia: {data[0].name}:{used} ({len(labels)} images) AUC {auc:.3f}, "
                f"accuracy {acc:.3f}; card -> {written}")


def _predict_dicom(model, data: Path, out: Path) -> PredictionSummary:  # noqa: ANN001
    """Score every radiograph under ``data``; a file that is no radiograph is skipped and
    counted (``osler predict`` then exits 3, or 2 when none could be scored)."""
    from osler.imaging.radiograph import read_radiographs
    skipped: list[IngestError] = []
    radiographs = read_radiographs(data, on_error=skipped.append)
    if not radiographs and not skipped:
        raise DataError(f"{data}: no DICOM files to score")
    for err in skipped:
        log.warning("skipped %s", err)
    probabilities = (model.predict_proba([r.image for r in radiographs])[:, 1]
                     if radiographs else np.empty(0))
    with out.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "probability"])
        w.writerows((r.file, f"{v:.6f}") for r, v in zip(radiographs, probabilities))
    return PredictionSummary(
        f"pneumonia: scored {len(radiographs)} radiographs under {data.name}, skipped "
        f"{len(skipped)} file(s) (see log) -> {out}",
        scored=len(radiographs), skipped=[str(err) for err in skipped], inputs="files")


TASK = PneumoniaTask()
