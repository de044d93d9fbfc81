"""The warfarin-dose model card: all three models in one table, by dose band and race, and its
Provenance block (:func:`training_record` kept in ``model.json`` at training time, joined with
the evaluation by :func:`warfarin_provenance`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from osler.evaluate.card import ModelCard, Section
from osler.pipelines._provenance import file_names, provenance_block
from osler.pipelines._warfarin_metrics import paired_difference

__all__ = ["THRESHOLD_RULE", "comparisons", "training_record", "warfarin_provenance",
           "write_card"]

#: A dose regression has no decision threshold; what the card judges it by instead.
THRESHOLD_RULE = ("none: a regression of the weekly dose; the card reports the mean absolute "
                  "error and the share of patients within 20% of their actual dose")


def training_record(data: list[Path], rows: int, trained: int, held_out: int, fraction: float,
                    skipped: list[str]) -> dict[str, Any]:
    """What ``model.json`` keeps about the training data: file names, the ``rows`` (one per
    patient) read, patients trained on and held out (``fraction``, by subject id), and the
    rows skipped."""
    return {"files": file_names(data),
            "patients trained on": trained,
            "patients held out": held_out,
            "held-out share": fraction,
            "held-out rule": "a share of the patients chosen by a hash of the PharmGKB subject "
                             "id, never trained on",
            "patients without a dose (not trained on)": rows - trained - held_out,
            "rows skipped": len(skipped)}


def warfarin_provenance(meta: dict[str, Any], data: list[Path], rows: int, skipped: list[str],
                        trained_on: int, without_dose: int, evaluated: int) -> dict[str, Any]:
    """The card's Provenance block: of the ``rows`` read for evaluation, ``trained_on`` are
    patients the model was trained on and ``without_dose`` others with no usable dose; the
    remaining ``evaluated`` patients are scored."""
    return provenance_block(
        "warfarin-dose", training=meta.get("training_data"),
        fingerprint=meta.get("train_fingerprint"),
        fingerprint_of="the sorted PharmGKB subject ids of the training patients (the first 16 "
                       "hex digits)",
        evaluation={"files": file_names(data), "rows usable": rows,
                    "rows skipped": len(skipped),
                    "patients without a dose (not evaluated)": without_dose,
                    "patients evaluated": evaluated,
                    "patients chosen": "every patient with a dose whose PharmGKB subject id is "
                                       "not one of the model's training patients"},
        left_out={"patients trained on (by PharmGKB subject id)": trained_on,
                  "rows compared by content": "no (by subject id only)"},
        threshold="none", rule=THRESHOLD_RULE, versions=meta.get("versions"))

_REFERENCES = (("IWPC pharmacogenetic", "iwpc_pharmacogenetic_mg_week"),
               ("IWPC clinical", "iwpc_clinical_mg_week"))


def comparisons(actual: pd.Series, scored: pd.DataFrame) -> pd.DataFrame:
    """Learned minus each IWPC algorithm on the same patients, with paired bootstrap 95% CIs."""
    rows = []
    for name, column in _REFERENCES:
        diff = paired_difference(actual, scored["dose_mg_week"], scored[column])
        rows.append({"learned vs": name, "n": diff["n"],
                     "MAE difference (mg/week)": round(diff["mae_difference"], 3),
                     "95% CI": f"{diff['mae_difference_low']:.2f} to "
                               f"{diff['mae_difference_high']:.2f}",
                     "within-20% difference": f"{diff['within_20pct_difference']:+.1%}",
                     "95% CI ": f"{diff['within_20pct_difference_low']:+.1%} to "
                                f"{diff['within_20pct_difference_high']:+.1%}"})
    return pd.DataFrame(rows)


def _figure(actual: pd.Series, scored: pd.DataFrame):  # noqa: ANN202 - matplotlib Figure
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    for column, label in (("iwpc_pharmacogenetic_mg_week", "IWPC pharmacogenetic"),
                          ("dose_mg_week", "learned")):
        ax.scatter(actual, scored[column], s=6, alpha=0.45, label=label)
    top = float(max(actual.max(), scored["dose_mg_week"].max()))
    ax.plot([0, top], [0, top], color="grey", lw=1)
    ax.set_xlabel("actual therapeutic dose (mg/week)")
    ax.set_ylabel("predicted dose (mg/week)")
    ax.legend()
    return fig


def write_card(table: pd.DataFrame, actual: pd.Series, scored: pd.DataFrame, meta: dict,
               report: Path, paired: pd.DataFrame,
               provenance: dict[str, Any] | None = None) -> Path:
    """Write the HTML card (and its JSON) for a held-out evaluation; ``paired`` is
    :func:`comparisons` of the same patients, ``provenance`` :func:`warfarin_provenance`."""
    overall = table[table["group"] == "overall"].set_index("model")
    learned, versus_pg = overall.iloc[0], paired.iloc[0]
    summary = {"patients evaluated": int(learned["n"]),
               "patients trained on": meta["n_train"],
               "MAE learned (mg/week)": float(learned["mae_mg_week"]),
               "within 20% learned": float(learned["within_20pct"]),
               "MAE IWPC pharmacogenetic": float(overall.iloc[1]["mae_mg_week"]),
               "within 20% IWPC pharmacogenetic": float(overall.iloc[1]["within_20pct"]),
               "MAE IWPC clinical": float(overall.iloc[2]["mae_mg_week"]),
               "within 20% IWPC clinical": float(overall.iloc[2]["within_20pct"]),
               "MAE learned minus IWPC pharmacogenetic (95% CI)":
                   f"{versus_pg['MAE difference (mg/week)']:+.2f} ({versus_pg['95% CI']})"}
    sections = [
        Section("Data and split", note=(
            "IWPC data (PharmGKB, CC BY-SA 4.0). Patients are split by a hash of the PharmGKB "
            "subject id; this card scores only patients the model was not trained on "
            f"(training fingerprint {meta['train_fingerprint']}). Missing age, height and "
            "weight are filled with training medians for all three models; VKORC1 -1639 is "
            "imputed from linked VKORC1 SNPs by race as IWPC did, else counted as unknown.")),
        Section("All three models: overall, by dose band and by race", table=table),
        Section("Learned against each IWPC algorithm on the same patients", table=paired, note=(
            "Paired bootstrap by patient (2,000 resamples): both models are scored on every "
            "resample, so the interval is for the difference itself. A negative MAE difference "
            "and a positive within-20% difference favour the learned model.")),
        Section("Predicted against actual dose", figure=_figure(actual, scored)),
        Section("Models", note=(
            "IWPC pharmacogenetic and clinical algorithms: NEJM 2009;360:753-64 appendix "
            "coefficients (resources/genomics/iwpc_warfarin.json). Learned: LightGBM (Huber "
            "loss) blended 0.7/0.3 with a Huber linear model, both on the square-root dose, using "
            "the IWPC inputs plus indication, target INR and its range, the other VKORC1 SNPs, "
            "the interacting-drug columns and drugs named in the free-text medication list. "
            "Not used: the INR on the therapeutic dose, whether a stable dose was reached and "
            "the project site (known only after dosing, or a proxy for the site).")),
    ]
    card = ModelCard(title="Warfarin weekly dose", task="warfarin-dose", summary=summary,
                     sections=sections, provenance=provenance or {})
    return card.write(report)
