"""Where a model card's figures come from: the "Provenance" block every task's card carries.

:func:`provenance_block` lays the block out the same way for every task (the same labels, in
the same order; :class:`~osler.evaluate.card.ModelCard` renders it). Each task fills it from
what its model recorded at training time and what its evaluation did now; what an older model
did not record reads :data:`NOT_RECORDED`. File names only, never folders, and counts, never
rows.

The one-shot table tasks record :func:`training_record` and :data:`THRESHOLD_RULE` in their
manifest, and :func:`card_provenance` fills their block.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from osler.pipelines._shared import COHORT_EXCLUDED

__all__ = ["NOT_RECORDED", "THRESHOLD_RULE", "card_provenance", "file_names",
           "provenance_block", "training_record"]

#: How the one-shot tasks choose their decision threshold (they do not tune one).
THRESHOLD_RULE = ("the default 0.5, not tuned on data: predictions are written as "
                  "probabilities, and the card reports sensitivity at 90% specificity instead "
                  "of a cut-off")
#: What the card says where the model was saved before a field was kept.
NOT_RECORDED = "not recorded (the model was saved before this was kept)"
#: The count of inputs the task's cohort leaves out by definition, in the Provenance block
_EXCLUDED = f"{COHORT_EXCLUDED} (see Notes)"
#: what models saved on 2026-12-01 named that count in their training record
_EARLIER_EXCLUDED = "left out by the task's cohort (see Notes)"


def provenance_block(task: str, *, training: dict[str, Any] | None, fingerprint: str | None,
                     fingerprint_of: str, evaluation: dict[str, Any],
                     left_out: dict[str, Any], threshold: Any, rule: str | None,
                     versions: dict[str, str] | None,
                     threshold_notes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The card's Provenance block: training and evaluation data, what was left out as seen in
    training, the data fingerprint (and what it covers), the threshold and the rule that set
    it, library versions. ``None`` (not recorded by the model) reads :data:`NOT_RECORDED`."""
    def known(value: Any) -> Any:
        return NOT_RECORDED if value is None else value

    return {
        "task": task,
        "training data": known(training),
        "training data fingerprint (SHA-256)": known(fingerprint),
        "fingerprint of": fingerprint_of,
        "evaluation data": evaluation,
        "left out as seen in training": left_out,
        "decision threshold": {"value": threshold, "rule": known(rule),
                               **(threshold_notes or {})},
        "library versions": known(None if versions is None else dict(versions)),
    }


def file_names(data: list[Path]) -> list[str]:
    """The names of the input files (or folders, or zips), never where they sit."""
    return [Path(p).name for p in data]


def training_record(data: list[Path], everything, trained) -> dict[str, Any]:
    """What to keep in the manifest about the training data: its file names, and rows and
    patients read, trained on, held out and skipped (``everything`` and ``trained`` are the
    TabularData read and the part trained on)."""
    return {"files": file_names(data),
            "rows trained on": len(trained.ids),
            "patients trained on": _count(trained.patients),
            "rows held out": len(everything.ids) - len(trained.ids),
            "skipped": len(everything.skipped),
            **_excluded(everything)}


def card_provenance(task: str, bundle, data: list[Path], read, evaluated,
                    by_patient: np.ndarray, by_content: np.ndarray) -> dict[str, Any]:
    """The Provenance block of a table task: ``read`` is the TabularData read for evaluation,
    ``evaluated`` the part scored; ``by_patient``/``by_content`` mark the rows left out."""
    training = bundle.extra.get("training_data")
    if isinstance(training, dict):   # in the words of today's cards
        training = {_EXCLUDED if k == _EARLIER_EXCLUDED else k: v for k, v in training.items()}
    return provenance_block(
        task, training=training, fingerprint=bundle.fingerprint,
        fingerprint_of="the training feature matrix and row ids",
        evaluation={"files": file_names(data),
                    "rows usable": len(read.ids),
                    "skipped (see Notes)": len(read.skipped),
                    **_excluded(read),
                    "rows evaluated": len(evaluated.ids),
                    "patients evaluated": _count(evaluated.patients)},
        left_out={"rows of patients trained on": int(by_patient.sum()),
                  "rows identical to a training row": int(by_content.sum()),
                  "rows compared by content": "yes" if bundle.training_rows is not None
                                              and read.content is not None else "no"},
        threshold=bundle.threshold, rule=bundle.extra.get("threshold_rule"),
        versions=bundle.versions)


def _excluded(read) -> dict[str, int]:
    """The rows the task's cohort excludes by definition, counted apart from the skipped
    ones (no entry when none: most tasks have no such rule)."""
    n = sum(len(rows) for rows in getattr(read, "excluded", {}).values())
    return {_EXCLUDED: n} if n else {}


def _count(patients: np.ndarray) -> int:
    return int(len(set(map(str, patients))))
