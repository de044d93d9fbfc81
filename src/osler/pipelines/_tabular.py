"""One train / predict / evaluate flow for tasks with one prediction per patient or encounter
(icu-mortality, readmission, heart-disease). Each task supplies a loader and its baselines."""

from __future__ import annotations

import csv
import json
import lzma
import os
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from osler.errors import DataError, OslerError
from osler.evaluate import evaluate_binary, patient_split
from osler.evaluate.card import check_card_target
from osler.evaluate.cards import report_card, skipped_section
from osler.evaluate.report import EvaluationReport
from osler.explain import mean_abs_contributions
from osler.features import check_no_leakage
from osler.models import logistic_baseline
from osler.models.persist import check_features, check_output_path, load_model
from osler.pipelines._provenance import THRESHOLD_RULE, card_provenance, training_record
from osler.pipelines._shared import (PredictionSummary, all_listed, check_held_out,
                                     counted_reasons, excluded_note, output_file, save_bundle,
                                     skipped_note)
from osler.pipelines._tabular_explain import PredictionExplanation, explain_rows

__all__ = ["SMALLEST_LEAF", "TabularData", "TabularTask", "seen_in_training"]

#: the smallest leaf (LightGBM ``min_child_samples``) a small training set may shrink it to
SMALLEST_LEAF = 5


@dataclass
class TabularData:
    """Samples of a one-shot task. ``ids`` name rows in prediction files; ``patients`` group them.

    ``prediction_times`` / ``source_times`` feed the leakage guard (same unit per task);
    ``scores`` hold baseline scores that come with the data (SAPS-I, SOFA).
    """

    X: np.ndarray
    y: np.ndarray | None
    ids: np.ndarray
    patients: np.ndarray
    names: list[str]
    prediction_times: np.ndarray
    source_times: np.ndarray
    attributes: dict[str, np.ndarray] = field(default_factory=dict)
    scores: dict[str, np.ndarray] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    vocabulary: dict | None = None
    #: per row, where it came from: a Provenance, or for a stay a dict of per-variable sources
    #: (see :func:`osler.pipelines._tabular_explain.describer`)
    sources: np.ndarray | None = None
    #: per row, a short digest of its content (for tasks whose patient ids come from the file
    #: name, so that a training row is recognised in any file); ``None`` where ids suffice
    content: np.ndarray | None = None
    #: reasons naming the outcome rows that match no input (icu-mortality keeps its outcomes
    #: in a separate file): no input was skipped for them, so they are counted apart
    unmatched_outcomes: list[str] = field(default_factory=list)
    #: category column -> how many rows hold a value the model has no level for (not seen in
    #: training; readmission): such a row reads as none of the column's levels
    unseen_categories: dict[str, int] = field(default_factory=dict)
    #: one note per value read as missing because no patient can have it (heart-disease: age
    #: 500, sex 2), naming file, line and column, never the value; the row is still used
    impossible: list[str] = field(default_factory=list)
    #: the ids name patients across files too (icu-mortality's RecordID), so a row is left out
    #: of evaluation by its id as well as by ``content``; False where ids come from file names
    #: and lines (heart-disease), and content alone decides
    ids_name_patients: bool = False
    #: rows read well but outside the task's cohort by its definition (readmission: encounters
    #: discharged to death or hospice), by reason (what was left out and why, the words
    #: after "N excluded by the cohort definition: ") -> one note per row naming file and
    #: line; no input was bad, so they are counted apart from ``skipped``
    excluded: dict[str, list[str]] = field(default_factory=dict)
    #: what else reading noticed, each a counted note ending the read note (icu-mortality:
    #: a stay file named as another RecordID than the one it holds, readings outside
    #: physiological limits used as given, rows after the 48 h ignored; readmission: a
    #: feature missing in every row); nothing was skipped for them
    warnings: list[str] = field(default_factory=list)

    def read_note(self) -> str:
        """What reading the data left aside: the inputs skipped (``'N skipped (reasons)'``),
        then, apart from them, outcome rows that match no input, category values not seen
        in training, counted by column (never the values), and values read as missing because
        no patient can have them."""
        note = skipped_note(self.skipped)
        if self.excluded_note():
            note += f"; {self.excluded_note()}"
        if self.unmatched_outcomes:
            note += "; " + counted_reasons("outcome rows with no stay", self.unmatched_outcomes)
        if self.unseen_categories:
            counts = ", ".join(f"{column} in {n} row{'s' if n > 1 else ''}"
                               for column, n in self.unseen_categories.items())
            note += (f"; category values not seen in training: {counts} (read as none of "
                     "the column's levels)")
        if self.impossible:
            note += "; " + counted_reasons("impossible values read as missing", self.impossible)
        for warning in self.warnings:
            note += f"; {warning}"
        return note

    def excluded_note(self) -> str:
        """The cohort's exclusions in a line (``''`` when none): counts and reasons, each
        'excluded by the cohort definition', never 'skipped'."""
        return excluded_note(self.excluded)

    def take(self, mask: np.ndarray) -> TabularData:
        sub = {k: v[mask] for k, v in self.attributes.items()}
        return TabularData(self.X[mask], None if self.y is None else self.y[mask], self.ids[mask],
                           self.patients[mask], self.names, self.prediction_times[mask],
                           self.source_times[mask], sub,
                           {k: v[mask] for k, v in self.scores.items()}, self.skipped,
                           self.vocabulary,
                           None if self.sources is None else self.sources[mask],
                           None if self.content is None else self.content[mask],
                           self.unmatched_outcomes, self.unseen_categories, self.impossible,
                           self.ids_name_patients, self.excluded, self.warnings)


