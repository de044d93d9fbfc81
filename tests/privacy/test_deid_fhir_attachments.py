"""Free text in string choices and attachments is de-identified; what cannot be is counted."""

from __future__ import annotations

import base64
import json
from collections import Counter

from click.testing import CliRunner

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_resource

KEY = DeidKey(b"fhir attachment secret, 32 bytes")
NOTE = "Mr. Quorbelle Vantrixon admitted 12/30/2019. Call 617-555-0100."


def _document(*attachments: dict) -> dict:
    return {"resourceType": "DocumentReference", "id": "d1", "subject": {
        "reference": "Patient/p1"}, "content": [{"attachment": a} for a in attachments]}


def _bundle(*attachments: dict) -> dict:
    patient = {"resourceType": "Patient", "id": "p1",
               "name": [{"family": "Vantrixon", "given": ["Quorbelle"]}]}
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": patient}, {"resource": _document(*attachments)}]}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_string_choice_elements_and_titles_are_scrubbed_as_free_text():
    resource = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
                "onsetString": "Called 617-555-0143", "abatementString": "call 617-555-0143",
                "extension": [{"url": "http://example.org/x", "valueString": "617-555-0143"}]}
    obs = {"resourceType": "QuestionnaireResponse", "id": "q1", "item": [{"answer": [
        {"valueString": "phone 617-555-0143"}]}]}
    for out in (deidentify_resource(resource, KEY), deidentify_resource(obs, KEY)):
        assert "617-555-0143" not in json.dumps(out)
    assert deidentify_resource(resource, KEY)["extension"][0]["url"] == "http://example.org/x"


def test_attachment_title_is_scrubbed_and_an_external_url_is_dropped():
    dropped: Counter = Counter()
    out = deidentify_bundle(_bundle(
        {"contentType": "text/plain", "url": "https://hosp.example/doc?patient=Vantrixon",
         "title": "Vantrixon discharge 12/30/2019"},
        {"url": "Binary/b1"}), KEY, dropped=dropped)
    first, second = (c["attachment"] for c in out["entry"][1]["resource"]["content"])
    assert "url" not in first and "Vantrixon" not in first["title"]
    assert "12/30/2019" not in first["title"]
    assert second["url"] == f"Binary/{KEY.pseudonym('Binary/b1', 'fhir-id')}"
    assert dropped == Counter({"url: not a FHIR reference": 1})


def test_text_in_other_charsets_is_scrubbed_and_kept_in_its_charset():
    latin = {"contentType": "text/plain; charset=ISO-8859-1",
             "data": _b64(("Café. " + NOTE).encode("latin-1"))}
    utf16 = {"contentType": "text/plain", "data": _b64(b"\xff\xfe" + NOTE.encode("utf-16-le"))}
    bom8 = {"contentType": "text/plain", "data": _b64(b"\xef\xbb\xbf" + NOTE.encode())}
    dropped: Counter = Counter()
    out = deidentify_bundle(_bundle(latin, utf16, bom8), KEY, dropped=dropped)
    a, b, c = (base64.b64decode(x["attachment"]["data"])
               for x in out["entry"][1]["resource"]["content"])
    texts = [a.decode("latin-1"), b[2:].decode("utf-16-le"), c[3:].decode("utf-8")]
    assert texts[0].startswith("Café.") and b.startswith(b"\xff\xfe")
    assert c.startswith(b"\xef\xbb\xbf")
    for text in texts:
        assert "Vantrixon" not in text and "617-555-0100" not in text and "admitted" in text
    assert not dropped


