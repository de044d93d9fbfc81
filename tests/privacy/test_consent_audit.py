from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from osler.errors import ConsentError, DataError
from osler.privacy import DeidKey
from osler.privacy.audit import AuditLog
from osler.privacy.consent import consent_allows, require_consent
from osler.record import Consent, PatientRecord, Provenance

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
KEY = DeidKey(b"audit test secret, 32 bytes long")


def _record(*consents: Consent) -> PatientRecord:
    return PatientRecord(patient_id="p1", provenance=Provenance("test"), events=consents)


def _consent(provision, purposes, days, end_days=None):
    return Consent(id=f"c{days}", coding=None, provenance=Provenance("test"),
                   time=T0 + timedelta(days=days), provision=provision, purposes=purposes,
                   end_time=T0 + timedelta(days=end_days) if end_days else None)


def test_research_needs_opt_in_and_the_latest_consent_wins():
    assert consent_allows(_record(), "treatment")
    assert not consent_allows(_record(), "research")
    rec = _record(_consent("permit", ("research",), 0), _consent("deny", ("research",), 10))
    assert consent_allows(rec, "research", at=T0 + timedelta(days=5))
    assert not consent_allows(rec, "research", at=T0 + timedelta(days=11))
    with pytest.raises(ConsentError, match="patient abc") as err:
        require_consent(rec, "research", at=T0 + timedelta(days=11), pseudonym="abc")
    assert "p1" not in str(err.value)


def test_expired_consent_no_longer_permits():
    rec = _record(_consent("permit", (), 0, end_days=30))
    assert consent_allows(rec, "research", at=T0 + timedelta(days=29))
    assert not consent_allows(rec, "research", at=T0 + timedelta(days=31))


def test_audit_chain_detects_edits_and_stores_pseudonyms_only(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", KEY)
    log.record(actor="u1", role="clinician", action="read", patient="p1", purpose="treatment")
    log.record(actor="u2", role="researcher", action="predict", patient="p2", outcome="denied")
    assert log.verify() == 2
    text = (tmp_path / "audit.jsonl").read_text(encoding="utf-8")
    assert '"p1"' not in text and KEY.pseudonym("p1") in text
    lines = text.splitlines()
    first = json.loads(lines[0])
    first["outcome"] = "denied"
    (tmp_path / "audit.jsonl").write_text(json.dumps(first) + "\n" + lines[1] + "\n",
                                         encoding="utf-8")
    with pytest.raises(DataError, match="line 1"):
        log.verify()


def test_audit_chain_needs_the_key_and_keeps_who_acted_for_whom(tmp_path):
    from osler.privacy.keys import new_key

    log = AuditLog(tmp_path / "audit.jsonl", KEY)
    entry = log.record(actor="ehr", role="clinician", action="cds", patient="p1",
                       user="Practitioner/7", ref="card-1")
    assert (entry["user"], entry["ref"]) == ("Practitioner/7", "card-1")
    assert log.verify() == 1
    # a chain rewritten by someone without the key does not verify
    with pytest.raises(DataError, match="line 1"):
        AuditLog(tmp_path / "audit.jsonl", new_key()).verify()
