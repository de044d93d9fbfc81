"""Train the PHI tagger on gold-annotated notes, and cross-validate it by patient.

Everything the tagger decides beyond its weights (the probability threshold, and whether the
rules' own name and place spans are kept beside its spans) is chosen inside the training notes,
from out-of-fold predictions of an inner split by patient: a scored note never chooses anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from osler.errors import DataError
from osler.privacy.deid.detect import combine, rule_layers, tagged_phi, with_rules
from osler.privacy.deid.evaluate import (NAME_TYPES, GoldNote, SpanScores, heldout_part,
                                         read_physionet_deid, score_spans, split_of)
from osler.privacy.deid.patient import consistent_phi
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.tagger import PhiTagger

__all__ = ["CrossValidation", "NAME_THRESHOLDS", "THRESHOLDS", "UNIONS", "cross_validate_tagger",
           "patient_fold", "predict_by_patient", "rules_not_written_from",
           "train_physionet_tagger", "train_tagger"]

#: Candidate probability thresholds searched on out-of-fold predictions.
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6)
#: Candidate lower bars for names alone (``None``: names share the threshold); only those
#: below the threshold are tried.
NAME_THRESHOLDS = (None, 0.03, 0.05, 0.1)
#: Which rule spans may join the tagger's: none, the names ("a missed name matters more than a
#: redacted word"), or names and places.
UNIONS = (False, "names", True)
Layers = dict[str, list[PhiSpan]]


def patient_fold(patient: str, folds: int, salt: str = "deid-cv") -> int:
    """The fold (0 .. folds-1) of a patient, from a hash of the id (stable everywhere)."""
    digest = hashlib.blake2b(f"{salt}:{patient}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % folds


def _layers_of(notes: Sequence[GoldNote], layers: dict[tuple[str, str], Layers] | None
               ) -> list[Layers]:
    if layers is None:
        return [rule_layers(n.text) for n in notes]
    return [layers[(n.patient, n.note)] for n in notes]


def _fit(notes: Sequence[GoldNote], layers: list[Layers], **params) -> PhiTagger:
    return PhiTagger(**params).fit([n.text for n in notes], [n.phi for n in notes], layers)


def rules_not_written_from(note: GoldNote) -> bool:
    """Whether the rules were written without reading ``note``: Osler's rules were fitted to
    the errors of the PhysioNet tuning half, and from round 4 on to those of the held-out
    half's "read" part (:func:`~osler.privacy.deid.evaluate.heldout_part`), so only the other
    notes show how they do on new notes (there they look nearly perfect, and a choice scored
    there trusts them too much)."""
    return split_of(note.patient) != "tune" and heldout_part(note.patient) != "read"


def train_tagger(notes: Sequence[GoldNote], *, layers: dict[tuple[str, str], Layers] | None = None,
                 inner_folds: int = 3, min_precision: float = 0.86,
                 choose_on: Callable[[GoldNote], bool] | None = None,
                 name_thresholds: Sequence[float | None] = NAME_THRESHOLDS,
                 name_weight: float = 2.0, **params) -> PhiTagger:
    """A tagger fitted on all ``notes``, its thresholds and rule union chosen out of fold.

    The threshold, name threshold and ``union_rules`` that give the highest out-of-fold span
    recall with out-of-fold precision at least ``min_precision`` win (the highest precision
    when none reaches it); a gold name counts ``name_weight`` times in that recall ("a missed
    name matters more than a redacted word"). Every note trains; only the notes for which ``choose_on`` is true
    (all when it is ``None``; e.g. :func:`rules_not_written_from`) score the choice;
    ``name_thresholds`` are the name thresholds tried. ``params`` go to :class:`PhiTagger`
    (``c1``, ``c2``, ``max_iterations``).
    """
    if not notes:
        raise DataError("train_tagger needs at least one annotated note; got none")
    note_layers = _layers_of(notes, layers)
    oof: list[tuple[GoldNote, Layers, object]] = []
    for k in range(inner_folds):
        inside = [i for i, n in enumerate(notes) if patient_fold(n.patient, inner_folds,
                                                                 "deid-inner") != k]
        inside_set = set(inside)
        outside = [i for i in range(len(notes)) if i not in inside_set]
        if not inside or not outside:
            continue
        model = _fit([notes[i] for i in inside], [note_layers[i] for i in inside], **params)
        for i in outside:
            if choose_on is not None and not choose_on(notes[i]):
                continue
            oof.append((notes[i], note_layers[i], (model, *model.marginals(notes[i].text,
                                                                            note_layers[i]))))
    chosen = (_choose(oof, min_precision, name_thresholds, name_weight) if oof
              else {"threshold": params.get("threshold", 0.35), "union_rules": False})
    return _fit(notes, note_layers, **{**params, **chosen})


def _choose(oof, min_precision: float, name_thresholds: Sequence[float | None],
            name_weight: float = 1.0) -> dict[str, object]:
    """Threshold, name threshold and union with the best out-of-fold recall at the floor.

    Scored on one tagging pass (without :func:`tagged_phi`'s re-check, which only adds spans).
    """
    best, best_key = {}, None
    for union in UNIONS:
        for threshold in THRESHOLDS:
            for name_threshold in name_thresholds:
                if name_threshold is not None and name_threshold >= threshold:
                    continue
                predicted = {}
                for note, lay, (model, tokens, probs) in oof:
                    learned = with_rules(model.spans(note.text, tokens, probs, threshold,
                                                     name_threshold), lay, union)
                    predicted[(note.patient, note.note)] = combine(note.text, lay, learned)
                scores = _score_keyed([n for n, _l, _m in oof], predicted)
                ok = scores.precision() >= min_precision
                key = (ok, _weighted_recall(scores, name_weight) if ok else scores.precision(),
                       scores.precision())
                if best_key is None or key > best_key:
                    best, best_key = {"threshold": threshold, "union_rules": union,
                                      "name_threshold": name_threshold}, key
    return best


def _weighted_recall(scores: SpanScores, name_weight: float) -> float:
    """Span recall with every gold name counted ``name_weight`` times."""
    extra = name_weight - 1.0
    found = sum(scores.gold_found.values()) + extra * sum(scores.gold_found[t] for t in NAME_TYPES)
    total = sum(scores.gold_total.values()) + extra * sum(scores.gold_total[t] for t in NAME_TYPES)
    return found / total if total else 0.0


def _score_keyed(notes: Sequence[GoldNote], predicted: dict[tuple[str, str], list[PhiSpan]]
                 ) -> SpanScores:
    by_text = {n.text: predicted[(n.patient, n.note)] for n in notes}
    return score_spans(notes, lambda text: by_text[text])


@dataclass(frozen=True)
class CrossValidation:
    """Pooled out-of-fold predictions of a cross-validation, and what each fold chose."""

    predicted: dict[tuple[str, str], list[PhiSpan]]
    choices: tuple[dict[str, object], ...]
    models: tuple[PhiTagger, ...]

    def scores(self, notes: Sequence[GoldNote]) -> SpanScores:
        """Recall and precision of the pooled predictions over ``notes``."""
        return _score_keyed(notes, self.predicted)


def predict_by_patient(notes: Sequence[GoldNote], layers: Sequence[Layers],
                       model: PhiTagger | None) -> dict[tuple[str, str], list[PhiSpan]]:
    """Spans of each note, the notes of each patient de-identified together
    (:func:`~osler.privacy.deid.patient.consistent_phi`), keyed by (patient, note)."""
    by_patient: dict[str, list[int]] = {}
    for i, note in enumerate(notes):
        by_patient.setdefault(note.patient, []).append(i)
    predicted = {}
    for index in by_patient.values():
        spans = consistent_phi([notes[i].text for i in index], [layers[i] for i in index], model)
        for i, note_spans in zip(index, spans):
            predicted[(notes[i].patient, notes[i].note)] = note_spans
    return predicted


def cross_validate_tagger(always_train: Sequence[GoldNote], scored: Sequence[GoldNote], *,
                          folds: int = 5, layers: dict[tuple[str, str], Layers] | None = None,
                          by_patient: bool = True, **train_params) -> CrossValidation:
    """``folds``-fold CV by patient over ``scored``; every fold also trains on ``always_train``.

    Each fold's tagger (thresholds and union chosen inside its training notes) predicts the
    notes of its held-out patients only: each patient's notes together (``by_patient``), or
    each note alone.
    """
    predicted: dict[tuple[str, str], list[PhiSpan]] = {}
    choices, models = [], []
    for k in range(folds):
        train = [*always_train, *(n for n in scored if patient_fold(n.patient, folds) != k)]
        test = [n for n in scored if patient_fold(n.patient, folds) == k]
        if not test:
            continue
        model = train_tagger(train, layers=layers, **train_params)
        test_layers = _layers_of(test, layers)
        if by_patient:
            predicted.update(predict_by_patient(test, test_layers, model))
        else:
            for note, lay in zip(test, test_layers):
                predicted[(note.patient, note.note)] = tagged_phi(note.text, lay, model)
        choices.append({"fold": k, "train_notes": len(train), "scored_notes": len(test),
                        "threshold": model.threshold, "name_threshold": model.name_threshold,
                        "union_rules": model.union_rules,
                        "features": len(model.feature_index_)})
        models.append(model)
    return CrossValidation(predicted, tuple(choices), tuple(models))


def train_physionet_tagger(data: str | Path, out: str | Path, **train_params) -> Path:
    """Train on every note of the PhysioNet deid folder ``data``; write the model to ``out``.

    Parameters
    ----------
    data : path
        Folder with ``id_dev.text`` and ``id-phi_dev.phrase``.
    out : path
        Model file to write (gzipped JSON, see :meth:`PhiTagger.save`).
    **train_params
        Passed to :func:`train_tagger` (``min_precision``, ``c1``, ``c2`` ...); the choice is
        scored on :func:`rules_not_written_from` notes unless ``choose_on`` says otherwise.
    """
    notes = read_physionet_deid(data)
    train_params.setdefault("choose_on", rules_not_written_from)
    return train_tagger(notes, **train_params).save(out)
