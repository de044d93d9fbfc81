"""``osler ingest PATH...``: read sources of any supported format into the store."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from osler.cli._common import db_option, resolve_db, single_option

__all__ = ["ingest"]


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@single_option("--patient", default=None,
               help="Patient id for sources that carry none: a VCF, and plain-text notes (.txt; "
                    "by default a note's patient is its file name). Refused when no source "
                    "takes it (JSON Lines notes and FHIR name their own patients).")
@single_option("--sample", default=None,
               help="VCF sample to read (needed with --patient for a multi-sample VCF).")
@single_option("--validation", type=click.Choice(["fast", "strict"]), default="fast",
               show_default=True, help="FHIR: 'strict' also validates with fhir.resources.")
@single_option("--patient-map", type=click.Path(exists=True, dir_okay=False, path_type=Path),
               default=None, help="CSV stay_id,patient_id linking PhysioNet stays to patients.")
@single_option("--patient-identifier", "patient_identifier", metavar="SYSTEM", default=None,
               help="FHIR: key each patient by its identifier of this Identifier.system URI "
                    "(e.g. http://hospital.example.org/mrn) or HL7 v2-0203 type code (MR, as "
                    "Synthea writes its MRN) instead of Patient.id, so that it joins the DICOM "
                    "PatientID and notes of the same MRN. A Patient without it is quarantined "
                    "with its events; Patients sharing one value are merged, or quarantined "
                    "when their birth date or sex differ.")
@single_option("--fhir-server", "fhir_server", metavar="URL|NAME", default=None,
               help="FHIR: the server these resources come from (its base URL or a stable "
                    "name). Resource ids are unique per server only: give each server's "
                    "exports their own name, the same at every read, so that two servers' "
                    "Observation/1 stay two. Notes' 'encounter' ids name that server's "
                    "Encounters.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(paths: tuple[Path, ...], db: str | None, patient: str | None, sample: str | None,
           validation: str, patient_map: Path | None, patient_identifier: str | None,
           fhir_server: str | None, as_json: bool) -> None:
    """Read files, directories and zips (formats detected by content) into the store.

    NDJSON files named one by one are read as one bulk export, as their
    directory would be: a resource in Observation.ndjson finds its patient in
    Patient.ndjson.

    \b
    One person's FHIR, DICOM and notes join when they carry one id. By
    default FHIR is keyed by Patient.id, DICOM by PatientID and a note by its
    'patient'. When images and notes carry the MRN, key FHIR by it too:
      osler ingest --patient-identifier http://hospital.example.org/mrn \\
          fhir/ pacs/ notes.jsonl

    \b
    Two FHIR servers (two sites) reuse resource ids: name each. The name does
    not enter the patient key, so key patients by an identifier unique across
    the sites (Patient/1, or local MRN 111, at two sites is one patient; when
    birth date or sex differ, the second site's is quarantined, not merged):
      osler ingest --patient-identifier EMPI-SYSTEM --fhir-server site-a a/
      osler ingest --patient-identifier EMPI-SYSTEM --fhir-server site-b b/

    Exit status: 0 when everything was stored, 3 when some records were quarantined,
    2 when nothing could be stored.
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from osler.cli._render import ingest_summary
    from osler.ingest import PatientIdentifier, fhir_server_name
    from osler.pipelines.ingest_job import ingest_paths, takes_patient
    from osler.store import open_store

    try:  # a bad value fails here, before the store is opened or anything read
        rule = PatientIdentifier.parse(patient_identifier) if patient_identifier else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--patient-identifier'") from None
    try:
        fhir_server = fhir_server_name(fhir_server)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--fhir-server'") from None

    if patient and not takes_patient(list(paths)):
        # "osler ingest --patient p5 notes.jsonl": every line names its patient; p5 would be
        # ignored without a word
        raise click.BadParameter("no source here takes it: only a VCF and plain-text notes "
                                 "(.txt) carry no patient id; JSON Lines notes, FHIR, DICOM "
                                 "and the others name their own", param_hint="'--patient'")
    options = {fmt: {"validation": validation}
               for fmt in ("fhir-bundle", "fhir-ndjson", "fhir-resource")}
    if patient or sample:
        options["vcf"] = {k: v for k, v in (("patient", patient), ("sample", sample)) if v}
    if patient:
        options["notes"] = {"patient": patient}   # "visit1.txt" is p5's note, not visit1's
    if patient_map:
        options["physionet2019"] = {"patient_map": patient_map}
    url = resolve_db(db)
    if not url.startswith(("postgresql://", "postgres://")) and not os.environ.get("OSLER_BLOBS"):
        # pixels live beside the DuckDB file they belong to, never inside its rows
        options["dicom"] = options["nifti"] = {"blob_dir": Path(url).resolve().parent / "osler-blobs"}
    console = Console(stderr=True)
    with open_store(url) as store, Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=console, transient=True, disable=as_json or not console.is_terminal) as bar:
        task = bar.add_task("reading", total=None)
        report = ingest_paths(list(paths), store, options=options, patient_identifier=rule,
                              fhir_server=fhir_server,
                              progress=lambda name, n: bar.update(
                                  task, description=f"{n} patients · {name}"))
    if as_json:
        import json
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        ingest_summary(Console(), report)
    sys.exit(report.exit_code)
