"""``osler deid``: de-identify notes, FHIR and DICOM with one shared key file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from osler.cli._common import EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL

__all__ = ["deid"]

_KEY_HELP = ("Key file (JSON with a hex 'secret'); created when absent. Use the same file for "
             "notes, FHIR and DICOM so pseudonyms and date shifts match. Without it, a random "
             "key is used for this run only.")


def _key(path: Path | None):
    import os

    from osler.privacy.keys import DeidKey, load_key, write_key

    if path is None:
        click.echo("no --key-file: using a random key for this run only; pseudonyms and date "
                   "shifts are consistent within this run but not across runs", err=True)
        return DeidKey(os.urandom(32))
    if path.exists():
        return load_key(path)
    click.echo(f"created a new key file {path}; keep it secret and out of the output", err=True)
    return write_key(path)


key_option = click.option("--key-file", default=None, type=click.Path(dir_okay=False,
                                                                     path_type=Path),
                          help=_KEY_HELP)


@click.group()
def deid() -> None:
    """De-identification (HIPAA Safe Harbor identifiers, PS3.15 Basic Profile) under one key."""


@deid.command()
@click.option("--in", "in_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help='JSON Lines: {"id", "text", "patient"?} per line; consecutive lines of one '
                   'patient are de-identified together.')
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--profile", default="surrogate", show_default=True,
              type=click.Choice(["surrogate", "tag"]))
@click.option("--model", "model", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A PHI tagger trained by `osler deid train` (default: the bundled one).")
@click.option("--rules-only", is_flag=True,
              help="Patterns and dictionaries only, without the learned tagger.")
@click.option("--notes-alone", is_flag=True,
              help="De-identify each note alone, even beside notes of the same patient "
                   "(higher precision, lower recall: see docs/benchmarks.md).")
@key_option
def text(in_file: Path, out_file: Path, profile: str, model: Path | None, rules_only: bool,
         notes_alone: bool, key_file: Path | None) -> None:
    """De-identify notes; output {"id", "text", "phi": [{start, end, type}]} per line, in input
    order, with offsets into the ORIGINAL text.

    Consecutive lines with the same "patient" are de-identified together: a name or place found
    in one of them is replaced in all (memory: one such run of notes). Sort the input by
    patient to share across all of a patient's notes; lines without "patient" stand alone, and
    so does every line with --notes-alone. "patient" also keys the date shift.
    """
    from osler.privacy.deid import PhiTagger

    if model is not None and rules_only:
        raise click.UsageError("--model and --rules-only exclude each other")
    tagger = None if rules_only else PhiTagger.load(model) if model else "bundled"
    key = _key(key_file)
    counts = {"done": 0, "skipped": 0, "split": 0}
    with in_file.open(encoding="utf-8") as fin, out_file.open("w", encoding="utf-8") as fout:
        notes = _notes(fin, in_file.name, counts)
        runs = ([note] for note in notes) if notes_alone else _patient_runs(notes, counts)
        for run in runs:
            _write_run(run, fout, key, profile, tagger)
            counts["done"] += len(run)
    done, skipped = counts["done"], counts["skipped"]
    if counts["split"]:
        click.echo(f"{counts['split']} patients' notes were not on consecutive lines; each run "
                   "was de-identified on its own (sort the input by patient)", err=True)
    click.echo(f"{done} notes de-identified, {skipped} skipped -> {out_file}", err=True)
    raise SystemExit(EXIT_PARTIAL if skipped and done else EXIT_FAILURE if skipped else EXIT_OK)


def _notes(lines, name: str, counts: dict[str, int]):
    """(id, text, patient) of each valid JSON line; invalid lines are reported and counted."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            note_text, note_id = obj["text"], obj["id"]
            if not isinstance(note_text, str):
                raise TypeError("'text' is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            click.echo(f"{name} line {n}: skipped ({type(exc).__name__}: needs "
                       "'id' and string 'text')", err=True)
            counts["skipped"] += 1
            continue
        yield note_id, note_text, obj.get("patient")


def _patient_runs(notes, counts: dict[str, int]):
    """Runs of consecutive notes of one patient (a note without a patient is a run alone)."""
    run: list[tuple] = []
    seen: set[str] = set()
    for note in notes:
        patient = note[2]
        if run and (patient is None or patient != run[-1][2]):
            yield run
            run = []
        if patient is not None and not run:
            counts["split"] += patient in seen
            seen.add(patient)
        run.append(note)
    if run:
        yield run


def _write_run(run, fout, key, profile: str, tagger) -> None:
    from osler.privacy.deid import deidentify_notes

    results = deidentify_notes([t for _i, t, _p in run], key, patient=run[0][2], profile=profile,
                               tagger=tagger)
    for (note_id, _text, _patient), result in zip(run, results):
        fout.write(json.dumps({"id": note_id, "text": result.text,
                               "phi": [s.to_dict() for s in result.phi]}) + "\n")


@deid.command()
@click.option("--data", required=True, type=click.Path(exists=True, path_type=Path),
              help="A PhysioNet deid gold-standard folder (id_*.text + id-phi_*.phrase).")
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the tagger (.json.gz), outside the repository.")
def train(data: Path, out_file: Path) -> None:
    """Train the PHI tagger on gold-standard notes; use it with `osler deid text --model`."""
    from osler.privacy.deid.learn import train_physionet_tagger

    path = train_physionet_tagger(data, out_file)
    click.echo(f"PHI tagger written to {path}", err=True)


@deid.command()
@click.argument("in_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out_path", type=click.Path(dir_okay=False, path_type=Path))
@key_option
def fhir(in_path: Path, out_path: Path, key_file: Path | None) -> None:
    """De-identify a FHIR JSON resource or Bundle (.json or .ndjson, one resource per line)."""
    from osler.errors import DataError
    from osler.privacy.deid import deidentify_bundle

    key = _key(key_file)
    raw = in_path.read_text(encoding="utf-8")
    try:
        if in_path.suffix.lower() in (".ndjson", ".jsonl"):
            out = "".join(json.dumps(deidentify_bundle(json.loads(ln), key)) + "\n"
                          for ln in raw.splitlines() if ln.strip())
        else:
            out = json.dumps(deidentify_bundle(json.loads(raw), key), indent=1)
    except ValueError as exc:
        raise DataError(f"{in_path}: not FHIR JSON ({type(exc).__name__})") from exc
    out_path.write_text(out, encoding="utf-8")
    click.echo(f"de-identified -> {out_path}", err=True)


@deid.command()
@click.argument("in_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@key_option
def dicom(in_dir: Path, out_dir: Path, key_file: Path | None) -> None:
    """De-identify every DICOM file under IN_DIR into OUT_DIR (PS3.15 Basic Profile)."""
    from osler.privacy.deid import deidentify_dicom_dir

    results = deidentify_dicom_dir(in_dir, out_dir, _key(key_file))
    failed = [r for r in results if r.error]
    flagged = [r for r in results if r.burned_in_risk]
    for r in flagged:
        click.echo(f"check pixels for burned-in text: {r.source} (modality {r.modality})",
                   err=True)
    for r in failed:
        click.echo(f"skipped {r.source}: {r.error}", err=True)
    click.echo(f"{len(results) - len(failed)} files de-identified, {len(failed)} skipped, "
               f"{len(flagged)} flagged for burned-in text -> {out_dir}", err=True)
    ok = len(results) - len(failed)
    raise SystemExit(EXIT_PARTIAL if failed and ok else EXIT_FAILURE if failed else EXIT_OK)
