"""The warfarin-dose model card: all three models in one table, by dose band and race."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from osler.evaluate.card import ModelCard, Section
from osler.pipelines._warfarin_metrics import paired_difference

__all__ = ["comparisons", "write_card"]

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
               report: Path, paired: pd.DataFrame) -> Path:
    """Write the HTML card (and its JSON) for a held-out evaluation; ``paired`` is
    :func:`comparisons` of the same patients."""
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
                     sections=sections)
    return card.write(report)
