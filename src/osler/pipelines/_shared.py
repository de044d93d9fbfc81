"""Helpers every task pipeline uses: saving/loading model bundles, skipped-item notes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from pathlib import Path

import numpy as np

from osler._paths import same_file
from osler.errors import DataError, ModelError
from osler.models.persist import (ModelBundle, data_fingerprint, ends_with_separator, load_model,
                                  save_model)

__all__ = ["COHORT_EXCLUDED", "PredictionSummary", "all_listed", "check_held_out",
           "counted_reasons", "excluded_note", "load_bundle", "output_file", "save_bundle",
           "skipped_note"]

#: How every task's summaries, stderr and model card name the inputs its cohort leaves out by
#: definition (readmission: encounters discharged to death or hospice). No input was bad, so
#: they are never called skipped: skipped is for bad input only.
COHORT_EXCLUDED = "excluded by the cohort definition"


@dataclass(frozen=True)
class PredictionSummary:
    """What a prediction run did: its summary line (``str(summary)``), how many inputs were
    scored, and why the others were skipped, so that a caller (``osler predict``'s exit
    status) can tell a complete run from a partial one. Not a ``str``: text operations would
    drop the counts.

    ``inputs`` names what was scored: "stays", "rows", "files" or "images". ``excluded``:
    a line counting inputs the task's cohort leaves out by its definition (readmission's
    encounters discharged to death or hospice), '' when none: no input was bad, so they are
    no skip and leave the exit status alone.
    """

    text: str
    _: KW_ONLY
    scored: int
    skipped: Sequence[str] = ()
    inputs: str = "rows"
    excluded: str = ""

    def __post_init__(self) -> None:   # a list of reasons is kept as a tuple: frozen
        object.__setattr__(self, "skipped", tuple(self.skipped))

    def __str__(self) -> str:
        return self.text



def save_bundle(task: str, estimator, data, model_dir: Path, *, threshold: float = 0.5,
                extra: dict | None = None, feature_names: list[str] | None = None,
                baselines: dict | None = None, training_rows: set[str] | None = None) -> Path:
    """Save ``estimator`` trained on ``data`` (anything with ``X`` and ``meta``/``ids``);
    ``training_rows``: content digests of the rows, for tasks that keep them."""
    names = feature_names if feature_names is not None else _feature_names(task)
    ids = data.meta["stay"].to_numpy() if hasattr(data, "meta") else np.asarray(data.ids)
    bundle = ModelBundle(task=task, estimator=estimator, feature_names=list(names),
                         fingerprint=data_fingerprint(data.X, ids), threshold=float(threshold),
                         extra=extra or {}, baselines=baselines or {},
                         training_rows=None if training_rows is None else frozenset(training_rows))
    return save_model(bundle, model_dir)


def load_bundle(task: str, model_dir: Path, feature_names: list[str] | None = None) -> ModelBundle:
    """Load ``task``'s model; the feature schema must match what this version computes."""
    names = feature_names if feature_names is not None else _feature_names(task)
    bundle = load_model(model_dir, task, names)
    if not hasattr(bundle.estimator, "predict_proba"):
        raise ModelError(f"model directory {model_dir}: the saved object cannot predict "
                         "probabilities")
    return bundle


def _feature_names(task: str) -> list[str]:
    if task == "sepsis":
        from osler.features import feature_names
        return list(feature_names())
    raise ModelError(f"task {task!r} must pass its feature names explicitly")


def check_held_out(held_out: float | None, default: float) -> float:
    """The held-out share to use: ``default`` when ``None``; refused outside ``[0, 0.9]``."""
    if held_out is None:
        return default
    if not 0.0 <= held_out <= 0.9:
        raise DataError(f"--held-out must be a share of patients from 0 to 0.9; got {held_out:g}")
    return float(held_out)


def output_file(data: Path, out: Path | str, option: str = "--out") -> Path:
    """``out`` for a predictions file (``option``: the option that gave it, named in every
    refusal), refused when it is a folder (an existing one, or one written as such: ``out/``,
    a trailing separator, which ``Path`` would drop, so that the file would be written under
    the folder's name), the input, or a file inside the input folder."""
    if ends_with_separator(out):
        raise DataError(f"{option} {out} names a folder (it ends with a path separator); this "
                        "task writes one file there: give a file name")
    if Path(out).is_dir():
        raise DataError(f"{option} {out} is a folder; this task writes one file there")
    out, data = Path(out), Path(data)
    if out.exists() and data.exists() and same_file(out, data):
        raise DataError(f"{option} {out} is the input file {data}: its data would be "
                        "overwritten; choose another file")
    if data.is_dir() and data.resolve() in out.resolve().parents:
        raise DataError(f"{option} {out} lies inside the input folder {data}: it could "
                        "overwrite an input, or be read as one; choose another file")
    return out


def skipped_note(skipped: list[tuple[str, str]], shown: int = 5) -> str:
    """``'0 skipped'``, or the count with the first ``shown`` reasons, each naming its file and
    record: a skipped stay is never only a number."""
    return counted_reasons("skipped", [reason for _file, reason in skipped], shown)


def all_listed(skipped: Sequence) -> str:
    """Where a card's notes send the reader for the skipped inputs they do not all name
    (:func:`skipped_note` names the first 5; the card's Skipped inputs section, all)."""
    return " (every skipped input is listed under Skipped inputs)" if len(skipped) > 5 else ""


def excluded_note(excluded: Mapping[str, Sequence[str]]) -> str:
    """``'N excluded by the cohort definition: WHAT AND WHY'`` per reason a task gave (its
    ``excluded``: reason -> one note per input), '; '-joined; ``''`` when none."""
    return "; ".join(f"{len(rows)} {COHORT_EXCLUDED}: {why}"
                     for why, rows in excluded.items() if rows)


def counted_reasons(what: str, reasons: list[str], shown: int = 5) -> str:
    """``'0 WHAT'``, or ``'N WHAT (reason; reason; and M more)'`` with the first ``shown``."""
    if not reasons:
        return f"0 {what}"
    more = f"; and {len(reasons) - shown} more" if len(reasons) > shown else ""
    return f"{len(reasons)} {what} ({'; '.join(map(str, reasons[:shown]))}{more})"


def implausible_note(notes: list[str]) -> str:
    """Readings no living patient can have (sepsis, icu-mortality: file, line and variable
    each, :func:`osler.ingest._plausible.outside_limits`), counted: the tasks use them as given
    in training and in scoring alike, so they are reported, never changed."""
    return counted_reasons("readings outside physiological limits, used as given", notes)
