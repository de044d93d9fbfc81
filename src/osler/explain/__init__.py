"""Explanations of predictions as Evidence items linked to source records."""

from osler.explain.evidence import Evidence

__all__ = ["Evidence"]