def test_what_cannot_be_read_as_text_is_dropped_and_counted_never_decoded():
    pdf = {"contentType": "application/pdf", "data": _b64(b"%PDF-1.4 Vantrixon"),
           "hash": "2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "size": 18}
    disguised = {"contentType": "text/plain", "data": _b64(b"%PDF-1.4 Vantrixon")}
    dropped: Counter = Counter()
    out = deidentify_bundle(_bundle(
        pdf, disguised, {"contentType": "text/plain", "data": "!!!not base64 Vantrixon!!!"},
        {"contentType": "text/plain; charset=utf-8", "data": _b64(b"\xc3\x28 Vantrixon")},
        {"contentType": "text/plain; charset=no-such", "data": _b64(b"Vantrixon")}),
        KEY, dropped=dropped)
    assert "Vantrixon" not in json.dumps(out)
    for content in out["entry"][1]["resource"]["content"]:
        assert set(content["attachment"]) <= {"contentType"}
    assert dropped == Counter({"data: not text (application/pdf)": 1, "data: not valid base64":
                               1, "data: binary content under a text type": 1,
                               "data: not valid utf-8": 1, "data: unknown charset (no-such)": 1})


def test_cli_reports_dropped_attachments_without_phi(tmp_path):
    from osler.cli import cli

    src = tmp_path / "b.json"
    src.write_text(json.dumps(_bundle(
        {"contentType": "application/pdf", "data": _b64(b"%PDF Vantrixon")},
        {"contentType": "text/plain", "data": _b64(NOTE.encode())})))
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "o.json"),
                                      "--key-file", str(tmp_path / "k.json")])
    assert result.exit_code == 0, result.output
    assert "1 values dropped (attachments, URIs, base64)" in result.output
    assert "not text (application/pdf)" in result.output and "Vantrixon" not in result.output


def test_a_binary_resource_is_scrubbed_like_an_attachment():
    # Found while checking notes kept in Binary resources: their base64 data passed through.
    dropped: Counter = Counter()
    binary = {"resourceType": "Binary", "id": "b1", "contentType": "text/plain",
              "data": _b64(NOTE.encode())}
    pdf = {"resourceType": "Binary", "id": "b2", "contentType": "application/pdf",
           "data": _b64(b"%PDF-1.4 Vantrixon")}
    bundle = _bundle({"contentType": "text/plain", "url": "urn:uuid:1"})
    bundle["entry"][1]["fullUrl"] = "urn:uuid:2"
    bundle["entry"] += [{"fullUrl": "urn:uuid:1", "resource": binary}, {"resource": pdf}]
    out = deidentify_bundle(bundle, KEY, dropped=dropped)
    scrubbed = base64.b64decode(out["entry"][2]["resource"]["data"]).decode()
    for phi in ("Quorbelle", "Vantrixon", "12/30/2019", "617-555-0100"):
        assert phi not in scrubbed
    assert "data" not in out["entry"][3]["resource"]
    assert sum(n for reason, n in dropped.items() if reason.startswith("Binary data")) == 1
    # the attachment's url to the Binary entry follows the entry, not dropped
    url = out["entry"][1]["resource"]["content"][0]["attachment"]["url"]
    assert url == out["entry"][2]["fullUrl"]
    # as one resource (bulk NDJSON's Binary.ndjson) too
    alone = deidentify_resource(binary, KEY, patient="p1")
    assert "Vantrixon" not in base64.b64decode(alone["data"]).decode()


def test_character_references_do_not_hide_names_in_html_or_xml_or_strings():
    from osler.privacy.deid.fhir_attachments import decode_plain_references

    html = "<p>Patient: Zeb&#117;lon Qu&#x69;xmoor, 14&nbsp;Larkspur&nbsp;Lane &lt;b&gt;</p>"
    names = {"resourceType": "Patient", "id": "p1",
             "name": [{"family": "Quixmoor", "given": ["Zebulon"]}]}
    for ctype in ("text/html", "application/xhtml+xml", "text/xml"):
        report = {"resourceType": "DiagnosticReport", "id": "dr1",
                  "subject": {"reference": "Patient/p1"},
                  "presentedForm": [{"contentType": ctype,
                                     "data": base64.b64encode(html.encode()).decode()}]}
        bundle = {"resourceType": "Bundle", "type": "collection",
                  "entry": [{"resource": names}, {"resource": report}]}
        out = deidentify_bundle(bundle, KEY)["entry"][1]["resource"]
        text = base64.b64decode(out["presentedForm"][0]["data"]).decode()
        for hidden in ("Zebulon", "Quixmoor", "Larkspur", "&#117;", "&#x69;"):
            assert hidden not in text, (ctype, text)
        assert "&lt;b&gt;" in text and text.startswith("<p>")
    note = {"resourceType": "Observation", "id": "o1", "subject": {"reference": "Patient/p1"},
            "note": [{"text": "Seen with Mr. Zeb&#117;lon Qu&#105;xmoor."}]}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": names}, {"resource": note}]}
    text = deidentify_bundle(bundle, KEY)["entry"][1]["resource"]["note"][0]["text"]
    assert "Zebulon" not in decode_plain_references(text)
    assert "Quixmoor" not in decode_plain_references(text)
