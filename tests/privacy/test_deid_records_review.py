"""FHIR and DICOM de-identification defects found by a review (made-up data only)."""

from __future__ import annotations

import base64
import json
from collections import Counter

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_resource

KEY = DeidKey(b"records review secret, 32 bytes!")
PATIENT = {"resourceType": "Patient", "id": "p1",
           "name": [{"family": "Quixmoor", "given": ["Zebulon"]}],
           "identifier": [{"system": "urn:mrn", "value": "MRN7781234"}],
           "address": [{"line": ["12 Juniper Lane"], "city": "Kodiak", "postalCode": "99615",
                        "state": "AK"}]}
OTHER = {"resourceType": "Patient", "name": [{"family": "Pemberly", "given": ["Rosalind"]}],
         "address": [{"line": ["7 Birchwood Ct"], "city": "Kodiak", "postalCode": "99615"}],
         "identifier": [{"system": "urn:x", "value": "QX-4471-ZZ"}],
         "birthDate": "1961-07-14"}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _attachments(out: dict) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), str):
                found.append(base64.b64decode(node["data"]).decode())
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(out)
    return found


def _document(*attachments: dict) -> dict:
    return {"resourceType": "DocumentReference", "id": "d1", "subject": {
        "reference": "Patient/p1"}, "content": [{"attachment": a} for a in attachments]}


@pytest.mark.parametrize("ctype", ["application/fhir+json", "application/json",
                                   "application/fhir+json; charset=utf-8"])
def test_json_attachment_is_deidentified_as_fhir(ctype):
    doc = _document({"contentType": ctype, "data": _b64(json.dumps(OTHER))})
    (text,) = _attachments(deidentify_resource(doc, KEY))
    inner = json.loads(text)
    for value in ("Pemberly", "Rosalind", "Kodiak", "99615", "Birchwood", "QX-4471-ZZ",
                  "1961-07-14"):
        assert value not in text
    assert inner["resourceType"] == "Patient"


def test_json_attachment_takes_its_owners_patient_key():
    # the same patient inside the attachment gets the same stand-ins and shift as outside
    doc = _document({"contentType": "application/fhir+json", "data": _b64(json.dumps(PATIENT))})
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": PATIENT}, {"resource": doc}]}, KEY)
    (text,) = _attachments(out)
    assert json.loads(text)["name"] == out["entry"][0]["resource"]["name"]


def test_unparsable_json_attachment_is_dropped_and_counted():
    dropped: Counter = Counter()
    doc = _document({"contentType": "application/fhir+json",
                     "data": _b64('{"resourceType": "Patient", "address": [{"city": "Kodiak"')})
    out = deidentify_resource(doc, KEY, dropped=dropped)
    assert _attachments(out) == []
    assert sum(n for reason, n in dropped.items() if "JSON" in reason) == 1


def test_csv_beside_a_json_patient_loses_that_patients_name_city_and_id():
    row = "name,city,mrn\n" + "Rosalind Pemberly,Kodiak,QX-4471-ZZ\n"
    doc = _document({"contentType": "application/fhir+json", "data": _b64(json.dumps(OTHER))},
                    {"contentType": "text/csv", "data": _b64(row)})
    csv = _attachments(deidentify_bundle(doc, KEY))[1]
    for value in ("Pemberly", "Rosalind", "Kodiak", "QX-4471-ZZ"):
        assert value not in csv


@pytest.mark.parametrize("text,gone", [
    ("Works at the Kodiak cannery; walks to Juniper Lane daily; zip 99615",
     ("Kodiak", "Juniper", "99615")),
    ("Returned home,Kodiak,99615", ("Kodiak", "99615")),
], ids=["prose", "csv-like"])
def test_patients_own_address_is_redacted_from_free_text(text, gone):
    obs = {"resourceType": "Observation", "id": "o1", "status": "final",
           "subject": {"reference": "Patient/p1"}, "valueString": text}
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": PATIENT}, {"resource": obs}]}, KEY)
    kept = out["entry"][1]["resource"]["valueString"]
    for value in gone:
        assert value not in kept
    assert "cannery" in kept or "Returned" in kept


def test_address_words_are_typed_location_and_street_types_skipped():
    from osler.privacy.deid.fhir import name_words

    words = name_words(PATIENT)
    assert words["kodiak"] == "LOCATION" and words["juniper"] == "LOCATION"
    assert words["99615"] == "LOCATION" and words["quixmoor"] == "NAME"
    assert "lane" not in words
    # a practitioner's (hospital's) address is not the patient's
    assert "kodiak" not in name_words({**PATIENT, "resourceType": "Practitioner"})


