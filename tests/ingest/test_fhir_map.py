"""FHIR notes: DocumentReference and DiagnosticReport attachments, Binary urls, author roles."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from fhir_factory import patient_bundle
from osler.errors import IngestError
from osler.ingest import read_fhir
from osler.record import Encounter, Note, Observation


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _document(bundle: dict[str, Any]) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "DocumentReference")


def _read(tmp_path, bundle: dict[str, Any]) -> tuple[list[Note], list[IngestError]]:
    path = tmp_path / "b.json"
    path.write_bytes(orjson.dumps(bundle))
    errors: list[IngestError] = []
    records = list(read_fhir(path, on_error=errors.append))
    return [e for r in records for e in r.events if isinstance(e, Note)], errors


def _with_content(tmp_path, *attachments: dict[str, Any], extra: tuple = ()):
    bundle = patient_bundle(1)
    _document(bundle)["content"] = [{"attachment": a} for a in attachments]
    bundle["entry"] += [{"fullUrl": url, "resource": r} for url, r in extra]
    return _read(tmp_path, bundle)


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=utf-8",
                                          "application/xhtml+xml"])
def test_an_html_note_is_stored_as_plain_text(tmp_path, content_type):
    (note,), errors = _with_content(tmp_path, {"contentType": content_type, "data": _b64(
        b"<html><body><p>No&nbsp;fever.</p><p>Cough &amp; wheeze.</p></body></html>")})
    assert errors == []
    assert (note.text, note.content_type) == ("No fever.\n\nCough & wheeze.", "text/plain")


def test_no_break_spaces_in_a_plain_note_become_spaces(tmp_path):
    (note,), _ = _with_content(tmp_path, {"contentType": "text/plain",
                                          "data": _b64("No\u00a0fever.".encode())})
    assert note.text == "No fever."


def test_a_document_in_several_formats_is_stored_once_in_the_plainest(tmp_path):
    (note,), errors = _with_content(
        tmp_path, {"contentType": "application/pdf", "data": _b64(b"%PDF-1.4")},
        {"contentType": "text/html", "data": _b64(b"<p>Afebrile.</p>")},
        {"contentType": "text/plain", "data": _b64(b"Afebrile.")})
    assert errors == [] and note.text == "Afebrile."


def test_a_pdf_only_document_is_quarantined_naming_its_type(tmp_path):
    notes, (error,) = _with_content(tmp_path, {"contentType": "application/pdf",
                                               "data": _b64(b"%PDF-1.4 ...")})
    assert notes == [] and error.record.startswith("DocumentReference/")
    assert "'application/pdf', which is not text" in error.reason
    assert "text/plain" in error.reason and "text/html" in error.reason
    assert "base64" not in error.reason


@pytest.mark.parametrize("url, full_url", [("Binary/b1", "urn:uuid:0d4f-b1"),
                                           ("urn:uuid:0d4f-b1", "urn:uuid:0d4f-b1"),
                                           ("http://example.org/fhir/Binary/b1", None)])
def test_an_attachment_url_to_a_binary_in_the_bundle_is_read(tmp_path, url, full_url):
    binary = {"resourceType": "Binary", "id": "b1", "contentType": "text/html",
              "data": _b64(b"<p>Seen on the ward.</p>")}
    (note,), errors = _with_content(tmp_path, {"contentType": "text/html", "url": url},
                                    extra=[(full_url, binary)])
    assert errors == [] and note.text == "Seen on the ward."


@pytest.mark.parametrize("attachment, reason", [
    ({"contentType": "text/plain", "url": "Binary/missing"},
     "url (a relative reference) does not resolve to a Binary"),
    ({"contentType": "text/plain", "url": "https://ehr.example.org/Binary/x"},
     "url (an absolute URL) does not resolve to a Binary"),
    ({"contentType": "text/plain"}, "neither data nor a url"),
])
def test_an_attachment_that_cannot_be_fetched_is_quarantined_not_stored_empty(
        tmp_path, attachment, reason):
    notes, (error,) = _with_content(tmp_path, attachment)
    assert notes == [] and reason in error.reason
    assert "ehr.example.org" not in error.reason


def test_an_html_diagnostic_report_is_a_plain_text_note(tmp_path):
    bundle = patient_bundle(2)
    subject = _document(bundle)["subject"]
    bundle["entry"].append({"resource": {
        "resourceType": "DiagnosticReport", "id": "dr1", "status": "final", "subject": subject,
        "code": {"text": "Chest X-ray"}, "effectiveDateTime": "2020-01-02T09:00:00+00:00",
        "presentedForm": [{"contentType": "text/html", "data": _b64(b"<p>No&nbsp;effusion.</p>")}]}})
    notes, errors = _read(tmp_path, bundle)
    assert errors == []
    report = next(n for n in notes if n.provenance.record == "DiagnosticReport/dr1")
    assert (report.text, report.content_type) == ("No effusion.", "text/plain")


@pytest.mark.parametrize("form, kind, reason", [
    ({"contentType": "application/pdf", "url": "https://ehr.example.org/Binary/r1"},
     Observation, None),
    ({"contentType": "application/pdf", "data": _b64(b"%PDF-1.4")}, None,
     "'application/pdf', which is not text"),
])
def test_a_diagnostic_report_whose_form_is_elsewhere_is_kept_as_a_result(tmp_path, form, kind,
                                                                          reason):
    bundle = patient_bundle(2)
    bundle["entry"].append({"resource": {
        "resourceType": "DiagnosticReport", "id": "dr2", "status": "final",
        "subject": _document(bundle)["subject"], "code": {"text": "Chest X-ray"},
        "conclusion": "Clear lungs.", "presentedForm": [form]}})
    path = tmp_path / "b.json"
    path.write_bytes(orjson.dumps(bundle))
    errors: list[IngestError] = []
    (rec,) = read_fhir(path, on_error=errors.append)
    reports = [e for e in rec.events if e.provenance.record == "DiagnosticReport/dr2"]
    if kind is None:
        assert reports == [] and len(errors) == 1 and reason in errors[0].reason
    else:
        assert errors == [] and [type(e) for e in reports] == [kind]
        assert reports[0].value_text == "Clear lungs."


_NURSE = {"resourceType": "PractitionerRole", "id": "role1",
          "code": [{"coding": [{"system": "http://snomed.info/sct", "code": "224535009",
                                "display": "Registered nurse"}]}]}


@pytest.mark.parametrize("author, contained, bundled, role", [
    ("PractitionerRole/role1", [], [_NURSE], "Registered nurse"),
    ("#r", [{**_NURSE, "id": "r", "code": [{"text": "Charge nurse"}]}], [], "Charge nurse"),
    ("PractitionerRole/role1", [], [{**_NURSE, "code": [{"coding": [{"code": "doctor"}]}]}],
     "doctor"),
    ("Practitioner/pr1", [], [{"resourceType": "Practitioner", "id": "pr1"}], None),
    ("PractitionerRole/elsewhere", [], [], None),
    ("urn:uuid:1234", [], [], None),
])
def test_author_role_is_a_role_never_a_resource_type(tmp_path, author, contained, bundled, role):
    bundle = patient_bundle(3)
    doc = _document(bundle)
    doc["author"] = [{"reference": author}]
    if contained:
        doc["contained"] = contained
    bundle["entry"] += [{"resource": r} for r in bundled]
    (note,), errors = _read(tmp_path, bundle)
    assert errors == [] and note.author_role == role


def _events(tmp_path, bundle: dict[str, Any]) -> list:
    path = tmp_path / "b.json"
    path.write_bytes(orjson.dumps(bundle))
    return [e for r in read_fhir(path) for e in r.events]


def test_an_encounter_keeps_its_period_as_start_and_end_time(tmp_path):
    (encounter,) = [e for e in _events(tmp_path, patient_bundle(1)) if isinstance(e, Encounter)]
    assert (encounter.time.isoformat(), encounter.end_time.isoformat()) == (
        "2020-01-01T08:00:00+00:00", "2020-01-03T08:00:00+00:00")


def test_a_document_without_a_date_is_about_its_context_period_and_known_at_its_end(tmp_path):
    bundle = patient_bundle(1)
    doc = _document(bundle)
    del doc["date"]
    doc["context"] = {"period": {"start": "2020-01-02T09:30:00+00:00",
                                 "end": "2020-01-05T12:00:00+00:00"}}
    (note,) = [e for e in _events(tmp_path, bundle) if isinstance(e, Note)]
    assert note.time.isoformat() == "2020-01-02T09:30:00+00:00"
    # written no earlier than the service it documents ended: a discharge summary without a
    # date must not be read at admission
    assert note.available_time.isoformat() == "2020-01-05T12:00:00+00:00"


def test_a_document_without_a_date_or_a_period_end_has_no_known_time(tmp_path):
    bundle = patient_bundle(1)
    doc = _document(bundle)
    del doc["date"]
    doc["context"] = {"period": {"start": "2020-01-02T09:30:00+00:00"}}
    (note,) = [e for e in _events(tmp_path, bundle) if isinstance(e, Note)]
    assert note.available_time is None     # when it was written cannot be told: never read
