"""Task ``warfarin-dose``: weekly warfarin dose on IWPC-format data, against both IWPC algorithms.

Patients are split by a hash of ``PharmGKB Subject ID``: 20% are held out and never trained on.
``train`` fits on the rest; ``evaluate`` scores only patients the saved model did not see and
reports MAE and within-20% for the learned model and both IWPC algorithms in one table.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

import pandas as pd

from osler.errors import DataError, ModelError
from osler.genomics.dosing import DOSE_COLUMN, SUBJECT_COLUMN, dosing_inputs, iwpc_dose
from osler.models.persist import library_versions
from osler.pipelines._shared import PredictionSummary, check_held_out, output_file
from osler.pipelines._warfarin_input import read_checked, skipped_line
from osler.pipelines._warfarin_metrics import dose_metrics
from osler.pipelines._warfarin_model import WarfarinDoseRegressor, warfarin_features

__all__ = ["HELD_OUT_FRACTION", "TASK", "WarfarinDoseTask", "held_out_mask", "read_iwpc"]

HELD_OUT_FRACTION = 0.2
_MODEL_FILE = "model.pkl"
_META_FILE = "model.json"
PREDICTION_COLUMNS = ["subject_id", "dose_mg_week", "iwpc_pharmacogenetic_mg_week",
                      "iwpc_clinical_mg_week"]


def read_iwpc(path: Path) -> pd.DataFrame:
    """An IWPC table from CSV, TSV or Excel, with one row per ``PharmGKB Subject ID``."""
    path = Path(path)
    suffix = "".join(path.suffixes).lower()
    if suffix.endswith((".xls", ".xlsx")):
        try:
            frame = pd.read_excel(path)
        except ImportError as exc:  # xlrd (.xls) / openpyxl (.xlsx) are not Osler dependencies
            raise DataError(f"file {path.name}: reading Excel needs {exc.name or 'xlrd/openpyxl'}"
                            "; export the sheet as CSV or install it") from exc
    else:
        frame = pd.read_csv(path, sep="\t" if suffix.endswith(".tsv") else ",", low_memory=False)
    if SUBJECT_COLUMN not in frame:
        raise DataError(f"file {path.name}: no {SUBJECT_COLUMN!r} column; this is not IWPC data")
    if frame[SUBJECT_COLUMN].duplicated().any():
        raise DataError(f"file {path.name}: {SUBJECT_COLUMN!r} repeats; one row per patient")
    return frame.reset_index(drop=True)


def held_out_mask(subject_ids: pd.Series, fraction: float = HELD_OUT_FRACTION) -> pd.Series:
    """True for the patients of the held-out split (stable: a hash of the subject id)."""
    def bucket(s: str) -> float:
        return int(hashlib.sha256(str(s).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return subject_ids.map(bucket) < fraction


def _fingerprint(ids: pd.Series) -> str:
    return hashlib.sha256("\n".join(sorted(map(str, ids))).encode()).hexdigest()[:16]


class WarfarinDoseTask:
    """The ``warfarin-dose`` task (see module docstring)."""

    name = "warfarin-dose"

    def train(self, data: list[Path], *, outcomes: Path | None, model_dir: Path,
              seed: int = 0, held_out: float | None = None) -> str:
        from osler.pipelines._warfarin_card import training_record

        fraction = check_held_out(held_out, HELD_OUT_FRACTION)
        frame, skipped = read_checked(data, read_iwpc)
        if DOSE_COLUMN not in frame:
            raise DataError(f"training needs the {DOSE_COLUMN!r} column")
        dose = pd.to_numeric(frame[DOSE_COLUMN], errors="coerce")
        kept_out = held_out_mask(frame[SUBJECT_COLUMN], fraction)
        usable = dose.notna() & (dose > 0) & ~kept_out
        if usable.sum() < 20:
            raise DataError(f"warfarin-dose needs at least 20 training patients with a dose; got "
                            f"{int(usable.sum())}")
        train = frame[usable].reset_index(drop=True)
        x = dosing_inputs(train)
        fill = {c: float(x[c].median()) for c in ("age_decades", "height_cm", "weight_kg")}
        model = WarfarinDoseRegressor(random_state=seed).fit(warfarin_features(train, fill),
                                                             dose[usable].to_numpy())
        model_dir = Path(model_dir)
        model_dir.mkdir(parents=True, exist_ok=True)
        with (model_dir / _MODEL_FILE).open("wb") as fh:
            pickle.dump(model, fh)
        meta = {"task": self.name, "fill": fill, "features": list(model.feature_names_in_),
                "n_train": int(usable.sum()), "train_fingerprint": _fingerprint(train[SUBJECT_COLUMN]),
                "train_subjects": sorted(map(str, train[SUBJECT_COLUMN])), "seed": seed,
                "training_data": training_record(data, len(frame), int(usable.sum()),
                                                 int(kept_out.sum()), fraction, skipped),
                "versions": library_versions()}
        (model_dir / _META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        return (f"warfarin-dose: trained on {meta['n_train']} patients "
                f"({int(kept_out.sum())} held out, "
                f"{int(dose.isna().sum())} without a dose; {skipped_line(skipped)}); saved "
                f"to {model_dir}")

    def _load(self, model_dir: Path) -> tuple[WarfarinDoseRegressor, dict]:
        meta_path = Path(model_dir) / _META_FILE
        if not meta_path.is_file():
            raise ModelError(f"{model_dir}: no {_META_FILE}; train with 'osler train warfarin-dose'")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("task") != self.name:
            raise ModelError(f"{model_dir}: model is for task {meta.get('task')!r}, not {self.name!r}")
        with (Path(model_dir) / _MODEL_FILE).open("rb") as fh:
            return pickle.load(fh), meta

    def _score(self, frame: pd.DataFrame, model: WarfarinDoseRegressor, meta: dict) -> pd.DataFrame:
        x = dosing_inputs(frame)
        filled = x.fillna({k: v for k, v in meta["fill"].items()})
        out = pd.DataFrame({"subject_id": frame[SUBJECT_COLUMN].astype(str)})
        out["dose_mg_week"] = model.predict(warfarin_features(frame, meta["fill"]))
        out["iwpc_pharmacogenetic_mg_week"] = iwpc_dose(filled, "pharmacogenetic")
        out["iwpc_clinical_mg_week"] = iwpc_dose(filled, "clinical")
        return out

    def predict(self, model_dir: Path, data: Path, out: Path, *, split: str | None = None) -> str:
        out = output_file(data, out)
        model, meta = self._load(model_dir)
        frame, skipped = read_checked([data], read_iwpc)
        if frame.empty:
            raise DataError(f"file {Path(data).name}: no row can be dosed; {skipped_line(skipped)}")
        scored = self._score(frame, model, meta)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        scored[PREDICTION_COLUMNS].to_csv(out, index=False, float_format="%.3f")
        return PredictionSummary(f"warfarin-dose: wrote {len(scored)} predictions to {out}; "
                                 f"{skipped_line(skipped)}", scored=len(scored),
                                 skipped=list(skipped), inputs="rows")

    def evaluate(self, model_dir: Path, data: list[Path], *, outcomes: Path | None, report: Path,
                 split: str | None = None) -> str:
        from osler.pipelines._warfarin_card import comparisons, warfarin_provenance, write_card

        model, meta = self._load(model_dir)
        frame, skipped = read_checked(data, read_iwpc)
        if DOSE_COLUMN not in frame:
            raise DataError(f"evaluation needs the {DOSE_COLUMN!r} column")
        dose = pd.to_numeric(frame[DOSE_COLUMN], errors="coerce")
        unseen = ~frame[SUBJECT_COLUMN].astype(str).isin(set(meta["train_subjects"]))
        has_dose = dose.notna() & (dose > 0)
        keep = unseen & has_dose
        if not keep.any():
            raise DataError("no patient with a dose that the model was not trained on")
        test = frame[keep].reset_index(drop=True)
        scored = self._score(test, model, meta)
        actual = dose[keep].reset_index(drop=True)
        table = dose_metrics(actual, {
            "learned (LightGBM + linear)": scored["dose_mg_week"],
            "IWPC pharmacogenetic": scored["iwpc_pharmacogenetic_mg_week"],
            "IWPC clinical": scored["iwpc_clinical_mg_week"]}, dosing_inputs(test)["race"])
        paired = comparisons(actual, scored)
        provenance = warfarin_provenance(
            meta, data, len(frame), skipped, trained_on=int((~unseen).sum()),
            without_dose=int((unseen & ~has_dose).sum()), evaluated=len(test))
        write_card(table, actual, scored, meta, Path(report), paired, provenance)
        overall = table[table["group"] == "overall"].set_index("model")
        parts = [f"{m}: MAE {r.mae_mg_week:.2f} mg/week, within 20% {r.within_20pct:.1%}"
                 for m, r in overall.iterrows()]
        versus = [f"learned - {r['learned vs']}: MAE {r['MAE difference (mg/week)']:+.2f} "
                  f"({r['95% CI']}), within 20% {r['within-20% difference']} ({r['95% CI ']})"
                  for _, r in paired.iterrows()]
        return (f"warfarin-dose on {len(test)} unseen patients ({skipped_line(skipped)}); "
                + "; ".join(parts)
                + "\npaired bootstrap by patient, 95% CI: " + "; ".join(versus))


TASK = WarfarinDoseTask()