@dataclass
class TabularTask:
    """A task with one prediction per row. ``held_out`` is the hashed share of patients that
    ``train`` never uses (0 where evaluation is cross-site instead). With ``n_seeds`` > 1 or a
    ``logistic_weight``, the model averages that many tree models and blends in the logistic
    regression (:class:`~osler.models.seed_stack.SeedAveragedStack`); ``linear`` names that
    partner and ``linear_exclude`` the features it does not read (by name, or by the statistic
    after ``__`` in ``variable__statistic``). The card's "logistic
    regression" baseline is always the plain one on every feature."""

    name: str
    title: str
    id_column: str
    loader: Callable[..., TabularData]
    model_params: dict
    held_out: float = 0.2
    about: str = ""
    metric_note: str = ""
    n_seeds: int = 1
    logistic_weight: float = 0.0
    linear: str = "logistic"
    linear_C: float = 0.2
    linear_exclude: tuple[str, ...] = ()
    #: feature (or variable before ``__``) -> (words, UCUM unit), for explanations
    feature_labels: Callable[[], Mapping[str, tuple[str, str | None]]] = dict
    #: what one input is, in the words of skip counts ("3 of 50 rows skipped")
    inputs: str = "rows"
    #: where the outcome comes from, for the error when none has one
    label_source: str = "the data"

    def load(self, data: list[Path], outcomes: Path | None, vocabulary: dict | None = None,
             sources: bool = False, trains_on: Callable | None = None,
             labels: bool = True) -> TabularData:
        """``sources``: also keep where each row (or each summary of a stay) came from, for
        explanations; off for training and evaluation, which do not need it. ``trains_on``
        (patient ids -> mask): the rows whose patients are trained on, the only rows a loader
        may choose category levels from. ``labels=False`` (prediction) leaves the label
        unread, so that a row is never skipped for its label alone."""
        d = self.loader(data, outcomes, vocabulary=vocabulary, sources=sources,
                        trains_on=trains_on, labels=labels)
        if not len(d.ids):   # loaders name the file and reason; this is the last line of defence
            raise DataError(f"task {self.name}: no usable row in {[str(p) for p in data]} "
                            f"({skipped_note(d.skipped)})")
        check_no_leakage(self.name, [str(i) for i in d.ids], d.prediction_times, d.source_times)
        return d

    def _need_labels(self, d: TabularData, doing: str) -> None:
        """Training and evaluating need an outcome for every input; predicting needs none."""
        if d.y is None:
            raise DataError(f"task {self.name}: none of the {len(d.ids)} {self.inputs} read has "
                            f"an outcome; {doing} takes them from {self.label_source}")

    def _need_both_classes(self, d: TabularData, data: list[Path], doing: str) -> None:
        """Training and evaluating need both outcomes; predicting needs none."""
        if d.y is not None and len(d.y) and len(np.unique(d.y)) < 2:
            raise DataError(f"task {self.name}: the outcome has one class only in "
                            f"{[str(p) for p in data]}; {doing} needs both")

    def develop_mask(self, patients: np.ndarray, fraction: float | None = None) -> np.ndarray:
        """True for each patient the task may train on; False for its held-out share
        (``fraction``, default the task's own)."""
        patients = np.asarray(patients)
        fraction = self.held_out if fraction is None else fraction
        if not fraction:
            return np.ones(len(patients), dtype=bool)
        part = patient_split(patients, {"develop": 1 - fraction, "test": fraction},
                             salt=f"{self.name}-final-test")
        return part == "develop"

    def fit(self, d: TabularData, seed: int = 0):
        """The task's model and its logistic baseline, fitted on ``d``. On a small training
        set the trees' smallest leaf shrinks (:meth:`tree_params`); a model that still gives
        every training row the same risk is refused, not saved."""
        from osler.models.gbm import GradientBoostedRiskModel

        params = self.tree_params(len(d.ids))
        if self.n_seeds == 1 and not self.logistic_weight:
            model = GradientBoostedRiskModel(**params, random_state=seed)
        else:
            from osler.models.seed_stack import SeedAveragedStack
            model = SeedAveragedStack(params, n_seeds=self.n_seeds,
                                      logistic_weight=self.logistic_weight, random_state=seed,
                                      **self._linear_params(d.names))
        model.fit(d.X, d.y, groups=d.patients)
        self._need_a_ranking(model, d, params)
        logistic = getattr(model, "logistic_", None)  # the blend's own, fitted on the same rows
        if logistic is None or self.linear != "logistic" or self.linear_exclude:
            logistic = logistic_baseline().fit(d.X, d.y)
        return model, logistic

    def tree_params(self, n_rows: int) -> dict:
        """``model_params`` for ``n_rows`` training rows: the smallest leaf
        (``min_child_samples``) is at most a twentieth of them, and at least
        :data:`SMALLEST_LEAF`. A leaf of 100 rows on 238 (a small readmission extract, less
        the rows held out for early stopping and calibration) left no split to make: a
        constant model. Every task's full data keeps its own setting (readmission 63,182 rows,
        icu-mortality 3,223, heart-disease 294 or 303: a twentieth is above each)."""
        params = dict(self.model_params)
        if "min_child_samples" in params:
            params["min_child_samples"] = min(params["min_child_samples"],
                                              max(SMALLEST_LEAF, n_rows // 20))
        return params

    def _need_a_ranking(self, model, d: TabularData, params: dict) -> None:
        """Refuse a model that gives every training row one risk: it cannot rank patients
        (AUROC 0.5 on any data), and saved it would score every patient alike without a word."""
        p = model.predict_proba(d.X)[:, 1]
        if len(p) and np.ptp(p) == 0:
            raise DataError(
                f"task {self.name}: the model fitted on {len(d.ids)} training {self.inputs} "
                f"gives every one the same risk ({p[0]:.3f}); its trees found no split "
                f"(smallest leaf {params.get('min_child_samples', 'default')} rows), so it "
                "cannot rank patients and was not saved; train on more rows, or rows whose "
                "features differ with the outcome")

    def _linear_params(self, names: list[str]) -> dict:
        if self.linear == "logistic" and not self.linear_exclude:
            return {}  # the defaults: older saved models hold no such parameters
        skip = set(self.linear_exclude)
        return {"linear": self.linear, "linear_C": self.linear_C,
                "linear_columns": [i for i, n in enumerate(names)
                                   if n not in skip and n.rpartition("__")[2] not in skip]}

    def train(self, data: list[Path], *, outcomes: Path | None = None, model_dir: Path,
              seed: int = 0, held_out: float | None = None) -> str:
        fraction = check_held_out(held_out, self.held_out)
        check_output_path(model_dir, "--model", folder=True)   # before the work, not after
        d = self.load(data, outcomes, trains_on=lambda ids: self.develop_mask(ids, fraction))
        self._need_labels(d, "training")
        self._need_both_classes(d, data, "training")
        dev = d.take(self.develop_mask(d.patients, fraction))
        if len(dev.ids) < 20:
            raise DataError(f"task {self.name} needs at least 20 labelled development "
                            f"{self.inputs}; got {len(dev.ids)} ({len(d.ids) - len(dev.ids)} "
                            "held out)")
        model, logistic = self.fit(dev, seed)
        save_bundle(self.name, model, dev, model_dir, feature_names=dev.names,
                    extra={"train_patients": sorted(map(str, set(dev.patients))),
                           "held_out_fraction": fraction, "vocabulary": d.vocabulary,
                           "training_data": training_record(data, d, dev),
                           "threshold_rule": THRESHOLD_RULE},
                    baselines={"logistic regression": logistic},
                    training_rows=None if dev.content is None else set(dev.content))
        return (f"{self.name}: trained on {len(dev.ids)} {self.inputs} of "
                f"{len(set(dev.patients))} patients; {len(d.ids) - len(dev.ids)} {self.inputs} "
                f"held out; {d.read_note()}; model saved to {model_dir}")

    def predict(self, model_dir: Path, data: Path, out: Path, *, split: str | None = None,
                explain: Path | None = None, top_k: int = 5) -> str:
        """Write ``out`` (``id_column,probability``); with ``explain``, also a JSON line per
        prediction with its top ``top_k`` evidence items. Both are written whole or not at all
        (to a temporary file beside each, renamed at the end); a run that fails once the model
        is loaded (data with no usable row, ...) removes the files an earlier run left at
        ``out`` and ``explain``, as sepsis does, so that no caller reads an old prediction."""
        out = check_output_path(output_file(data, out), "--out")
        if explain is not None:
            explain = check_output_path(output_file(data, explain, "--explain"), "--explain")
            if explain.resolve() == out.resolve():
                raise DataError(f"--explain {explain} is the --out file; give it its own name")
        bundle = load_model(model_dir, self.name)
        try:
            d = self._data_for(bundle, model_dir, [data], None, sources=explain is not None,
                               labels=False)
            p = bundle.estimator.predict_proba(d.X)[:, 1]
            self._write_outputs(bundle, d, p, out, explain, top_k)
        except (OslerError, OSError) as err:
            stale = self._remove_stale(out, explain)
            why = str(err) if isinstance(err, OslerError) else \
                f"cannot write {err.filename or out} ({err.strerror or type(err).__name__})"
            if stale:
                why += f"; removed {' and '.join(stale)}, left by an earlier run"
            elif isinstance(err, OslerError):
                raise
            raise DataError(why) from None
        also = "" if explain is None else f" and their evidence to {explain}"
        return PredictionSummary(f"{self.name}: wrote {len(p)} predictions to {out}{also}; "
                                 f"{d.read_note()}", scored=len(p),
                                 skipped=[reason for _file, reason in d.skipped],
                                 excluded=d.excluded_note(), inputs=self.inputs)

    def _write_outputs(self, bundle, d: TabularData, p: np.ndarray, out: Path,
                       explain: Path | None, top_k: int) -> None:
        """The predictions CSV (and the evidence) to temporary files, renamed when all is
        written: an error half-way leaves no half file."""
        # a link is written through, as before, not replaced by a file
        out, explain = (None if path is None else path.resolve() if path.is_symlink() else path
                        for path in (out, explain))
        written = {out: _partial(out)}
        if explain is not None:
            written[explain] = _partial(explain)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with written[out].open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh, lineterminator="\n")   # as the sepsis files and pandas write
                w.writerow([self.id_column, "probability"])
                w.writerows((i, f"{q:.6f}") for i, q in zip(d.ids, p))
            if explain is not None:
                self._write_explanations(bundle, d, written[explain], top_k)
            for target, partial in written.items():
                partial.replace(target)
        finally:
            for partial in written.values():
                partial.unlink(missing_ok=True)

    def _remove_stale(self, out: Path, explain: Path | None) -> list[str]:
        """Delete what an earlier prediction run wrote at ``out`` and ``explain``: only a file
        that starts as this task's predictions (or evidence) do; any other file is left."""
        removed = []
        if _first_line(out) == f"{self.id_column},probability":
            out.unlink()
            removed.append(f"the predictions at {out}")
        if explain is not None and _is_evidence(_first_line(explain)):
            explain.unlink()
            removed.append(f"the evidence at {explain}")
        return removed

    def explain(self, model_dir: Path, data: list[Path], *, outcomes: Path | None = None,
                top_k: int = 5) -> list[PredictionExplanation]:
        """Every prediction on ``data`` with its top ``top_k`` evidence items (tree SHAP)."""
        bundle, d = self._bundle_and_data(model_dir, list(data), outcomes, sources=True)
        return explain_rows(bundle, d, np.arange(len(d.ids)), self.feature_labels(), top_k)

    def _write_explanations(self, bundle, d: TabularData, path: Path, top_k: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            for start in range(0, len(d.ids), 2000):   # SHAP in blocks: bounded memory
                rows = np.arange(start, min(start + 2000, len(d.ids)))
                for exp in explain_rows(bundle, d, rows, self.feature_labels(), top_k):
                    fh.write(json.dumps(exp.to_dict(), allow_nan=False) + "\n")

    def evaluate(self, model_dir: Path, data: list[Path], *, outcomes: Path | None = None,
                 report: Path, split: str | None = None, n_boot: int = 200) -> str:
        check_card_target(report, {})   # the card can be written: checked before the work
        bundle, d = self._bundle_and_data(model_dir, data, outcomes)
        self._need_labels(d, "evaluation")
        by_patient, by_content = seen_in_training(bundle, d)
        test = d.take(~(by_patient | by_content))
        left_out = (f"{by_patient.sum()} rows of patients used in training and "
                    f"{by_content.sum()} rows identical to a training row")
        if not len(test.ids):
            raise DataError(f"task {self.name}: every row of {[str(p) for p in data]} was used "
                            f"to train this model ({left_out}); evaluate on patients it has "
                            "not seen")
        self._need_both_classes(test, data, "evaluation")
        result = self.evaluate_data(bundle, test, n_boot=n_boot)
        result.notes.append(f"{left_out}{_content_words(d)} were left out"
                            f"{_no_digests_note(bundle, d)}; "
                            f"{d.read_note()}{all_listed(d.skipped)}.")
        provenance = card_provenance(self.name, bundle, data, d, test, by_patient, by_content)
        card = self.card(result, bundle, test, provenance)
        if (listed := skipped_section(d.skipped)) is not None:   # every one, not the first 5
            card.sections.append(listed)
        written = card.write(report)
        seen = f" ({len(d.ids) - len(test.ids)} left out: seen in training)" \
            if len(test.ids) < len(d.ids) else ""
        return (f"{self.name}: {len(test.ids)} {self.inputs}{seen}, AUROC "
                f"{result.metric('AUROC'):.3f} "
                f"(logistic {self._baseline_auroc(result):.3f}); {d.read_note()}; "
                f"card {written}")

    def _bundle_and_data(self, model_dir: Path, data: list[Path], outcomes: Path | None,
                         sources: bool = False, labels: bool = True):
        bundle = load_model(model_dir, self.name)
        return bundle, self._data_for(bundle, model_dir, data, outcomes, sources, labels)

    def _data_for(self, bundle, model_dir: Path, data: list[Path], outcomes: Path | None,
                  sources: bool = False, labels: bool = True) -> TabularData:
        """``data`` read as ``bundle`` (the model in ``model_dir``) was trained to read it."""
        d = self.load(data, outcomes, vocabulary=bundle.extra.get("vocabulary"),
                      sources=sources, labels=labels)
        check_features(model_dir, self.name, bundle.feature_names, d.names)
        return d

    def evaluate_data(self, bundle, d: TabularData, n_boot: int = 200) -> EvaluationReport:
        p = bundle.estimator.predict_proba(d.X)[:, 1]
        baselines = {name: est.predict_proba(d.X)[:, 1] for name, est in bundle.baselines.items()}
        baselines.update(d.scores)
        return evaluate_binary(self.name, d.y, p, d.patients, subgroups=d.attributes,
                               baselines=baselines, n_boot=n_boot)

    def card(self, result: EvaluationReport, bundle, d: TabularData,
             provenance: dict | None = None):
        top = mean_abs_contributions(d.names, bundle.estimator.contributions(d.X))
        return report_card(result, title=self.title, top_features=top, about=self.about,
                           provenance=provenance,
                           summary={"Sensitivity at 90% specificity": result.metric(
                               "Sensitivity at 90% specificity")})

    @staticmethod
    def _baseline_auroc(result: EvaluationReport) -> float:
        b = result.baselines
        row = b[(b["model"] == "logistic regression") & (b["metric"] == "AUROC")]
        return float(row["estimate"].iloc[0]) if len(row) else float("nan")


def seen_in_training(bundle, d: TabularData) -> tuple[np.ndarray, np.ndarray]:
    """Two masks over the rows of ``d``: of a patient the model was trained on, and identical
    in content to a training row. A task that keeps content digests does so because its
    patient ids come from file names and line numbers (heart-disease), which name no patient
    across files: a new file of the training file's name would be taken for it, and a renamed
    copy would not. For such a task, with a model that kept the digests, content alone decides
    and the first mask is empty; otherwise (other tasks, or a model saved before digests) ids
    decide. Where ids name patients across files as well (icu-mortality's RecordID), both
    decide: a training stay under a new RecordID is caught by content, and the second mask
    counts only rows the first did not."""
    by_patient = np.isin(d.patients.astype(str), list(bundle.extra.get("train_patients", [])))
    if d.content is not None and bundle.training_rows:
        by_content = np.isin(d.content, list(bundle.training_rows))
        if not d.ids_name_patients:
            return np.zeros(len(d.ids), dtype=bool), by_content
        return by_patient, by_content & ~by_patient
    return by_patient, np.zeros(len(d.ids), dtype=bool)


def _content_words(d: TabularData) -> str:
    """What "identical" meant, said only where a content check was made: a task without
    digests (readmission) compares ids alone, and must not claim more."""
    if d.content is None:
        return " (none compared by content: this task matches rows by id only)"
    if d.ids_name_patients:
        return " (the same time series, under any RecordID or file name)"
    return " (the same attributes, under any file name or id)"


def _no_digests_note(bundle, d: TabularData) -> str:
    if d.content is None or bundle.training_rows is not None:
        return ""
    if d.ids_name_patients:
        return (" (this model was saved without digests of its training stays, so stays were "
                "matched to them by RecordID only: a training stay under another RecordID is "
                "not recognised; retrain to compare by content)")
    return (" (this model was saved without digests of its training rows, so rows were "
            "matched to them by file name and line only: a copy under another file name is "
            "not recognised, and a new file of the training file's name is taken for it; "
            "retrain to compare by content)")


def _partial(path: Path) -> Path:
    """Where ``path`` is written before it is complete: beside it, hidden, named by process."""
    return path.with_name(f".{path.name}.{os.getpid()}.partial")


def _first_line(path: Path) -> str | None:
    """The first line of the file ``path`` (without its end), ``None`` when there is none."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return fh.readline(65536).rstrip("\r\n")
    except OSError:   # no file (or a folder): nothing an earlier run left
        return None


def _is_evidence(line: str | None) -> bool:
    """A line as :meth:`TabularTask._write_explanations` writes them."""
    try:
        entry = json.loads(line or "")
    except ValueError:
        return False
    return isinstance(entry, dict) and {"id", "probability", "evidence"} <= set(entry)


def frame_or_error(path: Path, reader: Callable[[Path], pd.DataFrame], what: str) -> pd.DataFrame:
    """Read ``path`` with ``reader``; wrap parser errors in a :class:`DataError` naming the file.
    A folder is refused as one, not as a reader's ``IsADirectoryError``."""
    if path.is_dir():
        raise DataError(f"--data {path}: is a folder; give {what} file itself")
    try:
        return reader(path)
    except DataError:   # the reader's own, naming the file and line
        raise
    except pd.errors.ParserError as exc:   # the layout (fields per line), never a cell
        raise DataError(f"file {path}: cannot read {what}: {exc}") from exc
    except (OSError, ValueError) as exc:   # others may quote what they could not read
        raise DataError(f"file {path}: cannot read {what} ({type(exc).__name__})") from exc
    except (EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, tarfile.TarError) as exc:
        # a compressed file cut short or damaged: EOFError would otherwise reach the CLI as
        # "Aborted." (exit 130), the others as a traceback
        raise DataError(f"file {path}: cannot read {what}: the compressed file is cut short or "
                        f"damaged ({type(exc).__name__})") from exc
