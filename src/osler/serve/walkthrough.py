"""The demo's walk through the service: a real server, a clinician's token, one CDS Hooks call
per patient, and what the EHR would show."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from osler.serve.users import add_user

__all__ = ["demo_config", "icu_patients", "walk_through"]


def demo_config(out: Path):
    """A :class:`ServeConfig` over the demo's store and sepsis model, with a fresh users file
    holding one clinician; returns ``(config, token)``."""
    from osler.serve.service import ServeConfig

    users = out / "users.json"
    users.unlink(missing_ok=True)   # demo tokens are disposable; a new one each run
    token = add_user(users, "demo-clinician", "clinician")
    config = ServeConfig(db=str(out / "osler.duckdb"), models={"sepsis": out / "models" / "sepsis"},
                         users=users, audit=out / "audit.jsonl")
    return config, token


def walk_through(out: Path, patients: Iterable[str]) -> list[str]:
    """Serve the demo on a free port, call the sepsis hook for ``patients`` as a clinician, and
    return one line per call plus the evidence of the first card."""
    import httpx

    from osler.serve.app import create_app
    from osler.serve.background import BackgroundServer

    config, token = demo_config(out)
    lines: list[str] = []
    with BackgroundServer(create_app(config)) as url:
        services = httpx.get(f"{url}/cds-services").json()["services"]
        lines.append(f"service at {url}: CDS Hooks services {[s['id'] for s in services]}")
        detail = None
        for pid in patients:
            body = {"hook": "patient-view", "hookInstance": f"demo-{pid}",
                    "context": {"patientId": pid, "userId": "Practitioner/demo"}}
            cards = httpx.post(f"{url}/cds-services/osler-sepsis", json=body,
                               headers={"Authorization": f"Bearer {token}"}).json()["cards"]
            shown = f"{cards[0]['indicator']}: {cards[0]['summary']}" if cards else "no card"
            lines.append(f"  patient-view {pid} -> {shown}")
            if cards and detail is None and "detail" in cards[0]:
                detail = cards[0]["detail"]
        if detail:
            lines += ["  first card's evidence:"] + [f"    {ln[2:]}" for ln in detail.splitlines()
                                                     if ln.startswith("- ")]
    lines.append(f"  audit trail: {config.audit} (patients as keyed pseudonyms)")
    return lines


def icu_patients(labels: Path, n: int = 4) -> list[str]:
    """Synthetic patients with an ICU stay from the cohort's ``labels.csv``: the first
    ``n // 2`` septic ones, then non-septic ones."""
    import csv
    with labels.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return ([r["patient_id"] for r in rows if r["septic"] == "1"][: n // 2]
            + [r["patient_id"] for r in rows if r["septic"] == "0"][: n - n // 2])
