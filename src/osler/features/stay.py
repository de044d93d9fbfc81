"""A columnar view of one hourly ICU stay, built from the events of its :class:`PatientRecord`.

The view is a dense ``hours x variables`` matrix (NaN where nothing was measured) plus, per hour,
the source line it came from, so that every feature value can be traced back to its record.
It is an index over the record's events, not a second parser of the source files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from osler.errors import DataError
from osler.record import EventKind, PatientRecord, Provenance

__all__ = ["DYNAMIC_VARIABLES", "STATIC_VARIABLES", "StayFrame", "icu_stays", "stay_frame"]

#: Hourly variables of the PhysioNet 2019 challenge, in its column order.
DYNAMIC_VARIABLES = (
    "HR", "O2Sat", "Temp", "SBP", "MAP", "DBP", "Resp", "EtCO2", "BaseExcess", "HCO3", "FiO2",
    "pH", "PaCO2", "SaO2", "AST", "BUN", "Alkalinephos", "Calcium", "Chloride", "Creatinine",
    "Bilirubin_direct", "Glucose", "Lactate", "Magnesium", "Phosphate", "Potassium",
    "Bilirubin_total", "TroponinI", "Hct", "Hgb", "PTT", "WBC", "Fibrinogen", "Platelets")
#: Once-per-stay variables (age, sex, ICU unit, hours from hospital to ICU admission).
STATIC_VARIABLES = ("Age", "Gender", "Unit1", "Unit2", "HospAdmTime")


@lru_cache(maxsize=1)
def _code_to_variable() -> dict[tuple[str, str], str]:
    """(system, code) -> PhysioNet 2019 variable, from the ingest layer's coding table."""
    from osler.record import LOINC, OSLER
    from osler.resources import load_tsv
    out = {}
    for row in load_tsv("physionet/variables.tsv"):
        if row["challenge"] != "2019":
            continue
        key = (LOINC, row["loinc"]) if row["loinc"] else (f"{OSLER}:physionet2019", row["variable"])
        out[key] = row["variable"]
    return out


@dataclass
class StayFrame:
    """One stay as arrays. Row ``i`` is ICU hour ``hours[i]`` (hours since ICU admission).

    ``values[i, j]`` is variable ``DYNAMIC_VARIABLES[j]`` measured at that hour (NaN if not).
    ``lines[i]`` is the 1-based source line of the hour; ``labels[i]`` the hourly SepsisLabel
    (NaN when the source has none). ``static_hours[v]`` is the hour from which static ``v`` is
    known (the row that first held it); a static not named there is known from the start.
    """

    stay_id: str
    source: str
    hours: np.ndarray
    values: np.ndarray
    static: dict[str, float]
    lines: np.ndarray
    labels: np.ndarray
    unit: str | None = None
    sex: str | None = None
    event_ids: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)
    static_hours: dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.hours)

    def head(self, n: int) -> StayFrame:
        """The stay as it was known after its first ``n`` hours (for streaming replay)."""
        return StayFrame(self.stay_id, self.source, self.hours[:n], self.values[:n], self.static,
                         self.lines[:n], self.labels[:n], self.unit, self.sex, self.event_ids,
                         self.static_hours)


def stay_frame(record: PatientRecord, *, keep_event_ids: bool = False,
               allow_unmeasured: bool = False) -> StayFrame:
    """Build the hourly view of a PhysioNet-2019-style stay from its record's events.

    ``keep_event_ids`` keeps the event id of every cell, for evidence that points at the
    store; batch training leaves it off to save memory. ``allow_unmeasured`` accepts a stay
    whose hours hold no measured value at all (a prediction file still needs a row per hour).

    Raises
    ------
    DataError
        When the stay has no hours, no measured value at all, or hours that repeat.
    """
    code_map = _code_to_variable()
    col = {v: j for j, v in enumerate(DYNAMIC_VARIABLES)}
    cells: list[tuple[float, int, float, int, str]] = []
    static: dict[str, float] = {}
    static_hours: dict[str, float] = {}
    for e in record.events:
        if e.kind is not EventKind.OBSERVATION or e.coding is None or e.value is None:
            continue
        var = code_map.get((e.coding.system, e.coding.code))
        if var is None or e.available_offset is None:
            continue   # not of the stay's grid: a clock-timed event (see icu_stays)
        hour = e.available_offset.total_seconds() / 3600.0
        if var in col:
            cells.append((hour, col[var], e.value.value, e.provenance.line or 0, e.id))
        elif var in ("Age", "HospAdmTime"):
            # known from the row that first held it (an Age first written on hour 6 is no
            # feature of hours 1-5), though it describes the admission
            static[var], static_hours[var] = e.value.value, hour
    label_rows = [(lb.offset.total_seconds() / 3600.0, lb.value, lb.provenance.line or 0)
                  for lb in record.labels if lb.name == "SepsisLabel" and lb.offset is not None]
    frame = _assemble(record, cells, label_rows, static, keep_event_ids, allow_unmeasured)
    # sex and unit given only from a later row (Gender NaN in row 1): known from that row's hour
    frame.static_hours = {**static_hours, **dict(record.descriptor_hours)}
    return frame


