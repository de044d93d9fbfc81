"""Free text kept in DICOM headers is de-identified as `deid text` de-identifies a note.

Before, a name in a description the profile keeps (StudyDescription, ProtocolName ...) became
"[NAME]" and a date "[DATE]" whatever profile the notes used, so the same made-up patient read
"Mr. <stand-in>" in the notes and "[NAME]" in the images. Now the default is the surrogate
profile: the stand-in the patient's notes, FHIR and PatientName give, and dates moved by the
patient's offset; `--profile tag` keeps the tags. All people and places here are made up."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.errors import DataError
from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_dataset

pydicom = pytest.importorskip("pydicom")
KEY = DeidKey(b"dicom free text test, 32 bytes!!")
PATIENT = "MRN-FT-3141"
_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def _image(patient_id: str = PATIENT, patient_name: str = "QUIXMOOR^ZEBULON", **text):
    """A CT header with the free text given by keyword (``StudyDescription="..."``)."""
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = f"1.2.826.0.1.3680043.8.498.{len(patient_id)}.{len(text)}"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.5"
    ds.PatientID, ds.PatientName, ds.Modality = patient_id, patient_name, "CT"
    ds.StudyDate = "20210304"
    ds.ReferringPhysicianName = "Ashgrove^Lucinda"
    for keyword, value in text.items():
        setattr(ds, keyword, value)
    return ds


def _file(path, ds) -> None:
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)


def test_one_key_file_gives_a_patient_one_stand_in_and_shift_in_notes_and_dicom_text(tmp_path):
    """`deid text` and `deid dicom` run with one key file: the made-up patient's name and a
    date in a description read as in the patient's notes, and as FHIR writes the name."""
    key_file, notes = tmp_path / "key.json", tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "patient": PATIENT,
                                 "text": "Mr. Zebulon Quixmoor seen on 03/04/2021 with a "
                                         "headache. CT head requested."}) + "\n")
    _file(tmp_path / "in" / "a.dcm",
          _image(StudyDescription="CT HEAD Zebulon Quixmoor 03/04/2021"))
    runner = CliRunner()
    for args in (["deid", "text", "--in", str(notes), "--out", str(tmp_path / "notes.out"),
                  "--key-file", str(key_file)],
                 ["deid", "dicom", str(tmp_path / "in"), str(tmp_path / "out"),
                  "--key-file", str(key_file)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    note = json.loads((tmp_path / "notes.out").read_text())["text"]
    (written,) = (tmp_path / "out").rglob("*.dcm")
    out = pydicom.dcmread(written)

    from osler.privacy.keys import load_key

    patient = deidentify_bundle({"resourceType": "Patient", "id": PATIENT,
                                 "name": [{"family": "Quixmoor", "given": ["Zebulon"]}]},
                                load_key(key_file))["name"][0]
    stand_in = f"{patient['given'][0]} {patient['family']}"
    assert stand_in in note                               # notes and FHIR agree
    assert stand_in in out.StudyDescription               # so does the DICOM free text
    assert str(out.PatientName) == f"{patient['family']}^{patient['given'][0]}".upper()
    moved = (date(2021, 3, 4) + load_key(key_file).date_shift(PATIENT)).strftime("%m/%d/%Y")
    assert _DATE.findall(note) == [moved] == _DATE.findall(out.StudyDescription)
    for secret in ("Quixmoor", "Zebulon", "03/04/2021"):
        assert secret not in note and secret not in out.StudyDescription


def test_the_stand_in_is_the_patients_own_in_every_kept_description():
    out = deidentify_dataset(_image(SeriesDescription="Quixmoor axial",
                                    ProtocolName="QUIXMOOR_HEAD",
                                    PerformedProcedureStepDescription="ZEBULON^QUIXMOOR"), KEY)
    family, given = str(out.PatientName).split("^")
    # the same stand-in, in the case the text wrote the name in
    assert out.SeriesDescription.lower() == f"{family} axial".lower()
    assert not out.SeriesDescription.isupper()
    assert out.ProtocolName == f"{family}_HEAD"           # the joiner stays
    assert out.PerformedProcedureStepDescription == f"{given}^{family}"


def test_a_clinicians_name_in_free_text_gets_a_fhir_practitioners_stand_in_for_every_patient():
    practitioner = deidentify_bundle({"resourceType": "Practitioner", "id": "pr-9",
                                      "name": [{"family": "Ashgrove", "given": ["Lucinda"]}]},
                                     KEY)["name"][0]
    expected = f"{practitioner['given'][0]} {practitioner['family']}"
    for pid, name in ((PATIENT, "QUIXMOOR^ZEBULON"), ("MRN-FT-2718", "THISTLEWOOD^OTTILIE")):
        out = deidentify_dataset(_image(pid, name,
                                        StudyDescription="CT per Dr Lucinda Ashgrove",
                                        SeriesDescription="Ashgrove protocol"), KEY)
        assert out.StudyDescription == f"CT per Dr {expected}"
        # no "Dr" here: the header names her (ReferringPhysicianName), so she is a clinician
        assert out.SeriesDescription == f"{practitioner['family']} protocol"


def test_the_tag_profile_still_writes_tags():
    out = deidentify_dataset(_image(StudyDescription="CT HEAD Zebulon Quixmoor 03/04/2021"),
                             KEY, profile="tag")
    assert out.StudyDescription == "CT HEAD [NAME] [NAME] [DATE]"


def test_an_unknown_profile_is_refused_naming_the_choices():
    with pytest.raises(DataError, match="'profile' parameter must be one of"):
        deidentify_dataset(_image(), KEY, profile="redact")


def test_a_description_stays_within_its_vrs_length_when_stand_ins_are_longer(tmp_path):
    # three-letter names: their stand-ins are longer, and a LO holds 64 characters at most
    description = "CT " + ", ".join(["QUO ZEB"] * 7)
    assert len(description) <= 64
    ds = deidentify_dataset(_image(patient_name="QUO^ZEB", StudyDescription=description), KEY)
    assert len(ds.StudyDescription) <= 64
    assert "QUO" not in ds.StudyDescription and "ZEB" not in ds.StudyDescription
    _file(tmp_path / "a.dcm", ds)    # written without pydicom's over-length warning
