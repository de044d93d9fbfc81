"""XML and HTML attachments are de-identified in what a reader sees, their markup kept."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle
from osler.privacy.deid.markup import is_markup, markup_view

KEY = DeidKey(b"markup attachment tests, 32 byte")
_PATIENT = {"resourceType": "Patient", "id": "p1",
            "name": [{"family": "Quixmoor", "given": ["Zebulon"]}],
            "identifier": [{"system": "urn:example:mrn", "value": "5550199"}]}
_CDA = ('<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget>'
        '<patientRole><id extension="4417720" root="2.16.840.1.113883.19.5"/><addr>'
        '<streetAddressLine>17 Larkspur Lane</streetAddressLine><city>Brindlemoor</city>'
        '<state>MA</state><postalCode>01999</postalCode></addr>'
        '<telecom value="tel:+1-617-555-0142"/><patient><name><given>Orvalle</given>'
        '<family>Tresk</family></name></patient></patientRole></recordTarget>'
        '<component><section><code code="10164-2" codeSystem="2.16.840.1.113883.6.1"/>'
        '<text>Seen for cough. MRN 5550199 on file.</text></section></component>'
        '</ClinicalDocument>')
_HTML = ("<html><body><table><tr><td>Name</td><td>Orvalle Tresk</td></tr>"
         "<tr><td>MRN</td><td>7730012</td></tr><tr><td>City</td><td>Brindlemoor</td></tr>"
         "<tr><td>Result</td><td>Negative</td></tr></table></body></html>")


def _scrubbed(body: str, content_type: str | None) -> str:
    attachment = {"data": base64.b64encode(body.encode()).decode()}
    if content_type:
        attachment["contentType"] = content_type
    doc = {"resourceType": "DocumentReference", "id": "d1", "status": "current",
           "subject": {"reference": "Patient/p1"}, "content": [{"attachment": attachment}]}
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection",
                             "entry": [{"resource": _PATIENT}, {"resource": doc}]}, KEY)
    data = out["entry"][1]["resource"]["content"][0]["attachment"]["data"]
    return base64.b64decode(data).decode()


def test_a_cda_documents_address_telecom_ids_and_names_are_replaced_and_markup_kept():
    for ctype in ("application/xml", "text/xml", None):
        text = _scrubbed(_CDA, ctype)
        for phi in ("4417720", "Larkspur", "Brindlemoor", "01999", "555-0142", "Orvalle",
                    "Tresk", "5550199"):
            assert phi not in text, (ctype, phi)
        root = ET.fromstring(text.split("?>", 1)[1])   # still well-formed
        ns = {"h": "urn:hl7-org:v3"}
        assert root.find(".//h:state", ns).text == "MA"
        assert root.find(".//h:id", ns).get("root") == "2.16.840.1.113883.19.5"
        assert root.find(".//h:code", ns).get("codeSystem") == "2.16.840.1.113883.6.1"
        assert root.find(".//h:text", ns).text.startswith("Seen for cough. MRN ")
        assert root.find(".//h:telecom", ns).get("value").startswith("tel:")


def test_an_html_tables_labelled_cells_are_replaced():
    text = _scrubbed(_HTML, "text/html")
    for phi in ("Orvalle", "Tresk", "7730012", "Brindlemoor"):
        assert phi not in text
    assert "<td>Result</td><td>Negative</td>" in text and text.startswith("<html><body><table>")
    assert text.count("<td>") == _HTML.count("<td>") and text.count("</tr>") == 4


def test_the_view_keeps_offsets_and_hides_only_markup():
    body = '<p>Seen <b>today</b></p><br><td>MRN</td><td>1</td><id extension="77"/>'
    view, content, _ = markup_view(body)
    assert len(view) == len(body)
    assert view[body.index("Seen"):body.index("Seen") + 4] == "Seen"
    assert view[body.index("77"):body.index("77") + 2] == "77"
    assert "<" not in view and ">" not in view and "extension" not in view
    assert not content[body.index("<b>")]


def test_markup_is_told_by_its_type_or_how_it_starts():
    assert is_markup("anything", "text/html") and is_markup("x", "application/fhir+xml")
    assert is_markup('<?xml version="1.0"?><a/>', None)
    assert not is_markup("<3 chest pain, seen today", None)
    assert not is_markup("<b>bold</b>", "text/plain")


def test_cda_timestamps_move_by_the_patients_shift_and_an_old_birth_time_is_aggregated():
    from datetime import date

    cda = ('<ClinicalDocument xmlns="urn:hl7-org:v3"><effectiveTime value="20210305120000-0500"/>'
           '<recordTarget><patientRole><patient><birthTime value="19200101"/></patient>'
           '</patientRole></recordTarget></ClinicalDocument>')
    text = _scrubbed(cda, "application/xml")
    root = ET.fromstring(text)
    ns = {"h": "urn:hl7-org:v3"}
    moved = date(2021, 3, 5) + KEY.date_shift("p1")
    assert root.find("h:effectiveTime", ns).get("value") == (
        f"{moved:%Y%m%d}120000-0500")
    assert "19200101" not in text and "1920" not in text


def test_text_in_any_non_structural_attribute_is_read():
    from osler.privacy.deid.markup import markup_view

    html = ('<div aria-label="Patient: Zebulon Quackenbush, MRN 99887766" data-dob="DOB '
            '03/05/1950" class="hdr" title=x value=99887766>x</div>')
    view = markup_view(html)[0]
    assert "Zebulon Quackenbush" in view and "03/05/1950" in view and "99887766" in view
    assert "hdr" not in view


def test_a_cda_name_is_phi_by_whose_name_it_is():
    from osler.privacy.deid.markup import markup_view

    cda = ("<ClinicalDocument><recordTarget><patientRole><patient><name>Zebulon Quackenbush"
           "</name></patient></patientRole></recordTarget><author><assignedAuthor>"
           "<representedOrganization><name>Quimby Clinic</name></representedOrganization>"
           "</assignedAuthor></author><consumable><manufacturedProduct><manufacturedMaterial>"
           "<name>Lisinopril</name></manufacturedMaterial></manufacturedProduct></consumable>"
           "</ClinicalDocument>")
    sure = {(cda[s.start:s.end], s.type) for s in markup_view(cda)[2]}
    assert sure == {("Zebulon Quackenbush", "NAME"), ("Quimby Clinic", "LOCATION")}
