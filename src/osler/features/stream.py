"""Streaming features: one new ICU hour at a time, through the batch code path.

>>> from osler.features.stream import IncrementalFeaturizer
"""

from __future__ import annotations

import numpy as np

from osler.errors import DataError
from osler.features.hourly import FeatureBlock, featurize
from osler.features.stay import DYNAMIC_VARIABLES, StayFrame

__all__ = ["IncrementalFeaturizer"]


class IncrementalFeaturizer:
    """Holds one stay as it arrives and returns the features of each new hour.

    The features of the newest hour are computed by :func:`~osler.features.hourly.featurize`
    on the rows seen so far, so they equal the batch features of that hour exactly.

    Parameters
    ----------
    stay_id, source : str
        Names for evidence and errors.
    static : dict
        Once-per-stay values (``Age``, ``Gender``, ``Unit1``, ``Unit2``, ``HospAdmTime``).
    static_hours : dict, optional
        The hour from which each static is known (:attr:`StayFrame.static_hours`): an hour
        before it gets no value for it, as in batch.
    """

    def __init__(self, stay_id: str, source: str, static: dict[str, float],
                 static_hours: dict[str, float] | None = None) -> None:
        self.frame = StayFrame(stay_id, source, np.empty(0), np.empty((0, len(DYNAMIC_VARIABLES))),
                               dict(static), np.empty(0, dtype=np.int64), np.empty(0),
                               static_hours=dict(static_hours or {}))

    def update(self, hour: float, values: np.ndarray, line: int = 0) -> FeatureBlock:
        """Add the measurements of ``hour`` (NaN where none) and return that hour's features."""
        f = self.frame
        if len(f.hours) and hour <= f.hours[-1]:
            raise DataError(f"file {f.source}, stay {f.stay_id}: hours must increase; "
                            f"got {hour:g} after {f.hours[-1]:g}")
        values = np.asarray(values, dtype=float).reshape(1, -1)
        if values.shape[1] != len(DYNAMIC_VARIABLES):
            raise DataError(f"an hour needs {len(DYNAMIC_VARIABLES)} values; got {values.shape[1]}")
        f.hours = np.append(f.hours, float(hour))
        f.values = np.vstack([f.values, values])
        f.lines = np.append(f.lines, line)
        f.labels = np.append(f.labels, np.nan)
        return featurize(f, rows=np.array([len(f.hours) - 1]))
