"""``osler train|predict|evaluate TASK``: one contract for every task, dispatched by registry.

A task is implemented once in ``osler.pipelines.<module>`` as an object with ``train``,
``predict`` and ``evaluate`` (see :mod:`osler.pipelines.registry`). The CLI only parses options.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from osler.cli._common import EXIT_OK, exit_status, refuse_inside_inputs, single_option
from osler.pipelines.registry import get_task, task_names

__all__ = ["evaluate", "predict", "train"]


class _TaskName(click.ParamType):
    name = "task"

    def get_metavar(self, param, ctx=None):  # noqa: ANN001 - click's signature (ctx: 8.2+)
        return "{" + "|".join(task_names()) + "}"

    def convert(self, value, param, ctx):  # noqa: ANN001 - click's signature
        names = task_names()
        if value not in names:
            self.fail(f"task must be one of {{{', '.join(names)}}}; got {value!r}", param, ctx)
        return value


@click.command()
@click.argument("task", type=_TaskName())
@click.option("--data", "data", multiple=True, required=True, type=click.Path(exists=True),
              help="Input data (repeat for several sources).")
@click.option("--outcomes", "outcomes", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Outcomes file, where the task keeps labels apart (icu-mortality); repeat "
                   "for several (stays are matched by RecordID across all of them).")
@single_option("--model", "model_dir", required=True, type=click.Path(file_okay=False),
               help="Directory to save the trained model in (refused when it holds a model of "
                    "another task, or is or lies inside a --data input).")
@single_option("--seed", default=0, show_default=True, help="Random seed.")
@single_option("--held-out", "held_out", type=float, default=None, metavar="SHARE",
               help="Share of patients (by a hash of their id) kept out of training, so that "
                    "`osler evaluate` on the same data sees only unseen patients. Default: the "
                    "task's own (0.2; heart-disease 0, it is judged across sites). 0 trains on "
                    "every patient: a final model, to be evaluated on other data.")
def train(task: str, data: tuple[str, ...], outcomes: tuple[str, ...], model_dir: str, seed: int,
          held_out: float | None) -> None:
    """Train TASK's model and save it with its task, features and data fingerprint.

    Exit status: 0 when the model was saved (inputs that could not be used are counted and
    named in the summary), 2 on an error (nothing saved).
    """
    from osler.models.persist import check_model_folder, check_output_path

    check_output_path(model_dir, "--model", folder=True)   # every task: before the training
    # a model saved into an input folder (or over an input) would overwrite its files, or be
    # read as data by the next run: refused before the training, as predict refuses --out
    refuse_inside_inputs(model_dir, "--model", {"--data": data, "--outcomes": outcomes})
    check_model_folder(model_dir, task)
    options = {} if held_out is None else {"held_out": held_out}
    summary = get_task(task).train([Path(d) for d in data], outcomes=_outcomes(outcomes),
                                   model_dir=Path(model_dir), seed=seed, **options)
    click.echo(summary)


def _outcomes(given: tuple[str, ...]) -> Path | list[Path] | None:
    """``--outcomes`` as the tasks take it: none, one file, or a list of several."""
    if not given:
        return None
    return Path(given[0]) if len(given) == 1 else [Path(o) for o in given]


@click.command()
@click.argument("task", type=_TaskName())
@single_option("--model", "model_dir", required=True,
               type=click.Path(exists=True, file_okay=False))
# multiple=True only to see a repeat, refused with its own message below (click keeps the last)
@click.option("--data", "data", multiple=True, required=True, type=click.Path(exists=True),
              help="The one input to score (a file or folder, as the task reads it).")
@single_option("--out", required=True, type=click.Path(),
               help="Where the predictions go (a file, or for sepsis a folder); refused inside "
                    "the --model folder, and when it is or lies inside the --data input.")
@single_option("--split", default=None,
               help="pneumonia: 'test' reads test_* if present, else the held-out val_*.")
@single_option("--explain", "explain", default=None, type=click.Path(dir_okay=False),
               help="Also write each prediction's top evidence (tree SHAP: value, unit, source "
                    "record and time) as JSON lines; for sepsis one per stay-hour. Risk tasks "
                    "(sepsis, icu-mortality, readmission, heart-disease).")
def predict(task: str, model_dir: str, data: tuple[str, ...], out: str, split: str | None,
            explain: str | None) -> None:
    """Score DATA with a saved TASK model and write OUT in the task's documented format.

    \b
    Exit status, as for `osler ingest`:
      0  every stay or row of DATA was scored; rows the task's cohort
         leaves out by definition (readmission: discharged to death
         or hospice) are counted on stderr, and are no skip;
      3  some were skipped (bad input, a repeated id, ...): OUT holds the
         predictions of the others, and stderr counts the skipped and
         names the first reasons (file, record, line), so a caller that
         expects one prediction per input can tell;
      2  nothing could be scored, or an error (bad model, bad options).
    """
    import inspect

    from osler.errors import DataError
    from osler.models.persist import check_output_path

    if len(data) > 1:
        raise click.UsageError(f"option '--data' was given {len(data)} times; predict takes one "
                               "--data PATH (a file or folder) per run: run it once per input")
    # every task, before the work: a file or a folder, as the task writes (it checks which)
    check_output_path(out, "--out", folder=None)
    _outside_model(out, model_dir, "--out")
    # an output that is an input, or lies in an input folder, would overwrite a stay or row
    # (or be read as one by the next run): refused before the work, for each output alike
    refuse_inside_inputs(out, "--out", {"--data": data})
    implementation = get_task(task)
    options = {}
    if explain is not None:
        check_output_path(explain, "--explain")
        _outside_model(explain, model_dir, "--explain")
        refuse_inside_inputs(explain, "--explain", {"--data": data})
        if "explain" not in inspect.signature(implementation.predict).parameters:
            raise DataError(f"--explain is not available for {task}; it is for sepsis, "
                            "icu-mortality, readmission and heart-disease")
        options["explain"] = Path(explain)
    # --out as given: a trailing separator names a folder, which Path() would drop and a task
    # that writes one file must refuse (it converts the path itself)
    summary = implementation.predict(Path(model_dir), Path(data[0]), out, split=split,
                                     **options)
    click.echo(summary)
    sys.exit(_prediction_status(summary))


def _outside_model(path: str, model_dir: str, option: str) -> None:
    """Refuse an output that is the --model folder or lies inside it (directly, through a
    link, or in a subfolder): predictions written there could replace manifest.json or
    model.joblib, and a folder of predictions would mix with the model's files."""
    from osler.errors import DataError

    target, model = Path(path).resolve(), Path(model_dir).resolve()
    if target == model or model in target.parents:
        raise DataError(f"{option} {path}: is {'the' if target == model else 'inside the'} "
                        f"--model folder {model_dir}, whose model files it could overwrite; "
                        "write it elsewhere")