# --- DICOM -----------------------------------------------------------------------------

def _dicom(path, write_dicom, plant=None):
    """write_dicom's tiny CT file, changed by ``plant`` (a function of the dataset)."""
    import pydicom

    write_dicom(path, "CT", "1.2.826.0.1.3680043.8.498.51", "1.2.826.0.1.3680043.8.498.51.1")
    if plant is not None:
        ds = pydicom.dcmread(path)
        plant(ds)
        ds.save_as(path)
    return path


def _deid_one(tmp_path, write_dicom, plant):
    import pydicom

    from osler.privacy.deid import deidentify_dicom_dir

    src = tmp_path / "in"
    src.mkdir()
    _dicom(src / "a.dcm", write_dicom, plant)
    (result,) = deidentify_dicom_dir(src, tmp_path / "out", KEY)
    assert result.error is None
    return result, pydicom.dcmread(result.output)


def test_dicom_profile_departures_are_fixed(tmp_path, write_dicom):
    from pydicom.dataset import Dataset

    def plant(ds):
        ds.ImagePresentationComments = "Quixmoor screening"
        ds.PaletteColorLookupTableUID = "1.2.826.0.1.3680043.8.498.51.77"
        ds.ContrastBolusAgent = "Omnipaque for Quixmoor"
        icon = Dataset()
        icon.Rows = icon.Columns = 1
        ds.IconImageSequence = [icon]
        ds.EncryptedAttributesSequence = [Dataset()]
        ds.DigitalSignaturesSequence = [Dataset()]
        ds.add_new(0x50003000, "OW", b"\x00\x01" * 4)   # retired Curve Data
        ds.add_new(0x50000022, "LO", "Quixmoor curve")

    _, out = _deid_one(tmp_path, write_dicom, plant)
    for keyword in ("ImagePresentationComments", "IconImageSequence",
                    "EncryptedAttributesSequence", "DigitalSignaturesSequence"):
        assert keyword not in out, keyword
    assert not any(0x5000 <= (int(e.tag) >> 16) <= 0x50FF for e in out)
    assert out.PaletteColorLookupTableUID.startswith("2.25.")
    assert out.ContrastBolusAgent == "ANONYMIZED"
    assert out.PatientID != out.ContrastBolusAgent


@pytest.mark.parametrize("plant", [
    lambda ds: setattr(ds, "SOPClassUID", "1.2.840.10008.5.1.4.1.1.7"),
    lambda ds: setattr(ds, "SOPClassUID", "1.2.840.10008.5.1.4.1.1.7.4"),
    lambda ds: setattr(ds, "ImageType", ["DERIVED", "SECONDARY", "SCREEN SAVE"]),
    lambda ds: setattr(ds, "BurnedInAnnotation", "YES"),
], ids=["secondary-capture", "multiframe-true-color-sc", "image-type", "burned-in-yes"])
def test_burned_in_text_is_flagged_beyond_modality(tmp_path, write_dicom, plant):
    result, _ = _deid_one(tmp_path, write_dicom, plant)
    assert result.burned_in_risk


def test_a_plain_ct_is_not_flagged(tmp_path, write_dicom):
    result, _ = _deid_one(tmp_path, write_dicom, None)
    assert not result.burned_in_risk


def test_class_uids_are_not_remapped(tmp_path, write_dicom):
    classes = ["1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.7"]

    def plant(ds):
        ds.SOPClassesInStudy = classes

    _, out = _deid_one(tmp_path, write_dicom, plant)
    assert list(out.SOPClassesInStudy) == classes
    assert out.SOPClassUID == "1.2.840.10008.5.1.4.1.1.2"
    assert out.file_meta.MediaStorageSOPClassUID == "1.2.840.10008.5.1.4.1.1.2"
    assert out.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"


def test_padded_patient_id_keys_as_fhirs_mrn(tmp_path, write_dicom):
    def plant(ds):
        ds.PatientID = " MRN7781234 "

    _, out = _deid_one(tmp_path, write_dicom, plant)
    assert out.PatientID == KEY.pseudonym("MRN7781234", "patient")
    patient = {**PATIENT}
    fhir = deidentify_resource(patient, KEY, patient_identifier="urn:mrn")
    assert fhir["identifier"][0]["value"] == out.PatientID
    assert out.StudyDate == (KEY.date_shift("MRN7781234") + __import__("datetime").date(
        2020, 6, 1)).strftime("%Y%m%d")


