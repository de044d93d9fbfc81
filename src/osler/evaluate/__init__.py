"""Evaluation: metrics with confidence intervals, calibration, subgroups, model cards."""

from osler.evaluate.card import ModelCard, Section

__all__ = ["ModelCard", "Section"]