def _prediction_status(summary) -> int:
    """0, 3 or 2 (see ``predict``'s help) from the counts a task's
    :class:`~osler.pipelines.PredictionSummary` carries; the skips are reported on stderr."""
    excluded = getattr(summary, "excluded", "")
    if excluded:   # no input was bad: said, without changing the status
        click.echo(f"osler: {excluded}; no prediction is written for them (not an error)",
                   err=True)
    skipped = summary.skipped
    if not skipped:
        return EXIT_OK
    scored, inputs = summary.scored, summary.inputs
    shown = "; ".join(skipped[:5]) + (f"; and {len(skipped) - 5} more" if len(skipped) > 5
                                      else "")
    click.echo(f"osler: {len(skipped)} of {scored + len(skipped)} {inputs} skipped, "
               f"without a prediction: {shown}", err=True)
    return exit_status(scored, len(skipped))


@click.command()
@click.argument("task", type=_TaskName())
@single_option("--model", "model_dir", required=True,
               type=click.Path(exists=True, file_okay=False))
@click.option("--data", "data", multiple=True, required=True, type=click.Path(exists=True))
@click.option("--outcomes", "outcomes", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Outcomes file (icu-mortality); repeat for several.")
@single_option("--report", required=True, type=click.Path(dir_okay=False),
               help="Model card to write (HTML); the JSON form is written beside it. Refused "
                    "when either would overwrite an input (--data, --outcomes, --model) or lie "
                    "inside a --data folder.")
@single_option("--split", default=None,
               help="pneumonia: 'test' reads test_* if present, else the held-out val_*.")
def evaluate(task: str, model_dir: str, data: tuple[str, ...], outcomes: tuple[str, ...],
             report: str, split: str | None) -> None:
    """Evaluate a saved TASK model on DATA and write its model card.

    Exit status: 0 when the card was written (inputs that could not be used are counted and
    named in the summary and the card), 2 on an error (no card).
    """
    from osler.evaluate.card import card_paths, check_card_target

    # before any work: the card (HTML and its JSON) must never overwrite an input, nor lie
    # in an input folder (as predict's outputs: it would be read with the data next time)
    for target in (report, *card_paths(report)):
        refuse_inside_inputs(target, "--report", {"--data": data, "--outcomes": outcomes})
    check_card_target(report, {"--data": [Path(d) for d in data],
                               "--outcomes": [Path(o) for o in outcomes],
                               "--model": [Path(model_dir)]})
    summary = get_task(task).evaluate(Path(model_dir), [Path(d) for d in data],
                                      outcomes=_outcomes(outcomes), report=Path(report),
                                      split=split)
    click.echo(summary)