def _assemble(record: PatientRecord, cells: list, label_rows: list,
              static: dict[str, float], keep_event_ids: bool,
              allow_unmeasured: bool = False) -> StayFrame:
    source = str(record.provenance.source)
    hour_set = sorted({c[0] for c in cells} | {r[0] for r in label_rows})
    if not hour_set:
        raise DataError(f"file {source}, stay {record.patient_id}: stay has no rows")
    if not cells and not allow_unmeasured:
        # Age, Gender, Unit or ICULOS may hold values: they describe the stay, measure nothing
        raise DataError(f"file {source}, stay {record.patient_id}: no vital or lab measured in "
                        "any row; at least one measured vital or lab value is needed")
    hours = np.asarray(hour_set, dtype=float)
    index = {h: i for i, h in enumerate(hour_set)}
    values = np.full((len(hours), len(DYNAMIC_VARIABLES)), np.nan)
    lines = np.zeros(len(hours), dtype=np.int64)
    labels = np.full(len(hours), np.nan)
    event_ids = {}
    for hour, j, value, line, eid in cells:
        i = index[hour]
        values[i, j] = value
        lines[i] = line
        if keep_event_ids:
            event_ids[(i, j)] = eid
    for hour, value, line in label_rows:
        labels[index[hour]] = value
        lines[index[hour]] = lines[index[hour]] or line
    unit = _unit(record)
    static = {**static, "Gender": {"male": 1.0, "female": 0.0}.get(record.sex or "", np.nan),
              "Unit1": float(unit == "MICU") if unit else np.nan,
              "Unit2": float(unit == "SICU") if unit else np.nan}
    return StayFrame(record.patient_id, source, hours, values, static, lines, labels, unit,
                     record.sex, event_ids)


def icu_stays(record: PatientRecord, *, hourly: bool = True) -> list[PatientRecord]:
    """The hourly ICU stays in a patient's timeline, one record each, ordered by stay id;
    with ``hourly=False`` the other ICU stays with admission-relative times instead (PhysioNet
    2012's first 48 h, timed to the minute).

    A stored patient may hold FHIR events with clock times beside one or more PhysioNet-2019
    stays, whose events carry offsets from the start of their ICU encounter and whose every
    input hour keeps a ``SepsisLabel`` row (NaN when unknown): that hourly grid is what marks a
    stay as hourly (a PhysioNet 2012 stay, with minute offsets and no such rows, is not one).
    Each stay becomes a record of its own (id: the stay's source record id, e.g. ``p000123``)
    holding that encounter, its events and its hour rows, with the patient's demographics, so
    that :func:`stay_frame` sees one stay, every input hour, and nothing with a clock time.
    """
    from dataclasses import replace

    grids = {lb.encounter_id for lb in record.labels
             if lb.name == "SepsisLabel" and lb.encounter_id and lb.offset is not None}
    stays = [e for e in record.events if e.kind is EventKind.ENCOUNTER
             and (e.id in grids) == hourly
             and getattr(e, "encounter_class", None) == "ICU" and e.offset is not None]
    out = []
    for enc in stays:
        events = (enc, *(e for e in record.events
                         if e.encounter_id == enc.id and e.available_offset is not None))
        labels = tuple(lb for lb in record.labels if lb.encounter_id == enc.id)
        stay_id = enc.provenance.record or enc.id
        out.append(replace(record, patient_id=stay_id,
                           provenance=Provenance(enc.provenance.source, stay_id),
                           events=events, labels=labels))
    return sorted(out, key=lambda r: r.patient_id)


def _unit(record: PatientRecord) -> str | None:
    for e in record.events:
        if e.kind is EventKind.ENCOUNTER:
            return getattr(e, "unit", None)
    return None
