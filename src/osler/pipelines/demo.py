"""The demo: a synthetic cohort, ingested, a sepsis model trained and its card written.

Everything here runs on SYNTHETIC patients made by :mod:`osler.synth`; nothing describes a
real person. The steps are the same library calls a user makes on real data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osler.pipelines.ingest_job import IngestReport, ingest_paths
from osler.store import open_store
from osler.synth import CohortPaths, write_cohort

__all__ = ["DemoResult", "run_demo"]


@dataclass
class DemoResult:
    out: Path
    db: Path
    cohort: CohortPaths
    ingest: IngestReport
    stats: dict[str, Any]
    steps: list[str] = field(default_factory=list)
    card: Path | None = None


def run_demo(out: Path, *, n_patients: int = 1500, seed: int = 0, train: bool = True,
             step: Callable[[str], None] = lambda _msg: None) -> DemoResult:
    """Build the synthetic demo under ``out``; ``step`` is told what is happening."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    step(f"generating {n_patients} SYNTHETIC patients (seed {seed})")
    cohort = write_cohort(out / "synthetic", n_patients=n_patients, seed=seed)
    db = out / "osler.duckdb"
    step(f"ingesting {cohort.n_patients} FHIR bundles and {cohort.n_stays} ICU stays into {db}")
    with open_store(db) as store:
        # labels.csv links each synthetic stay to its patient, so the stay joins that timeline
        report = ingest_paths([cohort.fhir_dir, cohort.icu_dir], store,
                              options={"physionet2019": {"patient_map": cohort.labels}})
        notes = _annotate_notes(store, step)
        stats = store.stats()
    result = DemoResult(out=out, db=db, cohort=cohort, ingest=report, stats=stats)
    if notes:
        result.steps.append(notes)
    if train:
        from osler.pipelines.registry import get_task
        sepsis = get_task("sepsis")
        model_dir, card = out / "models" / "sepsis", out / "cards" / "sepsis.html"
        step(f"training the sepsis early-warning model on {cohort.n_stays} synthetic stays")
        result.steps.append(sepsis.train([cohort.icu_dir], outcomes=None, model_dir=model_dir,
                                         seed=seed))
        step("evaluating on the held-out synthetic stays and writing the model card")
        result.steps.append(sepsis.evaluate(model_dir, [cohort.icu_dir], outcomes=None,
                                            report=card))
        result.card = card
    return result


def _annotate_notes(store, step: Callable[[str], None]) -> str | None:
    """The concepts of the synthetic notes into the timeline (``osler nlp annotate``); skipped,
    and said, without the ``nlp`` extra."""
    import importlib.util

    if importlib.util.find_spec("medspacy") is None:
        return "notes: concepts not extracted (pip install 'osler[nlp]')"
    from osler.pipelines.notes_nlp import annotate_store

    step("extracting concepts (with negation, history, experiencer) from the synthetic notes")
    done = annotate_store(store)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(done.events.items())) or "no events"
    return f"notes: {done.notes} synthetic notes -> {kinds} in the timeline"
