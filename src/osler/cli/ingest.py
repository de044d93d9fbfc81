"""``osler ingest PATH...``: read sources of any supported format into the store."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from osler.cli._common import db_option, resolve_db

__all__ = ["ingest"]


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@click.option("--patient", default=None, help="Patient id for sources that carry none (a VCF).")
@click.option("--sample", default=None,
              help="VCF sample to read (needed with --patient for a multi-sample VCF).")
@click.option("--validation", type=click.Choice(["fast", "strict"]), default="fast",
              show_default=True, help="FHIR: 'strict' also validates with fhir.resources.")
@click.option("--patient-map", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="CSV stay_id,patient_id linking PhysioNet stays to patients.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def ingest(paths: tuple[Path, ...], db: str | None, patient: str | None, sample: str | None,
           validation: str,
           patient_map: Path | None, as_json: bool) -> None:
    """Read files, directories and zips (formats detected by content) into the store.

    Exit status: 0 when everything was stored, 3 when some records were quarantined,
    2 when nothing could be stored.
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from osler.cli._render import ingest_summary
    from osler.pipelines.ingest_job import ingest_paths
    from osler.store import open_store

    options = {fmt: {"validation": validation}
               for fmt in ("fhir-bundle", "fhir-ndjson", "fhir-resource")}
    if patient or sample:
        options["vcf"] = {k: v for k, v in (("patient", patient), ("sample", sample)) if v}
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
        report = ingest_paths(list(paths), store, options=options,
                              progress=lambda name, n: bar.update(
                                  task, description=f"{n} patients · {name}"))
    if as_json:
        import json
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        ingest_summary(Console(), report)
    sys.exit(report.exit_code)
