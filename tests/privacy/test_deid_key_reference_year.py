"""The birth year standing for ages over 89 comes from the key file's reference year, so the
same patient gets one stand-in year in notes, FHIR and DICOM whatever day they are
de-identified on; key files written before the field still load (made-up data only)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from osler.cli import cli
from osler.errors import DataError
from osler.privacy import DeidKey, load_key, write_key
from osler.privacy.deid import ages, deidentify_bundle, deidentify_text

SECRET = "5e" * 32
BORN = "1921-03-04"   # over 89 on both days below


def _key_file(tmp_path, **fields) -> object:
    path = tmp_path / "deid.key"
    path.write_text(json.dumps({"secret": SECRET, **fields}), encoding="utf-8")
    return path


def _stand_ins(key: DeidKey, tmp_path, write_dicom) -> dict[str, str]:
    """The stand-in birth year the three modalities give a birth date over 89 years ago."""
    from osler.privacy.deid import deidentify_dicom_dir

    text = deidentify_text(f"Born {BORN}. Lives alone.", key, patient="p-old", tagger=None)
    fhir = deidentify_bundle({"resourceType": "Patient", "id": "p-old", "birthDate": BORN},
                             key)
    out = {"text": text.text.split(".")[0].removeprefix("Born "), "fhir": fhir["birthDate"]}
    pydicom = pytest.importorskip("pydicom")
    src = tmp_path / f"in-{len(list(tmp_path.iterdir()))}"
    src.mkdir()
    study = "1.2.826.0.1.3680043.8.498.91"
    write_dicom(src / "a.dcm", "CT", study, study + ".1")
    ds = pydicom.dcmread(src / "a.dcm")
    ds.PatientBirthDate = BORN.replace("-", "")
    ds.save_as(src / "a.dcm")
    (result,) = deidentify_dicom_dir(src, src.with_name(src.name + "-out"), key)
    out["dicom"] = str(pydicom.dcmread(result.output).PatientBirthDate)[:4]
    return out


@pytest.mark.parametrize("today", [date(2026, 12, 30), date(2027, 1, 4), date(2031, 6, 1)])
def test_the_stand_in_year_is_the_key_files_in_every_modality_on_any_day(
        tmp_path, write_dicom, monkeypatch, today):
    key = load_key(_key_file(tmp_path, reference_year=2026))
    monkeypatch.setattr(ages, "_today", lambda: today)
    assert _stand_ins(key, tmp_path, write_dicom) == {"text": "1936", "fhir": "1936",
                                                      "dicom": "1936"}


def test_without_a_reference_year_the_stand_in_follows_the_calendar(tmp_path, monkeypatch):
    key = load_key(_key_file(tmp_path))   # an older key file: it still loads
    assert key.reference_year is None
    years = []
    for today in (date(2026, 12, 30), date(2027, 1, 4)):
        monkeypatch.setattr(ages, "_today", lambda today=today: today)
        years.append(deidentify_bundle({"resourceType": "Patient", "id": "p-old",
                                        "birthDate": BORN}, key)["birthDate"])
    assert years == ["1936", "1937"]


def test_a_reference_year_after_today_counts_from_today_so_the_age_stays_90_or_more(
        monkeypatch):
    monkeypatch.setattr(ages, "_today", lambda: date(2026, 3, 1))
    assert ages.aggregated_birth_year(reference_year=2029) == "1936"
    assert ages.over_89_birth_year(BORN, reference_year=2029) == "1936"
    assert ages.over_89_birth_year("1990-01-01", reference_year=2000) is None   # decided today


def test_a_new_key_file_records_this_year_and_reads_it_back(tmp_path):
    key = write_key(tmp_path / "k.json")
    data = json.loads((tmp_path / "k.json").read_text(encoding="utf-8"))
    assert data["reference_year"] == date.today().year == key.reference_year
    assert load_key(tmp_path / "k.json") == key


@pytest.mark.parametrize("bad", ["2026", True, 1850, 2026.5])
def test_a_reference_year_that_is_no_year_is_refused_naming_the_file(tmp_path, bad):
    path = _key_file(tmp_path, reference_year=bad)
    with pytest.raises(DataError, match=f"key file {path}: .*reference_year"):
        load_key(path)


def test_the_cli_warns_once_naming_an_older_key_file_and_not_a_new_one(tmp_path):
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "patient": "p1", "text": "Born in 1921."}) + "\n",
                     encoding="utf-8")
    old = _key_file(tmp_path)
    run = CliRunner().invoke(cli, ["deid", "text", "--in", str(notes), "--out",
                                   str(tmp_path / "o.jsonl"), "--rules-only",
                                   "--key-file", str(old)])
    assert run.exit_code == 0, run.output
    assert run.output.count("has no 'reference_year'") == 1 and str(old) in run.output
    assert f'"reference_year": {date.today().year}' in run.output
    new = tmp_path / "new.key"
    for _ in range(2):   # created, then read back
        run = CliRunner().invoke(cli, ["deid", "text", "--in", str(notes), "--out",
                                       str(tmp_path / "o.jsonl"), "--rules-only",
                                       "--key-file", str(new)])
        assert run.exit_code == 0, run.output
        assert "reference_year" not in run.output
    row = json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert row["text"] == f"Born in {load_key(new).reference_year - 90}."
