"""Figures for model cards (matplotlib, Agg backend, no display needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["bar_figure", "calibration_figure", "curve_figure", "pr_figure", "roc_figure"]


def _figure(width: float = 4.6, height: float = 3.6):
    import matplotlib
    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot(1, 1, 1)


def roc_figure(curves: dict[str, pd.DataFrame], auroc: float):
    """ROC curve with the chance diagonal."""
    fig, ax = _figure()
    roc = curves["roc"]
    ax.plot(np.r_[0, roc["fpr"], 1], np.r_[0, roc["tpr"], 1], lw=2, label=f"AUROC {auroc:.3f}")
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
    ax.set(xlabel="1 - specificity", ylabel="Sensitivity", title="ROC")
    ax.legend(loc="lower right")
    return fig


def pr_figure(curves: dict[str, pd.DataFrame], auprc: float, prevalence: float):
    """Precision-recall curve with the prevalence line."""
    fig, ax = _figure()
    pr = curves["pr"]
    ax.plot(pr["recall"], pr["precision"], lw=2, label=f"AUPRC {auprc:.3f}")
    ax.axhline(prevalence, ls="--", color="grey", lw=1, label=f"prevalence {prevalence:.3f}")
    ax.set(xlabel="Recall", ylabel="Precision", title="Precision-recall", ylim=(0, 1.02))
    ax.legend(loc="upper right")
    return fig


def calibration_figure(curve: pd.DataFrame, ece: float):
    """Reliability diagram: observed rate against mean predicted probability."""
    fig, ax = _figure()
    top = float(max(curve["mean_predicted"].max(), curve["observed"].max(), 0.05)) * 1.05
    ax.plot([0, top], [0, top], ls="--", color="grey", lw=1)
    ax.plot(curve["mean_predicted"], curve["observed"], marker="o", lw=2,
            label=f"ECE {ece:.3f}")
    ax.set(xlabel="Mean predicted probability", ylabel="Observed rate", title="Calibration")
    ax.legend(loc="upper left")
    return fig


def curve_figure(x: np.ndarray, y: np.ndarray, *, xlabel: str, ylabel: str, title: str,
                 marker_x: float | None = None):
    """A line plot, with an optional vertical marker (the chosen threshold)."""
    fig, ax = _figure()
    ax.plot(x, y, lw=2)
    if marker_x is not None:
        ax.axvline(marker_x, ls="--", color="#b5651d", lw=1, label=f"chosen {marker_x:.3f}")
        ax.legend(loc="best")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    return fig


def bar_figure(labels: list[str], values: list[float], *, xlabel: str, title: str,
               errors: tuple[list[float], list[float]] | None = None):
    """Horizontal bars (top features, baseline comparison), first label at the top."""
    fig, ax = _figure(5.6, max(2.4, 0.32 * len(labels) + 1))
    pos = np.arange(len(labels))[::-1]
    xerr = None
    if errors is not None:
        # plain float arrays: a missing bound (None) must be NaN, not an object array
        low, high, mid = (np.array([np.nan if v is None else v for v in seq], dtype=float)
                          for seq in (errors[0], errors[1], values))
        xerr = np.abs(np.vstack([mid - low, high - mid]))
    ax.barh(pos, values, xerr=xerr, color="#3b6ea5")
    ax.set_yticks(pos, labels)
    ax.set(xlabel=xlabel, title=title)
    return fig
