"""Task ``sepsis``: hourly early warning of sepsis on PhysioNet 2019-style ICU stays.

Declared once: the cohort is every ICU stay; a prediction is made at every hour from the data up
to and including that hour; the label is the hourly ``SepsisLabel`` (1 from 6 h before onset),
and the challenge's normalized utility decides the alarm threshold.

A fifth of the stays (by a hash of the stay id) is the task's final held-out part: ``train``
never uses it, and ``evaluate`` leaves out every stay the model was trained on and says so:
by stay id, and by a digest of each training stay's rows kept with the model, so a training
stay renamed or copied into another folder is recognised too; and by a digest of its first
hours, so a training stay cut short (its last hours dropped) is too.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from osler.errors import DataError
from osler.evaluate import patient_split
from osler.evaluate.card import check_card_target
from osler.evaluate.cards import skipped_section
from osler.models.persist import check_output_path
from osler.pipelines._sepsis_data import START_HOURS, NoUsableStay, SepsisCohort, load_cohort
from osler.pipelines._sepsis_model import evaluate_sepsis, fit_sepsis, threshold_rule
from osler.pipelines._sepsis_report import (need_a_septic_stay, sepsis_card, sepsis_provenance,
                                            sepsis_training_record)
from osler.pipelines._shared import (PredictionSummary, all_listed, check_held_out,
                                     load_bundle, output_file, save_bundle, skipped_note)

__all__ = ["TASK", "SepsisTask", "seen_in_training"]

HELD_OUT_SALT = "sepsis-final-test"
HELD_OUT_FRACTION = 0.2


def held_out_mask(stays: np.ndarray, fraction: float = HELD_OUT_FRACTION) -> np.ndarray:
    """True for stays in the task's final held-out part."""
    part = patient_split(stays, {"develop": 1 - fraction, "test": fraction}, salt=HELD_OUT_SALT)
    return part == "test"