def test_dicom_messages_do_not_print_source_folders(tmp_path, write_dicom):
    from click.testing import CliRunner

    from osler.cli import cli

    src = tmp_path / "in" / "QUIXMOOR_ZEBULON" / "ser2"
    src.mkdir(parents=True)
    write_dicom(src / "img2.dcm", "US", "1.2.826.0.1.3680043.8.498.52",
                "1.2.826.0.1.3680043.8.498.52.1")
    (src / "bad.dcm").write_bytes(b"not dicom")
    result = CliRunner().invoke(cli, ["deid", "dicom", str(tmp_path / "in"),
                                      str(tmp_path / "out")])
    assert "check pixels" in result.output and "skipped file" in result.output
    assert "QUIXMOOR" not in result.output


# --- one practitioner, one stand-in ------------------------------------------------------

def test_a_practitioners_name_has_one_stand_in_across_a_bundles_patients():
    doctor = {"resourceType": "Practitioner", "id": "pr1",
              "name": [{"family": "Brackenridge", "given": ["Hestia"]}]}
    second = {"resourceType": "Patient", "id": "p2",
              "name": [{"family": "Wrenfield", "given": ["Ottoline"]}]}
    obs = {"resourceType": "Observation", "id": "o1", "status": "final",
           "subject": {"reference": "Patient/p1"},
           "note": [{"authorString": "Hestia Brackenridge",
                     "text": "Seen with Dr. Hestia Brackenridge today."}]}
    obs2 = {**obs, "id": "o2", "subject": {"reference": "Patient/p2"}}
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": r} for r in (PATIENT, second, doctor, obs, obs2)]}, KEY)
    res = [e["resource"] for e in out["entry"]]
    name = res[2]["name"][0]
    full = f"{name['given'][0]} {name['family']}"
    for note in (res[3]["note"][0], res[4]["note"][0]):
        assert note["authorString"] == full
        assert full in note["text"] and "Brackenridge" not in note["text"]


def test_a_patients_name_keeps_its_own_stand_in():
    # a word shared by a practitioner and a patient stays the patient's
    from osler.privacy.deid.fhir_patients import staff_words

    doctor = {"resourceType": "Practitioner", "name": [{"family": "Quixmoor",
                                                        "given": ["Hestia"]}]}
    assert staff_words([PATIENT, doctor]) == {"hestia"}


@pytest.mark.parametrize("full_url,reference", [
    ("urn:uuid:3F2A0C1E-0000-4000-8000-00000000000A",
     "urn:uuid:3f2a0c1e-0000-4000-8000-00000000000a"),
    ("urn:uuid:3f2a0c1e-0000-4000-8000-00000000000a",
     "URN:UUID:3F2A0C1E-0000-4000-8000-00000000000A"),
], ids=["upper-full-url", "upper-reference"])
def test_uuid_full_urls_match_references_in_any_case(full_url, reference):
    patient = {k: v for k, v in PATIENT.items() if k != "id"}
    obs = {"resourceType": "Observation", "id": "o1", "status": "final",
           "subject": {"reference": reference}, "effectiveDateTime": "2021-03-01"}
    out = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": full_url, "resource": patient}, {"resource": obs}]}, KEY)
    entry, observation = out["entry"][0], out["entry"][1]["resource"]
    assert observation["subject"]["reference"] == entry["fullUrl"]
    alone = deidentify_bundle({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": full_url.lower(), "resource": patient},
        {"resource": {**obs, "subject": {"reference": full_url.lower()}}}]}, KEY)
    # the same patient key (shift) as when written in lower case
    assert observation["effectiveDateTime"] == alone["entry"][1]["resource"][
        "effectiveDateTime"]


def test_report_person_names_and_the_content_creator_get_stand_ins(tmp_path, write_dicom):
    from pydicom.dataset import Dataset

    def plant(ds):
        item = Dataset()
        item.ValueType = "PNAME"
        item.PersonName = "Brackenridge^Hestia"
        ds.ContentSequence = [item]
        ds.ContentCreatorName = "Brackenridge^Hestia"

    _, out = _deid_one(tmp_path, write_dicom, plant)
    stand_in = str(out.ContentSequence[0].PersonName)
    assert stand_in and "Brackenridge" not in stand_in and "^" in stand_in
    # Z/D in Table E.1-1: a dummy where the IOD needs one, here the clinician's stand-in
    creator = str(out.ContentCreatorName)
    assert creator and "Brackenridge" not in creator
