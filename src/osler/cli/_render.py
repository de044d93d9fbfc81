"""Terminal rendering shared by CLI commands (rich tables)."""

from __future__ import annotations

from typing import Any

__all__ = ["ingest_summary", "stats_table", "timeline"]

_KINDS = ("encounter", "condition", "observation", "medication", "procedure", "note",
          "imaging_study", "genotype", "consent")


def ingest_summary(console: Any, report: Any) -> None:
    from rich.table import Table
    s = report.stored
    console.print(f"[bold]Stored {s.patients} patients[/bold] from "
                  + ", ".join(f"{n} {fmt}" for fmt, n in sorted(report.sources.items())))
    table = Table("event kind", "events", title=None, box=None)
    for kind in _KINDS:
        if s.events.get(kind):
            table.add_row(kind, f"{s.events[kind]:,}")
    if s.labels:
        table.add_row("labels (outcomes)", f"{s.labels:,}")
    console.print(table)
    for name in report.no_patient_data:
        console.print(f"[dim]no patient data in {name} (nothing to store)[/dim]")
    if report.merged_notice:
        console.print(f"[dim]{report.merged_notice}[/dim]", highlight=False)
    if report.refiled_warning:
        console.print(f"[yellow]{report.refiled_warning}[/yellow]", highlight=False)
    if report.quarantined or report.unrecognised:
        console.print(f"[yellow]Quarantined {len(report.quarantined) + len(report.unrecognised)} "
                      f"inputs[/yellow] (see `osler stats`):")
        for err in (report.unrecognised + [str(e) for e in report.quarantined])[:20]:
            console.print(f"  - {err}", markup=False, highlight=False)
        extra = len(report.quarantined) + len(report.unrecognised) - 20
        if extra > 0:
            console.print(f"  ... and {extra} more")


def stats_table(console: Any, stats: dict[str, Any]) -> None:
    from rich.table import Table
    table = Table("count", "value", box=None)
    table.add_row("patients", f"{stats['patients']:,}")
    for kind in _KINDS:
        table.add_row(kind, f"{stats[kind]:,}")
    table.add_row("labels", f"{stats['labels']:,}")
    table.add_row("quarantined", f"{stats['quarantined']:,}")
    console.print(table)
    tables = Table("table", "rows", box=None, title="tables (OMOP-shaped)")
    for name, n in stats["tables"].items():
        tables.add_row(name, f"{n:,}")
    console.print(tables)


def _when(event: Any) -> str:
    if event.time is not None:
        return event.time.strftime("%Y-%m-%d %H:%M")
    if event.offset is not None:
        return f"+{event.offset.total_seconds() / 3600:.1f} h"
    if event.known_time is not None:   # a past drug or procedure a note tells: when is unknown
        return event.known_time.strftime("by %Y-%m-%d")
    return "unknown"


#: FHIR statuses that say the event did not happen (or no longer stands): shown before any
#: value, so that "Colonoscopy" not done never reads as a colonoscopy.
_NOT_HAPPENED = frozenset({"not-done", "not-taken", "entered-in-error", "cancelled", "stopped",
                           "on-hold", "revoked", "rejected"})


def _value(event: Any) -> str:
    status = getattr(event, "status", None)
    if status in _NOT_HAPPENED:
        return str(status)
    for attr in ("value", "dose"):
        v = getattr(event, attr, None)
        if v is not None:
            return str(v)
    for attr in ("value_text", "verification", "modality", "provision"):
        v = getattr(event, attr, None)
        if v:
            return str(v)[:40]
    if getattr(event, "alleles", None):
        return "/".join(a or "." for a in event.alleles)
    return ""


def timeline(console: Any, record: Any, limit: int | None) -> None:
    from rich.table import Table
    age = f"born {record.birth_date}" if record.birth_date else "birth date unknown"
    console.print(f"[bold]Patient {record.patient_id}[/bold] · {record.sex or 'sex unknown'} · "
                  f"{age} · {len(record.events)} events · {len(record.labels)} labels")
    table = Table(box=None)
    table.add_column("when", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("code", no_wrap=True)
    table.add_column("what", max_width=44, overflow="ellipsis", no_wrap=True)
    table.add_column("value", no_wrap=True)
    table.add_column("source", max_width=36, overflow="ellipsis", no_wrap=True)
    events = record.timeline()
    for e in events[:limit] if limit else events:
        c = e.coding
        source = e.provenance.source.rsplit("/", 1)[-1]
        table.add_row(_when(e), e.kind.value, c.code if c else "", (c.display or "") if c else "",
                      _value(e), f"{source}:{e.provenance.line}" if e.provenance.line else source)
    console.print(table)
    if limit and len(events) > limit:
        console.print(f"[dim]... {len(events) - limit} more (use --limit 0 for all)[/dim]")
