"""Live scoring of one stay, hour by hour, with the same incremental features as batch.

Used by ``osler monitor sepsis`` and the service: each new hour gives a risk, the alarm state
and the top evidence behind it, every item pointing at the source line it came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from osler.errors import DataError, OslerError
from osler.explain import Evidence, hourly_source, top_evidence
from osler.features import (FeatureBlock, IncrementalFeaturizer, StayFrame, feature_names,
                            featurize, stay_frame)
from osler.pipelines._shared import load_bundle
from osler.record import PatientRecord

__all__ = ["HourlyRisk", "SepsisMonitor"]


@dataclass(frozen=True)
class HourlyRisk:
    """The model's view of one stay at one hour."""

    stay_id: str
    hour: float
    probability: float
    alarm: bool
    evidence: list[Evidence]

    def to_dict(self) -> dict:
        return {"stay": self.stay_id, "hour": self.hour, "probability": self.probability,
                "alarm": self.alarm, "evidence": [e.to_dict() for e in self.evidence]}


class SepsisMonitor:
    """Scores a stay as its hours arrive.

    Parameters
    ----------
    model_dir : Path
        A saved ``sepsis`` model.
    top_k : int
        Evidence items per hour.
    """

    def __init__(self, model_dir: Path, top_k: int = 3) -> None:
        self.bundle = load_bundle("sepsis", model_dir)
        self.top_k = top_k
        self.names = feature_names()

    def replay(self, stay_file: Path) -> Iterator[HourlyRisk]:
        """Replay a ``.psv`` stay hour by hour, as if each row were arriving live."""
        yield from self.replay_frame(self.open_stay(stay_file))

    def open_stay(self, stay_file: Path, implausible: list[str] | None = None) -> StayFrame:
        """The one stay of ``stay_file``, read and checked at once (a DataError names the file
        and reason), so that a caller can refuse a bad stay before it prints anything.

        When ``implausible`` is a list, the stay's readings outside physiological limits are
        added to it (file, line and variable each, never the value), as ``osler predict
        sepsis`` names them: they are scored as given (the caller words them with
        :func:`osler.pipelines._shared.implausible_note`, as predict does)."""
        from osler.ingest._plausible import outside_limits
        from osler.ingest.physionet import read_physionet2019

        records = list(read_physionet2019(Path(stay_file), labels=False))   # scored, not judged
        if len(records) != 1:
            raise DataError(f"file {stay_file}: a monitor replays one stay; got {len(records)}")
        if implausible is not None:
            implausible += outside_limits(records[0], "2019")
        # as prediction does: a stay whose hours hold no measured value is scored from the
        # time in the ICU and missingness alone (never refused as if it had no hours)
        return stay_frame(records[0], keep_event_ids=True, allow_unmeasured=True)

    @staticmethod
    def unmeasured_note(frame: StayFrame, stay_file: Path) -> str | None:
        """What ``osler predict sepsis`` says of a stay with no measured value in any hour
        (its risks rest on the time in the ICU and missingness alone), ``None`` otherwise."""
        if not np.isnan(frame.values).all():
            return None
        return (f"file {Path(stay_file).name}, stay {frame.stay_id}: no hour holds a measured "
                "value; scored from the time in the ICU and missingness alone")

    def replay_frame(self, frame: StayFrame) -> Iterator[HourlyRisk]:
        """Each hour of ``frame`` (from :meth:`open_stay`) scored as it arrives."""
        stream = IncrementalFeaturizer(frame.stay_id, frame.source, frame.static,
                                       frame.static_hours)
        stream.frame.event_ids = frame.event_ids
        for i, hour in enumerate(frame.hours):
            yield self.score_hour(stream, hour, frame.values[i], int(frame.lines[i]))

    def explain_stays(self, paths: list[Path]) -> Iterator[HourlyRisk]:
        """Every hour of every stay under ``paths`` with its evidence, from the batch features
        (the rows ``osler predict sepsis`` scores, in the same order of files). Stays that
        prediction skips are skipped here too; prediction reports them."""
        import tempfile

        from osler.ingest.physionet import read_physionet2019
        from osler.pipelines._sepsis_data import named_stay_files, unique_stays

        model = self.bundle.estimator
        with tempfile.TemporaryDirectory(prefix="osler-explain-") as tmp:
            files, _ = unique_stays(named_stay_files(paths, Path(tmp)))
            for path in files:
                # as prediction reads them: labels unread, so the same stays are scored
                for record in read_physionet2019(path, on_error=lambda _e: None, labels=False):
                    try:
                        frame = stay_frame(record, keep_event_ids=True, allow_unmeasured=True)
                    except OslerError:
                        continue
                    block = featurize(frame)
                    p = model.predict_proba(block.X)[:, 1]
                    contrib = model.contributions(block.X)
                    for k, row in enumerate(block.rows):
                        yield HourlyRisk(frame.stay_id, float(frame.hours[row]), float(p[k]),
                                         bool(p[k] >= self.threshold),
                                         top_evidence(self.names, block.X[k], contrib[k],
                                                      hourly_source(frame, int(row)),
                                                      self.top_k))

    @property
    def threshold(self) -> float:
        """The alert threshold chosen for the model (on out-of-fold training scores)."""
        return self.bundle.threshold

    def assess(self, stay: PatientRecord) -> HourlyRisk:
        """Score the latest hour of one stored ICU stay (a record from
        :func:`~osler.features.icu_stays`), with the batch features of that hour: the same
        values the hour-by-hour replay gives (tested).

        Raises
        ------
        DataError
            When the stay holds no hour or no measured value.
        """
        frame = stay_frame(stay, keep_event_ids=True)
        row = len(frame) - 1
        return self._scored(frame, featurize(frame, np.array([row])), row)

    def score_hour(self, stream: IncrementalFeaturizer, hour: float, values: np.ndarray,
                   line: int = 0) -> HourlyRisk:
        """Add one hour to ``stream`` and score it."""
        block = stream.update(hour, values, line)
        return self._scored(stream.frame, block, int(block.rows[0]))

    def _scored(self, frame: StayFrame, block: FeatureBlock, row: int) -> HourlyRisk:
        model = self.bundle.estimator
        p = float(model.predict_proba(block.X)[0, 1])
        evidence = []
        if self.top_k:
            contrib = model.contributions(block.X)[0]
            evidence = top_evidence(self.names, block.X[0], contrib, hourly_source(frame, row),
                                    self.top_k)
        return HourlyRisk(frame.stay_id, float(frame.hours[row]), p, p >= self.threshold,
                          evidence)
