"""Evidence: one reason behind a prediction, pointing back to the source records it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from osler.record import Provenance

__all__ = ["Evidence", "readable_unit"]

#: UCUM codes as a clinician writes them; a code not here is shown as it is ("mg/dL").
_READABLE_UNITS = {"Cel": "°C", "mm[Hg]": "mmHg", "10*3/uL": "×10³/µL", "ug/L": "µg/L",
                   "a": "years", "[pH]": "", "1": "", "{score}": ""}
#: "/min" by what is counted (the label's start), else as it is
_PER_MINUTE = {"Heart rate": "bpm", "Maximum heart rate": "bpm", "Respiratory rate": "breaths/min"}


def readable_unit(unit: str | None, label: str = "") -> str:
    """A UCUM ``unit`` for a reader: ``"Cel"`` -> ``"°C"``, ``"mm[Hg]"`` -> ``"mmHg"``, a heart
    rate's ``"/min"`` -> ``"bpm"`` (``label`` says what was counted); ``""`` for none or a
    unitless one (pH, a fraction, a score).

    >>> readable_unit("Cel"), readable_unit("/min", "Heart rate, last value")
    ('°C', 'bpm')
    """
    if not unit:
        return ""
    if unit.endswith("/h") and len(unit) > 2:   # a slope: the per-hour change of a value
        return f"{readable_unit(unit[:-2], label) or '1'}/h"
    if unit == "/min":
        return next((v for k, v in _PER_MINUTE.items() if label.startswith(k)), unit)
    return _READABLE_UNITS.get(unit, unit)


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """A contribution to a prediction that a clinician can check at its source.

    Parameters
    ----------
    label : str
        What it is, in clinical words ("Heart rate, last value").
    value : object
        The value the model saw (number, text, genotype), or ``None`` when missing.
    unit : str or None
        UCUM unit of ``value``.
    contribution : float
        Signed contribution to the model output (log-odds for tree SHAP values).
    kind : str
        ``feature``, ``image-region``, ``genotype``, ``note-span`` ...
    source, event_ids, time, offset
        Where the value came from: provenance of the source record, the store event ids,
        and when it was recorded (absolute ``time`` or admission-relative ``offset``).
    detail : str or None
        Anything else that helps (a PNG path for an image region, a rule id).
    """

    label: str
    value: Any
    unit: str | None
    contribution: float
    kind: str
    source: Provenance | None = None
    event_ids: tuple[str, ...] = ()
    time: datetime | None = None
    offset: timedelta | None = None
    detail: str | None = None

    def value_text(self) -> str:
        """The value as a reader sees it: ``"7.31"``, ``"98 mm[Hg]"``, or ``"missing"``."""
        return self._with_unit(self.unit)

    def readable_text(self) -> str:
        """:meth:`value_text` with the unit as a clinician writes it (``"38.2 °C"``,
        ``"98 mmHg"``, ``"112 bpm"``; see :func:`readable_unit`), for people reading a console."""
        return self._with_unit(readable_unit(self.unit, self.label))

    def _with_unit(self, unit: str | None) -> str:
        value = self._plain_value()
        if value is None:
            return "missing"
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        return f"{shown} {unit}" if unit else shown

    def _plain_value(self) -> Any:
        """``value`` as a Python scalar; ``None`` when missing (NaN included)."""
        value = self.value
        if hasattr(value, "item"):  # numpy scalar
            value = value.item()
        return None if isinstance(value, float) and value != value else value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (times as ISO 8601, offsets in hours). A missing value is ``null``
        in ``value``; ``value_text`` is the value as a reader sees it (``"missing"``)."""
        return {
            "label": self.label,
            "value": self._plain_value(),
            "value_text": self.value_text(),
            "unit": self.unit,
            "contribution": float(self.contribution),
            "kind": self.kind,
            "source": str(self.source) if self.source else None,
            "event_ids": list(self.event_ids),
            "time": self.time.isoformat() if self.time else None,
            "offset_hours": self.offset.total_seconds() / 3600 if self.offset is not None else None,
            "detail": self.detail,
        }
