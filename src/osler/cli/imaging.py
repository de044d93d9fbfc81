"""``osler imaging saliency|worklist``: argument handling only; the work is in the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import click

from osler.cli._common import single_option

__all__ = ["imaging"]


@click.group()
def imaging() -> None:
    """Chest X-ray tools: Grad-CAM saliency and a triage worklist (task pneumonia)."""


@imaging.command()
@single_option("--model", "model_dir", required=True, type=click.Path(exists=True, file_okay=False))
@single_option("--image", required=True, type=click.Path(exists=True, dir_okay=False),
               help="A CR/DX DICOM file, or a PNG/JPEG image.")
@single_option("--out", required=True, type=click.Path(dir_okay=False), help="PNG to write.")
def saliency(model_dir: str, image: str, out: str) -> None:
    """Predict pneumonia for IMAGE and save a Grad-CAM overlay; print the evidence as JSON."""
    from osler.pipelines._pneumonia_explain import explain_image
    probability, evidence = explain_image(Path(model_dir), Path(image), Path(out))
    click.echo(json.dumps({"probability": round(probability, 4),
                           "evidence": evidence.to_dict()}, indent=2))


@imaging.command()
@single_option("--model", "model_dir", required=True, type=click.Path(exists=True, file_okay=False))
@single_option("--data", required=True, type=click.Path(exists=True),
               help="Directory (or DICOMDIR) of CR/DX radiographs.")
@single_option("--out", default=None, type=click.Path(dir_okay=False),
               help="Also write the worklist as CSV.")
@single_option("--blobs", default=None, type=click.Path(file_okay=False),
               help="Where embeddings are stored (default: $OSLER_BLOBS or ./osler-blobs).")
@single_option("--urgent-at", default=0.7, show_default=True, help="Urgent from this probability.")
@single_option("--routine-below", default=0.3, show_default=True,
               help="Routine below this probability (when the model is consistent).")
def worklist(model_dir: str, data: str, out: str | None, blobs: str | None, urgent_at: float,
             routine_below: float) -> None:
    """Order the studies in DATA by urgency and uncertainty, saying why for each."""
    from osler.imaging.triage import TriagePolicy
    from osler.pipelines._pneumonia_explain import triage
    policy = TriagePolicy(urgent_at=urgent_at, routine_below=routine_below)
    table, skipped = triage(Path(model_dir), Path(data), blob_dir=blobs and Path(blobs),
                            policy=policy)
    for _, row in table.iterrows():
        click.echo(f"{row['rank']:>3}  {row['tier']:<12}  p={row['probability']:.2f}  "
                   f"{row['study']}  - {row['why']}")
    click.echo(f"{len(table)} studies ordered; {len(skipped)} file(s) skipped"
               + (": " + "; ".join(str(e) for e in skipped[:5]) if skipped else ""))
    if out:
        table.to_csv(out, index=False)
