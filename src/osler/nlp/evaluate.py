"""Three systems, one run: NegEx's original triggers, medspaCy's default ConText rules, Osler.

Precision, recall and F1 per attribute value on one split of the NegEx evaluation set, and the
speed of each system on the same pairs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from osler.nlp.context import ContextAttributor
from osler.nlp.corpus import AnnotatedPair, read_negex_annotations
from osler.nlp.negex import NegExBaseline

__all__ = ["ATTRIBUTE_VALUES", "ContextEvaluation", "evaluate_context", "score_attribute"]

ATTRIBUTE_VALUES = {
    "negation": ("Negated", "Affirmed", "Possible"),
    "temporality": ("Recent", "Historical", "Hypothetical"),
    "experiencer": ("Patient", "Other"),
}


@dataclass(frozen=True)
class ContextEvaluation:
    """``scores``: system, attribute, value, precision, recall, f1, support.
    ``speed``: system, pairs, seconds, pairs_per_second."""

    split: str
    scores: pd.DataFrame
    speed: pd.DataFrame

    def f1(self, system: str, attribute: str, value: str) -> float:
        s = self.scores
        row = s[(s.system == system) & (s.attribute == attribute) & (s.value == value)]
        return float(row.f1.iloc[0])


def score_attribute(gold: list[str], predicted: list[str], value: str) -> dict[str, float]:
    """Precision, recall and F1 of ``value`` (one-vs-rest); NaN where undefined."""
    tp = sum(g == value and p == value for g, p in zip(gold, predicted))
    fp = sum(g != value and p == value for g, p in zip(gold, predicted))
    fn = sum(g == value and p != value for g, p in zip(gold, predicted))
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    if tp + fn == 0:
        f1 = float("nan")  # the value never occurs in the gold standard
    else:
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def _systems(folder: Path) -> dict[str, object]:
    return {"negex-original": NegExBaseline(folder), "medspacy-default": ContextAttributor(
        "medspacy"), "osler": ContextAttributor("osler")}


def evaluate_context(folder: str | Path, split: str = "heldout",
                     pairs: list[AnnotatedPair] | None = None) -> ContextEvaluation:
    """Score the three systems on ``split`` (``'tune'``, ``'heldout'`` or ``'all'``)."""
    folder = Path(folder)
    if pairs is None:
        pairs = read_negex_annotations(folder, None if split == "all" else split)
    inputs = [(p.concept, p.sentence) for p in pairs]
    rows, speed = [], []
    for name, system in _systems(folder).items():
        t0 = time.perf_counter()
        predicted = system.attribute(inputs)
        seconds = time.perf_counter() - t0
        speed.append({"system": name, "pairs": len(pairs), "seconds": seconds,
                      "pairs_per_second": len(pairs) / seconds if seconds else float("nan")})
        for attribute, values in ATTRIBUTE_VALUES.items():
            gold = [getattr(p, attribute) for p in pairs]
            pred = [getattr(a, attribute) for a in predicted]
            for value in values:
                rows.append({"system": name, "attribute": attribute, "value": value,
                             **score_attribute(gold, pred, value)})
    return ContextEvaluation(split, pd.DataFrame(rows), pd.DataFrame(speed))
