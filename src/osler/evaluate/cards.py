"""Turn an :class:`EvaluationReport` into a :class:`ModelCard` (ROC, PR, calibration,
subgroups, baselines, top features, and the task's own figures)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from osler.evaluate.calibration import ece_definition
from osler.evaluate.card import ModelCard, Section
from osler.evaluate.plots import bar_figure, calibration_figure, pr_figure, roc_figure
from osler.evaluate.report import EvaluationReport

__all__ = ["report_card", "skipped_section"]


def report_card(report: EvaluationReport, *, title: str, summary: dict[str, Any] | None = None,
                top_features: pd.DataFrame | None = None,
                extra_sections: list[Section] | None = None,
                about: str | None = None,
                provenance: dict[str, Any] | None = None) -> ModelCard:
    """Build the model card of ``report``.

    ``top_features`` has columns ``feature, mean_abs_contribution``; ``extra_sections`` go
    after the headline sections (task metrics such as utility vs threshold); ``provenance``
    (training and evaluation data, threshold, versions) is shown after the summary.
    """
    disc = report.discrimination.set_index("metric")
    head = {"patients": report.n_patients, "samples": report.n_samples,
            "prevalence": report.prevalence}
    for m in ("AUROC", "AUPRC"):
        r = disc.loc[m]
        head[f"{m} (95% CI)"] = f"{r.estimate:.3f} ({r.ci_low:.3f}-{r.ci_high:.3f})"
    head.update({"ECE": report.ece, "Brier": report.brier, **(summary or {})})
    sections = []
    if about:
        sections.append(Section("About this model", note=about))
    sections += [
        Section("Discrimination", table=report.discrimination,
                note="95% CIs from a percentile bootstrap that resamples patients, not rows."),
        Section("ROC curve", figure=roc_figure(report.curves, disc.loc["AUROC"].estimate)),
        Section("Precision-recall curve",
                figure=pr_figure(report.curves, disc.loc["AUPRC"].estimate, report.prevalence)),
        Section("Calibration", figure=calibration_figure(report.calibration, report.ece),
                table=report.calibration, note=_calibration_words(report.prevalence)),
    ]
    sections += extra_sections or []
    if len(report.baselines):
        sections.append(_baseline_section(report.baselines))
    if len(report.subgroups):
        sections.append(Section("Subgroups", table=report.subgroups,
                                note="Rows with a warning are too small to judge: read their "
                                     "CIs, not their point estimates."))
    if top_features is not None and len(top_features):
        tf = top_features.head(15)
        sections.append(Section("Top features (mean |SHAP|, log-odds)",
                                figure=bar_figure(tf["feature"].tolist(),
                                                  tf["mean_abs_contribution"].tolist(),
                                                  xlabel="mean |contribution|",
                                                  title="Top features"), table=tf))
    if report.notes:
        sections.append(Section("Notes", note=" ".join(report.notes)))
    return ModelCard(title=title, task=report.task, summary=head, sections=sections,
                     provenance=provenance or {})


def skipped_section(skipped: list[tuple[str, str]]) -> Section | None:
    """Every input skipped (``(file, reason)`` pairs), each with its reason, as a card
    section: the run's summary names the first few only, the card names them all (the JSON
    in full, the HTML folded when long). ``None`` when nothing was skipped."""
    if not skipped:
        return None
    table = pd.DataFrame({"file": [str(f) for f, _r in skipped],
                          "reason": [str(r) for _f, r in skipped]})
    n = len(table)
    return Section("Skipped inputs", table=table, collapsed=n > 10,
                   note=f"{n} input{'s' if n > 1 else ''} could not be used, each listed "
                        "with its reason (file, record, line); none is in the figures above.")


def _calibration_words(prevalence: float) -> str:
    """What ECE and the Brier score are, with the Brier score of always predicting the
    prevalence, the figure to beat."""
    return (f"{ece_definition()} Brier score: the mean of (predicted risk - outcome)^2 over "
            "samples, the outcome counted as 1 or 0; 0 is perfect, and predicting the "
            f"prevalence for everyone scores {prevalence * (1 - prevalence):.3f} here. "
            "Each point on the curve is one bin: mean predicted risk against the observed rate.")


def _baseline_section(baselines: pd.DataFrame) -> Section:
    auroc = baselines[baselines["metric"] == "AUROC"]
    fig = bar_figure(auroc["model"].tolist(), auroc["estimate"].tolist(), xlabel="AUROC",
                     title="Baseline comparison (AUROC, 95% CI)",
                     errors=(auroc["ci_low"].tolist(), auroc["ci_high"].tolist()))
    return Section("Baseline comparison", figure=fig, table=baselines,
                   note="Baselines are scored on exactly the same samples in the same run.")
