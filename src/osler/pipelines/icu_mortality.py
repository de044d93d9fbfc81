"""Task ``icu-mortality``: in-hospital death, predicted once at 48 h after ICU admission, from
PhysioNet/CinC 2012 stays (``Time,Parameter,Value`` files; outcomes in a separate file).

Stays are read with ``read_physionet2012``; features summarise each variable over the first
48 h (first, last, min, max, mean, count, change, hours since last; total urine output), and
clinical summaries across variables are derived from the same time series: SAPS-I-like points
over the first and the last 24 h (``resources/scores/saps1.json``), PaO2/FiO2, urine output
per kg per hour, pressures from invasive or cuff readings, how much was measured; and per
variable the time-weighted mean and the extremes of the first and of the last 24 h (failed
readings dropped). Only the
first Age row of a stay is read (extra rows are later admissions) and ages above 89 read as
90. SAPS-I and
SOFA from the outcomes file are scored beside the model as baselines, never used as
features. A fifth of the stays (hashed RecordID) is held out and never trained on.

Rows after the 48 h are no part of the task: they are counted per stay in the run's summary
and card. A stay with no measurement within the 48 h (descriptors aside) is skipped, named,
as a stay with no measurement at all is. Readings no patient can have
(``resources/physionet/plausible.tsv``: a pH of 735) are named by file, line and variable and
used as given, in training and scoring alike (set a holds 141, most of them failed
temperature probes): reading them as missing would move the published figures.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np

from osler.errors import DataError, IngestError
from osler.evaluate import age_bands
from osler.features import ClinicalScore
from osler.features.summary import (EXTREME_STATS, extreme_names, stay_series, summarize_extremes,
                                    summarize_series, summary_names)
from osler.pipelines._shared import counted_reasons, implausible_note
from osler.pipelines._tabular import TabularData, TabularTask
from osler.record import EventKind, Provenance

__all__ = ["PREDICTION_HOUR", "TASK", "load_icu_mortality"]

PREDICTION_HOUR = 48.0
_STATIC = ("Age", "Height", "Weight")
_SUMS = ("Urine",)
# A 0/1 flag and a volume: their totals and hours are summarised elsewhere.
_NO_EXTREMES = ("MechVent", "Urine")


@lru_cache(maxsize=1)
def _variables() -> tuple[dict[tuple, str], tuple[str, ...]]:
    from osler.record import LOINC, OSLER
    from osler.resources import load_tsv
    mapping = {}
    for r in load_tsv("physionet/variables.tsv"):
        if r["challenge"] != "2012":
            continue
        system, code = (LOINC, r["loinc"]) if r["loinc"] else (f"{OSLER}:physionet2012",
                                                               r["variable"])
        mapping[(system, code, r["display"])] = r["variable"]
    dynamic = tuple(v for v in mapping.values() if v not in _STATIC)
    return mapping, dynamic


def _extreme_variables() -> tuple[str, ...]:
    return tuple(v for v in _variables()[1] if v not in _NO_EXTREMES)


def feature_names_2012() -> list[str]:
    _, dynamic = _variables()
    return (list(_STATIC) + ["male", "icu_ccu", "icu_csru", "icu_micu", "icu_sicu"]
            + summary_names(dynamic, _SUMS) + list(DERIVED) + extreme_names(_extreme_variables()))


def load_icu_mortality(data: list[Path], outcomes: Path | list[Path] | None = None, *,
                       vocabulary: dict | None = None, sources: bool = False,
                       trains_on: object = None, labels: bool = True) -> TabularData:
    """Features at 48 h of every stay under ``data``; labels and scores from ``outcomes``;
    with ``sources``, where each summary came from (:func:`_sources`), for explanations.
    No feature is chosen from the data, so ``vocabulary`` and ``trains_on`` are ignored, and
    the labels are in ``outcomes`` only, so ``labels`` is too. ``outcomes``: one file or
    several (``--outcomes`` repeated), stays matched by RecordID across all of them."""
    from osler.ingest._plausible import outside_limits
    from osler.ingest.physionet import NO_OUTCOME_ROW, outcome_files, read_physionet2012

    outcomes = outcome_files(outcomes) or None

    errors: list[IngestError] = []
    rows, ids, meta, kept_sources, digests = [], [], [], [], []
    repeated: list[tuple[str, str]] = []
    renamed: list[str] = []   # stays whose in-file RecordID is not their file's name
    late: list[str] = []          # per stay with rows after the 48 h: how many were ignored
    late_rows = 0
    implausible: list[str] = []   # readings outside physiological limits, used as given
    seen: dict[str, str] = {}   # RecordID -> the stay file it was first read from
    for source in data:  # the reader takes files, directories and zips alike
        for record in read_physionet2012(source, outcomes=outcomes, on_error=errors.append):
            file = record.provenance.source
            if record.patient_id in seen:   # one output row per RecordID: never two, or a mix
                repeated.append((str(source), f"file {file}, RecordID {record.patient_id}: "
                                              f"{seen[record.patient_id]} has the same "
                                              "RecordID; only that first file is used"))
                continue
            seen[record.patient_id] = file
            renamed += _record_id_note(file, record.patient_id)
            inside, after = _window_counts(record)
            if after:
                late_rows += after
                late.append(f"file {file}, RecordID {record.patient_id}: {after} "
                            f"row{'s' if after > 1 else ''} after {PREDICTION_HOUR:g} h")
            if not inside:   # as a header-only stay: a score from descriptors alone is no
                # statement about the stay's first 48 h
                repeated.append((str(source), f"file {file}, RecordID {record.patient_id}: "
                                 f"stay has no measurement in the first {PREDICTION_HOUR:g} h "
                                 f"({after} after, ignored); nothing to predict from"))
                continue
            implausible += outside_limits(record, "2012")
            x, pred, src = _featurize(record)
            kept_sources.append(_sources(record) if sources else None)
            rows.append(x)
            ids.append(record.patient_id)
            digests.append(stay_digest(record))
            meta.append((pred, src, record.sex or "unknown", _unit(record), x[0],
                         {lb.name: lb.value for lb in record.labels}))
    if not rows:
        unlabelled = {e.record for e in errors if e.reason.startswith(NO_OUTCOME_ROW)}
        if outcomes and unlabelled:   # the outcomes given are not these stays': say so
            _unmatched_outcomes(outcomes, unlabelled)
        raise DataError(f"no usable stays under {[str(p) for p in data]}; first problem: "
                        f"{errors[0] if errors else _first(repeated)}")
    skipped = [(e.file or "", str(e)) for e in errors] + repeated
    d = _assemble(np.vstack(rows), np.asarray(ids), meta, outcomes, skipped)
    d.content = np.asarray(digests, dtype=object)
    if renamed:
        d.warnings.append(counted_reasons("stays whose file names another RecordID than "
                                          "the one they hold (that one is used)", renamed))
    if late:   # the task predicts at 48 h: later rows are no part of it, but never unsaid
        d.warnings.append(counted_reasons(f"stays with rows after {PREDICTION_HOUR:g} h, "
                                          f"ignored ({late_rows} rows)", late))
    if implausible:
        d.warnings.append(implausible_note(implausible))
    d.ids_name_patients = True
    if outcomes is not None:   # not stays skipped: counted apart from those
        d.unmatched_outcomes = _unmatched_outcomes(outcomes, set(ids))
    if sources:
        d.sources = np.empty(len(kept_sources), dtype=object)
        d.sources[:] = kept_sources
    return d


def _record_id_note(file: str, record_id: str) -> list[str]:
    """A warning when a stay's file is named as a RecordID other than the one it holds
    (``135081.txt`` holding ``RecordID,135099``): the stay is known by the RecordID in the
    file, for outcomes and output rows alike, which a reader of the file name would not
    expect. Names that are not numbers (``stay.txt``) name no RecordID: no warning."""
    from pathlib import PurePosixPath

    stem = PurePosixPath(str(file).replace("\\", "/")).name.split(".")[0]
    if not stem.isdigit() or not record_id.isdigit() or int(stem) == int(record_id):
        return []
    return [f"file {file}: holds RecordID {record_id}, not the {stem} of its name; the "
            f"RecordID in the file ({record_id}) is used, for outcomes and output rows alike"]


def _first(skipped: list[tuple[str, str]]) -> str:
    return skipped[0][1] if skipped else "no .txt stays found"


def _window_counts(record) -> tuple[int, int]:
    """(measurements within the first 48 h, not counting the descriptors Age, Height and
    Weight; observations after the 48 h, which the features never read)."""
    mapping, _ = _variables()
    horizon = timedelta(hours=PREDICTION_HOUR)
    inside = after = 0
    for e in record.events:
        if e.kind is not EventKind.OBSERVATION or e.value is None or e.coding is None:
            continue
        offset = e.available_offset
        if offset is None or offset > horizon:
            after += 1
        elif mapping.get((e.coding.system, e.coding.code, e.coding.display)) not in _STATIC:
            inside += 1
    return inside, after


def stay_digest(record) -> str:
    """The first 16 hex digits of SHA-256 over a stay's parsed content: its sex and unit, and
    each observation as (time in seconds, code, value as a float, unit), sorted; never its
    RecordID or file name. A training stay copied under a new RecordID ("RecordID,132539"
    rewritten "RecordID,900001") or file name has the same digest, and so does one whose
    values are written another way ("37" for "37.0"), since parsed values are digested, not
    bytes. Like heart-disease's row digests, it stores no value as such; two stays identical
    in every reading are one to it (the second is left out too)."""
    import hashlib

    parts = [f"sex={record.sex or '?'}", f"unit={_unit(record)}"]
    parts += sorted(f"{(e.available_offset or timedelta(0)).total_seconds():g}|"
                    f"{e.coding.code}|{float(e.value.value)!r}|"
                    f"{e.value.unit}"
                    for e in record.events if e.kind is EventKind.OBSERVATION
                    and e.value is not None and e.coding is not None)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _sources(record) -> dict:
    """Where a stay's summaries came from, chosen as the features choose them: per variable
    the first, last, lowest and highest reading within the 48 h (readings ordered by hour,
    then value, as :func:`stay_series` sorts them), and the lowest and highest valid reading
    of the first and of the last 24 h, each as (Provenance, hour, event id); ``"_stay"``:
    the stay itself."""
    mapping, _ = _variables()
    readings: dict[str, list[tuple]] = {}
    for e in record.known_at(offset=timedelta(hours=PREDICTION_HOUR)):
        if e.kind is not EventKind.OBSERVATION or e.value is None or e.coding is None:
            continue
        var = mapping.get((e.coding.system, e.coding.code, e.coding.display))
        if var is not None:
            readings.setdefault(var, []).append(
                (e.available_offset.total_seconds() / 3600.0, float(e.value.value),
                 e.provenance, e.id))
    out: dict = {"_stay": Provenance(record.provenance.source, record.patient_id)}
    windows = {"first_window": (0.0, 24.0),
               "last_window": (PREDICTION_HOUR - 24.0, PREDICTION_HOUR)}
    def pick(t: tuple) -> tuple:   # (hour, value, provenance, id) -> (provenance, hour, id)
        return t[2], t[0], t[3]

    for var, items in readings.items():
        items.sort(key=lambda t: (t[0], t[1]))
        picks = {"first": pick(items[0]), "last": pick(items[-1]),
                 "min": pick(min(items, key=lambda t: t[1])),
                 "max": pick(max(items, key=lambda t: t[1]))}
        kept = [t for t in items if t[1] > _valid_floor(var)]
        for name, (start, end) in windows.items():
            inside = [t for t in kept if start <= t[0] <= end]
            if inside:
                picks[f"{name}_min"] = pick(min(inside, key=lambda t: t[1]))
                picks[f"{name}_max"] = pick(max(inside, key=lambda t: t[1]))
        out[var] = picks
    return out


def _featurize(record) -> tuple[np.ndarray, float, float]:
    mapping, dynamic = _variables()
    variables = dynamic + _STATIC
    series, latest = stay_series(record, mapping, variables, PREDICTION_HOUR)
    values = summarize_series(series, variables, PREDICTION_HOUR, _SUMS)
    n_stats = len(values) - len(_SUMS)
    per_var = values[:n_stats].reshape(len(variables), -1)
    static = per_var[len(dynamic):, 0]  # first recorded value of Age, Height, Weight
    static[0] = min(static[0], _AGE_CAP)  # NaN stays NaN
    unit = _unit(record)
    flags = [float(record.sex == "male") if record.sex else np.nan] + \
            [float(unit == u) for u in ("CCU", "CSRU", "MICU", "SICU")]
    valid = {v: _valid_readings(series[v], v) for v in _extreme_variables()}
    x = np.r_[static, flags, per_var[: len(dynamic)].ravel(), values[n_stats:],
              derived_features(series, PREDICTION_HOUR),
              summarize_extremes(valid, _extreme_variables(), PREDICTION_HOUR)]
    # a ratio of accepted extremes (BUN 1e9 / creatinine 1e-30) overflows the float32 matrix:
    # beyond float32's range a feature is no measurement, so missing
    x[~(np.abs(x) <= _FLOAT32_MAX)] = np.nan
    return x, PREDICTION_HOUR, latest


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _valid_floor(variable: str) -> float:
    """Readings at or below this failed: 0 (or below) marks them in these files; a body
    temperature below 25 C is one too."""
    return 25.0 if variable == "Temp" else 0.0


def _valid_readings(points: np.ndarray, variable: str) -> np.ndarray:
    """Drop failed readings (see :func:`_valid_floor`)."""
    return points[points[:, 1] > _valid_floor(variable)]


def _unit(record) -> str:
    for e in record.events:
        if getattr(e, "unit", None):
            return e.unit
    return "unknown"


def _unmatched_outcomes(outcomes: list[Path], stay_ids: set[str]) -> list[str]:
    """The outcome rows whose RecordID is no stay read, each named by its file; refused when
    none matches a stay."""
    from osler.ingest.physionet import read_outcome_files_2012

    rows, file_of = read_outcome_files_2012(outcomes)
    if not set(rows) & stay_ids:
        files = (f"file {outcomes[0]}: none of its" if len(outcomes) == 1 else
                 f"files {', '.join(map(str, outcomes))}: none of their")
        raise DataError(f"{files} {len(rows)} RecordIDs match the {len(stay_ids)} stays given")
    return [f"file {file_of[r]}, RecordID {r}: outcome row has no stay"
            for r in sorted(set(rows) - stay_ids)]


def _assemble(X, ids, meta, outcomes, skipped) -> TabularData:
    labels = [m[5] for m in meta]
    y = None
    scores = {}
    if outcomes is not None:
        y = np.array([lb["In-hospital_death"] for lb in labels], dtype=float)
        for name in BASELINE_SCORES:
            s = np.array([lb.get(name, -1.0) for lb in labels], dtype=float)
            s[s < 0] = np.nan  # -1 marks a score the challenge could not compute
            if np.isnan(s).all():   # not in the outcomes file (only RecordID and the label)
                continue            # no baseline: the card says so (see _MortalityTask)
            # missing stays NaN here: filled from the stays evaluated (_evaluated_scores), so
            # that stays read but left out (training stays) never move the figures
            scores[name] = s
    return TabularData(X, y, ids, ids.astype(str), feature_names_2012(),
                       np.array([m[0] for m in meta]), np.array([m[1] for m in meta]),
                       attributes={"sex": np.array([m[2] for m in meta]),
                                   "ICU unit": np.array([m[3] for m in meta]),
                                   "age band": age_bands(np.array([m[4] for m in meta]))},
                       scores=scores, skipped=skipped)


# ---- derived clinical features (computed from the time series up to the prediction hour) ----

DERIVED = ("saps_first24", "saps_last24", "saps_change", "pf_ratio_min", "pf_ratio_last",
           "urine_ml_per_kg_h", "urine_first24", "urine_last24", "sbp_min", "sbp_last",
           "map_min", "map_last", "shock_index_last", "bun_creatinine_last", "weight_change",
           "mechvent_hours", "measurements", "variables_measured")
# Descriptors recorded once at admission. Some stays in these files carry several Age rows
# (ascending, all at 00:00: later admissions' ages); such stays almost never end in death, so
# their number would tell the future, and counts of what was measured leave them out.
_DESCRIPTORS = ("Age", "Height")
# Ages above 89 are de-identified in the MIMIC-II source (shown as 200); read them as the cap.
_AGE_CAP = 90.0


@lru_cache(maxsize=1)
def _saps_bands() -> dict[str, ClinicalScore]:
    from osler.resources import load_json
    data = load_json("scores/saps1.json", keys={"name", "version", "source", "bands",
                                                 "alert_threshold"})
    return {v: ClinicalScore(data["name"], data["version"], data["source"],
                             float(data["alert_threshold"]), {v: bands})
            for v, bands in data["bands"].items()}


def derived_features(series: dict[str, np.ndarray], prediction_hour: float) -> np.ndarray:
    """Clinical summaries across variables, in ``DERIVED`` order (NaN where not measurable).

    SAPS-I-like points over the first and the last 24 h (worst value of each variable), the
    PaO2/FiO2 ratio, urine output per kg per hour, systolic and mean pressure from invasive or
    non-invasive readings, and how much was measured. None reads the outcomes file.
    """
    h = prediction_hour
    sbp, mean_bp = _merged(series, "SysABP", "NISysABP"), _merged(series, "MAP", "NIMAP")
    urine = series["Urine"]
    weight = _valid_weight(series["Weight"])
    pf = _pf_ratios(series["PaO2"], series["FiO2"])
    first24 = _saps(series, sbp, 0.0, 24.0)
    last24 = _saps(series, sbp, h - 24.0, h)
    hr, bun, cr = _last(series["HR"]), _last(series["BUN"]), _last(series["Creatinine"])
    vent = series["MechVent"][:, 0]
    w = series["Weight"][:, 1]
    w = w[w > 20]
    return np.array([
        first24, last24, last24 - first24, _min(pf), _last(pf),
        urine[:, 1].sum() / weight / h if len(urine) and weight else np.nan,
        _window_sum(urine, 0.0, 24.0), _window_sum(urine, h - 24.0, h),
        _min(sbp), _last(sbp), _min(mean_bp), _last(mean_bp),
        hr / _last(sbp) if _last(sbp) > 0 else np.nan,
        bun / cr if cr > 0 else np.nan,
        w[-1] - w[0] if w.size else np.nan, vent[-1] - vent[0] if vent.size else 0.0,
        float(sum(len(s) for v, s in series.items() if v not in _DESCRIPTORS)),
        float(sum(len(s) > 0 for v, s in series.items() if v not in _DESCRIPTORS)),
    ], dtype=float)


def _merged(series, invasive: str, noninvasive: str) -> np.ndarray:
    both = np.vstack([series[invasive], series[noninvasive]])
    both = both[both[:, 1] > 0]  # 0 marks a failed reading in these files
    return both[np.argsort(both[:, 0], kind="stable")]


def _valid_weight(points: np.ndarray) -> float | None:
    w = points[:, 1][(points[:, 1] > 20) & (points[:, 1] < 300)]
    return float(w[0]) if w.size else None


def _pf_ratios(pao2: np.ndarray, fio2: np.ndarray) -> np.ndarray:
    """PaO2 / FiO2 at each PaO2, with the last FiO2 known by then (FiO2 recorded as 0-1)."""
    if not len(pao2) or not len(fio2):
        return np.zeros((0, 2))
    idx = np.searchsorted(fio2[:, 0], pao2[:, 0], side="right") - 1
    ok = idx >= 0
    f = fio2[idx[ok], 1]
    f = np.where(f > 1, f / 100.0, f)  # a few rows give FiO2 in percent
    good = f > 0
    return np.column_stack([pao2[ok, 0][good], pao2[ok, 1][good] / f[good]])


def _saps(series, sbp: np.ndarray, start: float, end: float) -> float:
    """SAPS-I-like points from the worst values in ``[start, end]`` hours."""
    scores = _saps_bands()
    total = 0.0
    for var, score in scores.items():
        if var == "Age":
            pts = np.minimum(series["Age"][:1, 1], _AGE_CAP)
        elif var == "SysABP":
            pts = _window(sbp, start, end)
        elif var == "UrineLitresPerDay":
            urine = _window(series["Urine"], start, end)
            pts = np.array([urine.sum() / 1000.0 * 24.0 / (end - start)]) if urine.size else urine
        elif var == "RespRate" and _window(series["MechVent"], start, end).size:
            total += 3.0  # ventilated: the original's fixed points
            continue
        else:
            pts = _window(series[var], start, end)
        pts = pts[pts > (25.0 if var == "Temp" else 0.0)]  # 0 / sub-zero: failed readings
        if pts.size:
            total += float(score.score({var: pts}).max())
    return total


def _window(points: np.ndarray, start: float, end: float) -> np.ndarray:
    hours = points[:, 0]
    return points[(hours >= start) & (hours <= end), 1]


def _window_sum(points: np.ndarray, start: float, end: float) -> float:
    values = _window(points, start, end)
    return float(values.sum()) if values.size else np.nan


def _last(points: np.ndarray) -> float:
    return float(points[-1, 1]) if len(points) else np.nan


def _min(points: np.ndarray) -> float:
    return float(points[:, 1].min()) if len(points) else np.nan


_DERIVED_WORDS = {
    "saps_first24": ("SAPS-I-like score, first 24 h", None),
    "saps_last24": ("SAPS-I-like score, last 24 h", None),
    "saps_change": ("SAPS-I-like score, change over the stay", None),
    "pf_ratio_min": ("PaO2/FiO2 ratio, lowest", "mm[Hg]"),
    "pf_ratio_last": ("PaO2/FiO2 ratio, last", "mm[Hg]"),
    "urine_ml_per_kg_h": ("Urine output per kg per hour", "mL/kg/h"),
    "urine_first24": ("Urine output, first 24 h", "mL"),
    "urine_last24": ("Urine output, last 24 h", "mL"),
    "sbp_min": ("Systolic blood pressure, lowest (invasive or cuff)", "mm[Hg]"),
    "sbp_last": ("Systolic blood pressure, last (invasive or cuff)", "mm[Hg]"),
    "map_min": ("Mean arterial pressure, lowest (invasive or cuff)", "mm[Hg]"),
    "map_last": ("Mean arterial pressure, last (invasive or cuff)", "mm[Hg]"),
    "shock_index_last": ("Shock index (heart rate / systolic pressure), last", None),
    "bun_creatinine_last": ("BUN/creatinine ratio, last", None),
    "weight_change": ("Weight change over the stay", "kg"),
    "mechvent_hours": ("Hours on mechanical ventilation", "h"),
    "measurements": ("Measurements recorded", None),
    "variables_measured": ("Variables measured", None),
    "male": ("Sex male", None), "icu_ccu": ("Coronary care unit", None),
    "icu_csru": ("Cardiac surgery recovery unit", None), "icu_micu": ("Medical ICU", None),
    "icu_sicu": ("Surgical ICU", None),
}


@lru_cache(maxsize=1)
def feature_labels() -> dict[str, tuple[str, str | None]]:
    """Variables and derived features in words, with UCUM units, for explanations."""
    from osler.resources import load_tsv
    out = {r["variable"]: (r["display"], r["ucum"] or None)
           for r in load_tsv("physionet/variables.tsv") if r["challenge"] == "2012"}
    return {**out, **_DERIVED_WORDS}


#: Scores the outcomes file may carry, evaluated beside the model as baselines.
BASELINE_SCORES = ("SAPS-I", "SOFA")


class _MortalityTask(TabularTask):
    """The tabular task, with a card that says which outcome-file baselines were absent."""

    def evaluate_data(self, bundle, d: TabularData, n_boot: int = 200):
        d = _evaluated_scores(d)
        result = super().evaluate_data(bundle, d, n_boot=n_boot)
        absent = [name for name in BASELINE_SCORES if name not in d.scores]
        if absent and d.y is not None:
            result.notes.append(f"{' and '.join(absent)} left out of the baselines: the "
                                "outcomes file gives no such score for any stay evaluated "
                                "(no column, or only -1).")
        return result


def _evaluated_scores(d: TabularData) -> TabularData:
    """``d`` (the stays evaluated) with each missing SAPS-I or SOFA set to the median of its
    stays, so that the baselines of the same stays do not depend on which other stays were
    read: a SOFA of -1 is the median of the evaluated stays' SOFA, not of every stay under
    --data (training stays included). A score no evaluated stay has is left out."""
    from dataclasses import replace

    scores = {name: np.where(np.isnan(s), np.nanmedian(s), s)
              for name, s in d.scores.items() if (~np.isnan(s)).any()}
    return replace(d, scores=scores)


TASK = _MortalityTask(
    name="icu-mortality", title="In-hospital mortality at 48 h (PhysioNet/CinC 2012)",
    id_column="RecordID", loader=load_icu_mortality, held_out=0.2, feature_labels=feature_labels,
    model_params={"n_estimators": 1500, "learning_rate": 0.02, "num_leaves": 15,
                  "min_child_samples": 30, "subsample": 0.8, "colsample_bytree": 0.3,
                  "reg_lambda": 2.0, "calibration": "sigmoid", "validation_fraction": 0.2,
                  "early_stopping_rounds": 150, "n_jobs": 1},
    inputs="stays", n_seeds=5, logistic_weight=0.2, linear="quantile-logistic", linear_C=0.2,
    linear_exclude=EXTREME_STATS,
    label_source="a separate outcomes file (RecordID, In-hospital_death; Outcomes-a.txt in "
                 "the challenge), which --outcomes is required to give",
    about="Five LightGBM models (each early-stopped and calibrated on a different fifth of the "
          "training stays) averaged, blended on the log-odds scale (weight 0.2) with a "
          "logistic regression on rank-based normal scores of the features, on 48-hour "
          "summaries of every variable plus SAPS-I-like points, PaO2/FiO2 and urine output "
          "per kg per hour derived from the same series; the trees also read each variable's "
          "time-weighted mean and first/last-24-hour extremes. SAPS-I and SOFA (from the "
          "outcomes file; a missing score set to the median of the stays evaluated) and a "
          "plain logistic regression on every feature are scored on the same stays.")


class MortalityAssessor:
    """Scores a stored PhysioNet-2012-style ICU stay (a record from
    ``icu_stays(record, hourly=False)``) as ``osler predict icu-mortality`` would score its file,
    with the evidence behind it pointing at the stay's measurements. Used by the service.
    """

    #: no alert threshold was chosen for this task: the service reports the risk only
    threshold = None

    def __init__(self, model_dir: Path, top_k: int = 3) -> None:
        from osler.models.persist import check_features, load_model
        self.bundle = load_model(model_dir, TASK.name)
        check_features(model_dir, TASK.name, self.bundle.feature_names, feature_names_2012())
        self.top_k = top_k
        self.names = feature_names_2012()

    def assess(self, stay):
        """The stay's risk at 48 h (``HourlyRisk``; ``hour`` is the latest hour of data read,
        which is below 48 while the stay is young: the model expects 48 h)."""
        from osler.explain import top_evidence
        from osler.pipelines._sepsis_stream import HourlyRisk
        from osler.pipelines._tabular_explain import describer

        x, _, latest = _featurize(stay)
        X = x[None, :]
        p = float(self.bundle.estimator.predict_proba(X)[0, 1])
        contrib = self.bundle.estimator.contributions(X)[0]
        evidence = top_evidence(self.names, x, contrib, describer(feature_labels(),
                                                                  _sources(stay)), self.top_k)
        return HourlyRisk(stay.patient_id, float(latest), p, False, evidence)
