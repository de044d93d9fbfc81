"""Whole flow on the synthetic cohort: FHIR notes -> concepts -> timeline -> store -> de-id."""

from __future__ import annotations

import json

import pytest

from osler.ingest.fhir import read_fhir
from osler.nlp.timeline import annotate_record
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle
from osler.record import Condition
from osler.synth import write_cohort

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort")
    write_cohort(out, n_patients=4, seed=3)
    return sorted((out / "fhir").glob("*.json"))


def test_negated_note_findings_enter_the_timeline_as_refuted(cohort, extractor, tmp_path):
    from osler.store import open_store

    records = [annotate_record(r, extractor) for f in cohort for r in read_fhir(f)]
    nlp_conditions = [e for r in records for e in r.events if isinstance(e, Condition)
                      and (e.provenance.record or "").startswith("nlp:")]
    assert nlp_conditions, "every synthetic note names negated findings"
    # The synthetic notes only ever negate findings ("Denies chest pain.", "No rash." ...).
    negated_codes = {"29857009", "267036007", "271807003", "422587007", "422400008"}
    assert {e.verification for e in nlp_conditions if e.coding.code in negated_codes} == {
        "refuted"}
    with open_store(tmp_path / "osler.duckdb") as store:
        store.write(records)
        back = store.patient(records[0].patient_id)
    stored = [e for e in back.events if isinstance(e, Condition)
              and (e.provenance.record or "").startswith("nlp:")]
    assert {e.verification for e in stored} <= {"refuted", "confirmed", "provisional"}
    assert any(e.verification == "refuted" for e in stored)


def test_synthetic_bundle_deidentifies_notes_and_ids(cohort):
    bundle = json.loads(cohort[0].read_text(encoding="utf-8"))
    key = DeidKey(b"cohort flow test secret 32 bytes")
    out = json.dumps(deidentify_bundle(bundle, key))
    patient = next(e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Patient")
    assert patient["id"] not in out
    assert key.pseudonym(patient["id"]) in out
