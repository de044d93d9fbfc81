"""PhysioNet 2019-style ``.psv`` text of a synthetic ICU stay, and the ground-truth labels."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable

from osler.synth.physiology import PSV_COLUMNS, IcuStay

__all__ = ["LABEL_COLUMNS", "labels_csv", "psv_text"]

LABEL_COLUMNS = ("stay_id", "patient_id", "septic", "onset_hour", "first_positive_hour",
                 "n_hours", "unit", "confounder")


def _cell(value: float) -> str:
    # Values are already rounded; %.10g gives the shortest stable text ("97", "36.89", "0.4").
    return "NaN" if math.isnan(value) else f"{value:.10g}"


def psv_text(stay: IcuStay) -> str:
    """The stay as PhysioNet 2019 writes it: a ``|`` header of 41 columns, one row per hour."""
    lines = ["|".join(PSV_COLUMNS)]
    lines.extend("|".join(_cell(v) for v in row) for row in stay.rows.tolist())
    return "\n".join(lines) + "\n"


def labels_csv(stays: Iterable[tuple[str, IcuStay]]) -> str:
    """Ground truth of the generator, one row per stay: ``(patient_id, stay)`` pairs in.

    ``onset_hour`` is t_sepsis as an ICULOS hour; ``first_positive_hour`` is where
    ``SepsisLabel`` turns 1 (t_sepsis - 6, at least 1). Both are empty for non-septic stays.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LABEL_COLUMNS)
    for patient_id, stay in stays:
        onset = stay.onset_hour
        writer.writerow([stay.stay_id, patient_id, int(stay.septic),
                         "" if onset is None else onset,
                         "" if onset is None else max(1, onset - 6), stay.n_hours, stay.unit,
                         stay.confounder or ""])
    return out.getvalue()
