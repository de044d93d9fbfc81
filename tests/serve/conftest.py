"""A synthetic store with a trained sepsis model, served by a real uvicorn server over TCP."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")


@pytest.fixture(scope="package")
def demo_dir(tmp_path_factory) -> Path:
    from icu2012_factory import write_stays_2012

    from osler.pipelines.demo import run_demo
    from osler.pipelines.registry import get_task
    from osler.pipelines.ingest_job import ingest_paths
    from osler.record import Consent, Provenance
    from osler.store import open_store

    out = tmp_path_factory.mktemp("serve")
    result = run_demo(out, n_patients=800, seed=0, train=True)
    septic = _labels(out)
    # One septic patient has opted out of decision support (purpose: treatment).
    opted_out = septic[1]["patient_id"]
    with open_store(result.db) as store:
        record = store.patient(opted_out)
        store.write([record.with_events([Consent(
            id="consent-optout", coding=None, provenance=Provenance("test-consent"),
            time=datetime(2020, 1, 1, tzinfo=UTC), provision="deny", purposes=("treatment",))])])
        # one more patient with two ICU stays (copies of two septic stays)
        two = out / "two-stays"
        two.mkdir()
        for name, row in (("twoA", septic[2]), ("twoB", septic[3])):
            shutil.copy(out / "synthetic" / "icu" / f"{row['stay_id']}.psv", two / f"{name}.psv")
        ingest_paths([two], store, options={"physionet2019": {"patient_map": {
            "twoA": "synp-two-stays", "twoB": "synp-two-stays"}}})
        # PhysioNet 2012-shaped stays for the mortality model: trained on all, five stored
        stays_2012, outcomes = write_stays_2012(out / "icu2012")
        get_task("icu-mortality").train([stays_2012], outcomes=outcomes,
                                        model_dir=out / "models" / "icu-mortality")
        few = out / "icu2012-stored"
        few.mkdir()
        for rid in range(140000, 140005):
            shutil.copy(stays_2012 / f"{rid}.txt", few / f"{rid}.txt")
        ingest_paths([few], store)
    return out


def _labels(out: Path) -> list[dict]:
    with (out / "synthetic" / "labels.csv").open() as fh:
        return [r for r in csv.DictReader(fh) if r["septic"] == "1"]


@pytest.fixture(scope="package")
def patients(demo_dir) -> dict[str, str]:
    from osler.store import open_store

    septic = _labels(demo_dir)
    with (demo_dir / "synthetic" / "labels.csv").open() as fh:
        stays = list(csv.DictReader(fh))
    with open_store(demo_dir / "osler.duckdb", read_only=True) as store:
        everyone = store.patient_ids()
    no_icu = sorted(p for p in set(everyone) - {r["patient_id"] for r in stays}
                    if p.startswith("synp0"))[0]
    return {"septic": septic[0]["patient_id"], "septic_stay": septic[0]["stay_id"],
            "opted_out": septic[1]["patient_id"], "no_icu": no_icu,
            "quiet": [r["patient_id"] for r in stays if r["septic"] == "0"][:15]}


@pytest.fixture(scope="package")
def tokens(demo_dir) -> dict[str, str]:
    from osler.serve import add_user

    users = demo_dir / "users.json"
    return {role: add_user(users, f"{role}-1", role)
            for role in ("clinician", "researcher", "admin")}


@pytest.fixture(scope="package")
def server(demo_dir, tokens):
    from osler.serve import ServeConfig, create_app
    from osler.serve.background import BackgroundServer

    config = ServeConfig(db=str(demo_dir / "osler.duckdb"),
                         models={"sepsis": demo_dir / "models" / "sepsis",
                                 "icu-mortality": demo_dir / "models" / "icu-mortality"},
                         users=demo_dir / "users.json", audit=demo_dir / "audit.jsonl")
    with BackgroundServer(create_app(config)) as url:
        yield url