class SepsisTask:
    """The ``sepsis`` task (see module docstring). Methods return a short summary line."""

    name = "sepsis"

    def train(self, data: list[Path], *, outcomes: Path | None = None, model_dir: Path,
              seed: int = 0, held_out: float | None = None, n_jobs: int = 2) -> str:
        if outcomes is not None:
            raise DataError("task sepsis takes its labels from the SepsisLabel column; "
                            f"--outcomes is not used (got {outcomes})")
        fraction = check_held_out(held_out, HELD_OUT_FRACTION)
        check_output_path(model_dir, "--model", folder=True)   # before minutes of training
        cohort = load_cohort(data, n_jobs=n_jobs).labelled("training")
        develop = cohort.subset(
            cohort.meta["stay"][~held_out_mask(cohort.meta["stay"], fraction)].unique())
        n_stays, skipped, odd = cohort.n_stays, cohort.skipped, cohort.implausible_note()
        del cohort  # the development copy is all that training needs: halve the peak memory
        if develop.n_stays < 10:
            raise DataError(f"task sepsis needs at least 10 development stays; got "
                            f"{develop.n_stays} of {n_stays}")
        fit = fit_sepsis(develop, seed=seed, n_jobs=n_jobs)
        held_out_rule = {"salt": HELD_OUT_SALT, "fraction": fraction}
        save_bundle(self.name, fit.estimator, develop, model_dir, threshold=fit.threshold,
                    extra={"validation_utility": fit.validation_utility,
                           "train_stays": fit.train_stays, "held_out": held_out_rule,
                           "training_data": sepsis_training_record(data, n_stays, develop,
                                                                   skipped, held_out_rule),
                           "threshold_rule": threshold_rule(len(fit.threshold_stays))},
                    # stays are recognised by content too: a renamed copy is no unseen stay,
                    # nor a copy cut short (by its first START_HOURS hours, or all of a
                    # shorter start)
                    training_rows={*develop.content_digests().values(),
                                   *develop.start_digests().values(),
                                   *develop.prefix_digests()})
        return (f"sepsis: trained on {len(fit.train_stays)} stays, threshold "
                f"{fit.threshold:.3f} chosen on their out-of-fold scores (utility "
                f"{fit.validation_utility:.3f}); {n_stays - develop.n_stays} stays held "
                f"out; {skipped_note(skipped)}{odd}; model saved to {model_dir}")

    def predict(self, model_dir: Path, data: Path, out: Path, *, split: str | None = None,
                explain: Path | None = None, top_k: int = 5) -> str:
        """One prediction file per stay in OUT; with ``explain``, also a JSON line per
        stay-hour with its top ``top_k`` evidence items (value, unit, hour, source line)."""
        bundle = load_bundle(self.name, model_dir)
        out = _output_folder(Path(data), Path(out))
        if explain is not None:
            check_output_path(output_file(data, explain, "--explain"), "--explain")
            if out.resolve() in Path(explain).resolve().parents:
                raise DataError(f"--explain {explain} is inside the --out folder, which holds "
                                "one prediction file per stay only; put it elsewhere")
        # every stay with hours gets its file, as the official scorer reads one per stay
        try:
            cohort = load_cohort([data], unmeasured=True, labels=False)
        except NoUsableStay as err:
            # a failed run leaves no earlier run's prediction for the stays it could not score
            stale = _remove_stale(out, err.skipped, written=set())
            if stale:
                raise DataError(f"{err}; removed {stale} prediction file(s) left in {out} by "
                                "an earlier run for these stays") from None
            raise
        p = bundle.estimator.predict_proba(cohort.X)[:, 1]
        written = _write_predictions(cohort, p, bundle.threshold, out)
        stale = _remove_stale(out, cohort.skipped, set(cohort.meta["file"].unique()))
        note = ""
        if cohort.unmeasured:
            note = (f"; {len(cohort.unmeasured)} of them with no measured value in any hour "
                    f"({'; '.join(r for _f, r in cohort.unmeasured[:5])}"
                    f"{'; ...' if len(cohort.unmeasured) > 5 else ''})")
        note += cohort.implausible_note()
        if stale:
            note += (f"; removed {stale} prediction file(s) left in {out} by an earlier run for "
                     "stays skipped now")
        if explain is not None:
            note += f"; evidence of {_write_evidence(model_dir, data, Path(explain), top_k)} "
            note += f"stay-hours to {explain}"
        # an earlier run's prediction files among the inputs are named, not counted as stays
        not_stays = cohort.not_stays
        skipped = [s for s in cohort.skipped if s not in not_stays]
        if not_stays:
            note += (f"; {len(not_stays)} .psv file(s) not read, being Osler prediction files, "
                     f"not stays ({', '.join(f for f, _why in not_stays[:3])}"
                     f"{', ...' if len(not_stays) > 3 else ''})")
        return PredictionSummary(f"sepsis: wrote {written} prediction files to {out}{note}; "
                                 f"{skipped_note(skipped)}", scored=written,
                                 skipped=[reason for _file, reason in skipped],
                                 inputs="stays")

    def evaluate(self, model_dir: Path, data: list[Path], *, outcomes: Path | None = None,
                 report: Path, split: str | None = None, n_boot: int = 200) -> str:
        if outcomes is not None:
            raise DataError("task sepsis takes its labels from the SepsisLabel column; "
                            f"--outcomes is not used (got {outcomes})")
        check_card_target(report, {})   # the card can be written: checked before the work
        bundle = load_bundle(self.name, model_dir)
        cohort = load_cohort(data).labelled("evaluation")
        by_id, by_content, by_start = seen_in_training(bundle, cohort)
        seen_stays = by_id | by_content | by_start
        unseen = cohort.subset(set(cohort.meta["stay"]) - seen_stays)
        left_out = (f"{len(by_id)} stays used in training (by stay id) and {len(by_content)} "
                    "stays identical to a training stay (under another name)")
        if by_start:
            left_out += (f", and {len(by_start)} stays whose first {START_HOURS} hours are a "
                         "training stay's (a copy cut short), or of fewer hours, all of which "
                         "are (and hold a measurement)")
        if not len(unseen.meta):
            raise DataError(f"all {cohort.n_stays} stays in the data were used to train this "
                            f"model ({left_out}); evaluate on stays it has not seen")
        need_a_septic_stay(unseen, len(seen_stays), left_out)
        p = bundle.estimator.predict_proba(unseen.X)[:, 1]
        result = evaluate_sepsis(unseen, p, bundle.threshold, n_boot=n_boot)
        result.notes.append(f"{left_out} were left out{_no_digests_note(bundle)}; "
                            f"{skipped_note(cohort.skipped)}{unseen.implausible_note()}"
                            f"{all_listed(cohort.skipped)}.")
        card = sepsis_card(result, bundle, unseen, provenance=sepsis_provenance(
            bundle, data, cohort, unseen, by_id=len(by_id), by_content=len(by_content),
            by_start=len(by_start)))
        if (listed := skipped_section(cohort.skipped)) is not None:   # all, not the first 5
            card.sections.append(listed)
        written = card.write(report)
        tm = result.task_metrics
        seen = f" ({len(seen_stays)} left out: seen in training)" if seen_stays else ""
        return (f"sepsis: {unseen.n_stays} stays{seen}, AUROC {result.metric('AUROC'):.3f}, "
                f"utility {tm['utility']:.3f} at threshold {tm['threshold']:.3f}; "
                f"{skipped_note(cohort.skipped)}; card {written}")


