"""The leakage guard: no sample may use data recorded after its prediction time.

Every task's feature code returns, per sample, the prediction time and the latest source time it
read. :func:`check_no_leakage` fails loudly when one is later than the other. Tests also perturb
everything after a prediction time and require the features not to change.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from osler.errors import LeakageError

__all__ = ["check_no_leakage"]


def check_no_leakage(task: str, sample_ids: Sequence[str], prediction_times: np.ndarray,
                     source_times: np.ndarray) -> int:
    """Raise :class:`LeakageError` if any sample read a source later than its prediction time.

    Times are numbers on one axis (hours since admission, or days). Returns the number of
    samples checked.
    """
    pred = np.asarray(prediction_times, dtype=float)
    src = np.asarray(source_times, dtype=float)
    if pred.shape != src.shape:
        raise LeakageError(f"task {task}: {len(pred)} prediction times but {len(src)} source times")
    bad = np.flatnonzero(src > pred)
    if bad.size:
        i = int(bad[0])
        raise LeakageError(
            f"task {task}: {bad.size} sample(s) read data after the prediction time; first: "
            f"sample {sample_ids[i]} predicts at {pred[i]:g} but read a source at {src[i]:g}")
    return int(pred.size)
