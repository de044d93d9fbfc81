"""Where a model card's figures come from: the "Provenance" block of the one-shot tasks.

What the model was trained on is recorded in its manifest at training time
(:func:`training_record`); :func:`card_provenance` joins it with what was evaluated now.
File names only, never folders, and counts, never rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["THRESHOLD_RULE", "card_provenance", "training_record"]

#: How the one-shot tasks choose their decision threshold (they do not tune one).
THRESHOLD_RULE = ("the default 0.5, not tuned on data: predictions are written as "
                  "probabilities, and the card reports sensitivity at 90% specificity instead "
                  "of a cut-off")
_NOT_RECORDED = "not recorded (the model was saved before this was kept)"


def training_record(data: list[Path], everything, trained) -> dict[str, Any]:
    """What to keep in the manifest about the training data: its file names, and rows and
    patients read, trained on, held out and skipped (``everything`` and ``trained`` are the
    TabularData read and the part trained on)."""
    return {"files": [Path(p).name for p in data],
            "rows trained on": len(trained.ids),
            "patients trained on": _count(trained.patients),
            "rows held out": len(everything.ids) - len(trained.ids),
            "skipped": len(everything.skipped)}


def card_provenance(task: str, bundle, data: list[Path], read, evaluated,
                    by_patient: np.ndarray, by_content: np.ndarray) -> dict[str, Any]:
    """The card's Provenance block: training and evaluation data, what was left out as seen in
    training, the data fingerprint, the threshold and its rule, library versions."""
    rule = bundle.extra.get("threshold_rule", _NOT_RECORDED)
    return {
        "task": task,
        "training data": bundle.extra.get("training_data", _NOT_RECORDED),
        "training data fingerprint (SHA-256)": bundle.fingerprint,
        "evaluation data": {"files": [Path(p).name for p in data],
                            "rows usable": len(read.ids),
                            "skipped (see Notes)": len(read.skipped),
                            "rows evaluated": len(evaluated.ids),
                            "patients evaluated": _count(evaluated.patients)},
        "left out as seen in training": {
            "rows of patients trained on": int(by_patient.sum()),
            "rows identical to a training row": int(by_content.sum()),
            "rows compared by content": "yes" if bundle.training_rows is not None
                                        and read.content is not None else "no"},
        "decision threshold": {"value": bundle.threshold, "rule": rule},
        "library versions": dict(bundle.versions),
    }


def _count(patients: np.ndarray) -> int:
    return int(len(set(map(str, patients))))