def seen_in_training(bundle, cohort: SepsisCohort) -> tuple[set[str], set[str], set[str]]:
    """The stays of ``cohort`` the model was trained on: by stay id; (of the others) by
    content, which catches a training stay renamed or copied (see
    :meth:`SepsisCohort.content_digests`); and (of the rest) by their first hours, which
    catches a training stay cut short (:meth:`SepsisCohort.start_digests`; a stay shorter
    than ``START_HOURS`` by all its hours, :meth:`SepsisCohort.short_digests`). A model saved
    before it kept digests compares ids only; one saved before it kept start digests, ids
    and whole stays."""
    trained_ids = set(bundle.extra.get("train_stays", []))
    stays = set(cohort.meta["stay"])
    by_id = stays & trained_ids
    if bundle.training_rows is None:
        return by_id, set(), set()
    by_content = {s for s, digest in cohort.content_digests().items()
                  if s not in by_id and digest in bundle.training_rows}
    starts = {**cohort.start_digests(), **cohort.short_digests()}
    by_start = {s for s, digest in starts.items()
                if s not in by_id | by_content and digest in bundle.training_rows}
    return by_id, by_content, by_start


def _no_digests_note(bundle) -> str:
    if bundle.training_rows is not None:
        return ""
    return (" (this model was saved without digests of its training stays, so a training "
            "stay under another name is not recognised: retrain to compare by content)")


_HEADER = "PredictedProbability|PredictedLabel"


def prediction_name(stay_file: str) -> str:
    """The prediction file of a stay file: the same name (PhysioNet's scorer pairs them by
    name), plain text, so ``p1.psv.gz`` gives ``p1.psv``."""
    return stay_file[:-3] if stay_file.lower().endswith(".psv.gz") else stay_file


def _write_evidence(model_dir: Path, data: Path, path: Path, top_k: int) -> int:
    from osler.pipelines._sepsis_stream import SepsisMonitor

    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for hour in SepsisMonitor(model_dir, top_k=top_k).explain_stays([data]):
            fh.write(json.dumps(hour.to_dict(), allow_nan=False) + "\n")
            n += 1
    return n


def _output_folder(data: Path, out: Path) -> Path:
    """``out``, refused where writing there would touch the input stays."""
    if out.exists() and not out.is_dir():
        raise DataError(f"--out {out} is a file; sepsis writes a folder with one prediction "
                        "file per stay")
    source = data.resolve()
    folder = source if source.is_dir() else source.parent
    target = out.resolve()
    if target == folder or (source.is_dir() and folder in target.parents):
        raise DataError(f"--out {out} is (inside) the input folder {data}: prediction files "
                        "would overwrite or mix with the stays; choose another folder")
    return check_output_path(out, "--out", folder=True)


def _remove_stale(out: Path, skipped: list[tuple[str, str]], written: set[str]) -> int:
    """Delete prediction files an earlier run wrote for stays that this run skipped
    (``(file, reason)`` pairs; ``written``: the stay files this run scored), so that the
    scorer never reads an old model's predictions. Only files that start with the
    prediction header are touched."""
    written = {prediction_name(f) for f in written}
    removed = 0
    if not out.is_dir():
        return 0
    for name in {prediction_name(f) for f, _why in skipped} - written:
        path = out / name
        if path.is_file():
            with path.open(encoding="utf-8", errors="replace") as fh:
                is_ours = fh.readline().strip() == _HEADER
            if is_ours:
                path.unlink()
                removed += 1
    return removed


def _write_predictions(cohort: SepsisCohort, p: np.ndarray, threshold: float, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    meta = cohort.meta
    bounds = np.flatnonzero(np.r_[True, meta["stay"].to_numpy()[1:] != meta["stay"].to_numpy()[:-1],
                                  True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        lines = [_HEADER]
        lines += [f"{q:.6f}|{int(q >= threshold)}" for q in p[a:b]]
        (out / prediction_name(meta["file"].iloc[a])).write_text("\n".join(lines) + "\n",
                                                                 encoding="utf-8")
    return len(bounds) - 1


TASK = SepsisTask()
