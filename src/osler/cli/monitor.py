"""``osler monitor sepsis``: replay one stay hour by hour as a live stream."""

from __future__ import annotations

from pathlib import Path

import click

from osler.cli._common import single_option

__all__ = ["monitor"]


@click.group()
def monitor() -> None:
    """Replay stays through a saved model as if their data arrived live."""


@monitor.command("sepsis")
@single_option("--model", "model_dir", required=True,
               type=click.Path(exists=True, file_okay=False))
@single_option("--stay", required=True,
               type=click.Path(exists=True, dir_okay=False),
               help="One PhysioNet 2019 .psv stay.")
@single_option("--top", default=3, show_default=True, type=click.IntRange(min=0),
               help="Evidence items per hour.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hour.")
def sepsis(model_dir: str, stay: str, top: int, as_json: bool) -> None:
    """Print risk, alarm state and top evidence for each hour of STAY.

    The first line names the stay file, the model's task and its alert threshold, which
    each hour's risk is read against (not with --json: one JSON object per hour only).
    """
    import json

    from osler.pipelines._sepsis_stream import SepsisMonitor
    from osler.pipelines._shared import implausible_note

    mon = SepsisMonitor(Path(model_dir), top_k=top)
    implausible: list[str] = []
    # a bad stay is refused before anything is printed
    frame = mon.open_stay(Path(stay), implausible=implausible)
    # as predict says them, on stderr: the stdout stream keeps its format
    odd = implausible_note(implausible) if implausible else None   # readings used as given
    for note in (mon.unmeasured_note(frame, Path(stay)), odd):
        if note:
            click.echo(f"osler: {note}", err=True)
    if not as_json:   # what each hour's risk is read against (JSON lines stay one per hour)
        click.echo(f"stay {Path(stay).name}  model {mon.bundle.task} ({model_dir})  alert "
                   f"threshold {mon.threshold:.4g}: ALARM when the risk is at or above it")
    for hour in mon.replay_frame(frame):
        if as_json:
            click.echo(json.dumps(hour.to_dict()))
            continue
        state = "ALARM" if hour.alarm else "quiet"
        reasons = "; ".join(_evidence_text(e) for e in hour.evidence)
        click.echo(f"hour {hour.hour:>5g}  risk {hour.probability:6.3f}  {state:5}  {reasons}")


def _evidence_text(e) -> str:
    value = e.readable_text()   # °C, mmHg, bpm: not the UCUM codes the JSON keeps
    where = f" @h{e.offset.total_seconds() / 3600:g}" if e.offset is not None else ""
    return f"{e.label} {value}{where} ({e.contribution:+.2f})"
