"""``osler deid`` and ``osler nlp context`` never lose an input, the key or half an output.

An output that is an input (under any name: a hard link, a symlink) or the key file is
refused before anything is read; an output that cannot be written is said once, before the
work, with exit 2; an output is replaced only when written whole. Also: a note's "patient" is
keyed as DICOM and FHIR key it, a DICOM file without PatientID is warned of, a header error
never shows a cell, and the exit statuses are documented where they are returned.

All data here is made up.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cli_run import run_osler

from osler.privacy.keys import load_key, write_key

NOTE = "Seen by Dr. Zorvath Quell on 3/14/2019."


def _notes(path: Path, *rows: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _key(tmp_path: Path) -> Path:
    path = tmp_path / "shared.key.json"
    write_key(path)
    return path


def _text(tmp_path, capsys, src: Path, out: Path, *extra: str) -> tuple[int, str]:
    return run_osler(["deid", "text", "--rules-only", "--in", str(src), "--out", str(out),
                      *extra], capsys)


def _fhir_ndjson(path: Path) -> Path:
    path.write_text(json.dumps({"resourceType": "Patient", "id": "synthetic-7"}) + "\n"
                    + "{not json\n", encoding="utf-8")
    return path


def _dicom(path: Path, patient_id: str | None, sop: str = "1.2.826.0.1.3680043.8.498.51"
           ) -> None:
    """A tiny made-up CT file, with ``patient_id`` as PatientID (none when None)."""
    pytest.importorskip("pydicom")
    from pydicom.dataset import FileDataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = sop
    ds.StudyInstanceUID = sop + ".1"
    ds.SeriesInstanceUID = sop + ".2"
    if patient_id is not None:
        ds.PatientID = patient_id
    ds.StudyDate = "20200601"
    ds.Modality = "CT"
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)


# --- an output that is an input or the key ------------------------------------------------

@pytest.mark.parametrize("link", ["hard", "symbolic"])
def test_deid_text_refuses_an_out_that_is_the_in_file_under_another_name(
        link, tmp_path, capsys):
    src = _notes(tmp_path / "notes.jsonl", {"id": "n1", "text": NOTE})
    before = src.read_bytes()
    out = tmp_path / "other-name.jsonl"
    os.link(src, out) if link == "hard" else out.symlink_to(src)
    code, err = _text(tmp_path, capsys, src, out)
    assert code == 2 and "is the --in file" in err
    assert src.read_bytes() == before


@pytest.mark.parametrize("same", ["path", "hard link"])
def test_deid_fhir_refuses_an_out_path_that_is_the_in_path(same, tmp_path, capsys):
    src = _fhir_ndjson(tmp_path / "export.ndjson")
    before = src.read_bytes()
    out = src
    if same == "hard link":
        out = tmp_path / "copy.ndjson"
        os.link(src, out)
    code, err = run_osler(["deid", "fhir", str(src), str(out)], capsys)
    assert code == 2 and "is the IN_PATH file" in err
    assert src.read_bytes() == before   # its line that is no resource is still there


def test_deid_fhir_refuses_an_out_path_that_is_a_names_from_file(tmp_path, capsys):
    src = _fhir_ndjson(tmp_path / "export.ndjson")
    names = _fhir_ndjson(tmp_path / "Patient.ndjson")
    before = names.read_bytes()
    code, err = run_osler(["deid", "fhir", str(src), str(names), "--names-from", str(names)],
                          capsys)
    assert code == 2 and "is the --names-from file" in err
    assert names.read_bytes() == before


def test_deid_dicom_refuses_an_out_dir_that_is_the_in_dir_through_a_link(tmp_path, capsys):
    src = tmp_path / "pacs"
    _dicom(src / "a.dcm", "synthetic-1")
    link = tmp_path / "pacs-link"
    link.symlink_to(src, target_is_directory=True)
    code, err = run_osler(["deid", "dicom", str(src), str(link / "deid")], capsys)
    assert code == 2 and "is (inside) IN_DIR" in err
    assert sorted(p.name for p in src.iterdir()) == ["a.dcm"]


def test_deid_text_and_fhir_refuse_to_write_over_the_key_file(tmp_path, capsys):
    key = _key(tmp_path)
    secret = load_key(key).secret
    src = _notes(tmp_path / "notes.jsonl", {"id": "n1", "text": NOTE})
    code, err = _text(tmp_path, capsys, src, key, "--key-file", str(key))
    assert code == 2 and "is the --key-file" in err
    hard = tmp_path / "key-link.json"
    os.link(key, hard)
    fhir = _fhir_ndjson(tmp_path / "export.ndjson")
    code, err = run_osler(["deid", "fhir", str(fhir), str(hard), "--key-file", str(key)],
                          capsys)
    assert code == 2 and "is the --key-file" in err
    assert load_key(key).secret == secret


def test_deid_text_refuses_an_out_that_is_a_key_file_still_to_be_made(tmp_path, capsys):
    src = _notes(tmp_path / "notes.jsonl", {"id": "n1", "text": NOTE})
    new_key = tmp_path / "new.key.json"
    code, err = _text(tmp_path, capsys, src, new_key, "--key-file", str(new_key))
    assert code == 2 and "is the --key-file" in err and not new_key.exists()


def test_deid_dicom_refuses_a_key_file_inside_the_out_dir(tmp_path, capsys):
    src = tmp_path / "pacs"
    _dicom(src / "a.dcm", "synthetic-1")
    out = tmp_path / "deid"
    code, err = run_osler(["deid", "dicom", str(src), str(out), "--key-file",
                           str(out / "k.json")], capsys)
    assert code == 2 and "is in OUT_DIR" in err and not (out / "k.json").exists()


# --- an output replaced only when written whole --------------------------------------------

def test_deid_text_leaves_an_earlier_out_as_it_was_when_the_run_breaks(
        tmp_path, capsys, monkeypatch):
    import osler.cli.deid as deid_cli

    src = _notes(tmp_path / "notes.jsonl", {"id": "n1", "text": NOTE},
                 {"id": "n2", "text": NOTE})
    out = tmp_path / "out.jsonl"
    out.write_text("earlier output\n", encoding="utf-8")
    real = deid_cli._write_run
    calls = []

    def breaks_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("stand-in for a crash")
        return real(*args, **kwargs)

    monkeypatch.setattr(deid_cli, "_write_run", breaks_on_the_second)
    with pytest.raises(RuntimeError):
        _text(tmp_path, capsys, src, out)
    assert out.read_text(encoding="utf-8") == "earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.jsonl", "out.jsonl"]


def test_an_out_written_through_a_link_keeps_the_link_and_its_file_s_permissions(
        tmp_path, capsys):
    src = _notes(tmp_path / "notes.jsonl", {"id": "n1", "text": NOTE})
    real = tmp_path / "real.jsonl"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    code, err = _text(tmp_path, capsys, src, link, "--profile", "tag")
    assert code == 0, err
    assert link.is_symlink() and "[NAME]" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


# --- an output that cannot be written --------------------------------------------------------

def test_deid_text_and_fhir_say_an_unwritable_out_before_the_work(tmp_path, capsys):
    (tmp_path / "a_file").write_text("x")
    src = _notes(tmp_path / "notes.jsonl", {"id": "n1", "text": NOTE})
    new_key = tmp_path / "k.json"
    code, err = _text(tmp_path, capsys, src, tmp_path / "a_file" / "o.jsonl",
                      "--key-file", str(new_key))
    assert code == 2 and "cannot write --out" in err and "Traceback" not in err
    assert not new_key.exists()   # it failed before the key was even made
    fhir = _fhir_ndjson(tmp_path / "export.ndjson")
    code, err = run_osler(["deid", "fhir", str(fhir), str(tmp_path / "a_file" / "o.ndjson")],
                          capsys)
    assert code == 2 and "cannot write OUT_PATH" in err and "Traceback" not in err
    assert "skipped" not in err   # nothing was read


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_deid_text_says_a_full_disk_as_an_error_on_the_out(tmp_path, capsys):
    src = _notes(tmp_path / "notes.jsonl", *({"id": f"n{i}", "text": NOTE} for i in range(3)))
    code, err = _text(tmp_path, capsys, src, Path("/dev/full"))
    assert code == 2 and "cannot write --out /dev/full" in err and "Traceback" not in err


def test_deid_dicom_says_an_out_dir_that_cannot_be_made_once(tmp_path, capsys):
    src = tmp_path / "pacs"
    _dicom(src / "a.dcm", "synthetic-1")
    _dicom(src / "b.dcm", "synthetic-1", sop="1.2.826.0.1.3680043.8.498.52")
    (tmp_path / "a_file").write_text("x")
    code, err = run_osler(["deid", "dicom", str(src), str(tmp_path / "a_file" / "sub")],
                          capsys)
    assert code == 2 and err.count("cannot write OUT_DIR") == 1
    assert "skipped file" not in err and "not a DICOM" not in err


# --- keys, warnings and bad values ---------------------------------------------------------

def test_deid_text_keys_a_patient_with_spaces_around_as_dicom_does(tmp_path, capsys):
    key = _key(tmp_path)
    src = _notes(tmp_path / "notes.jsonl",
                 {"id": "n1", "patient": " SYN-001 ", "time": "2020-06-01", "text": NOTE},
                 {"id": "n2", "patient": "SYN-001", "time": "2020-06-01", "text": NOTE},
                 {"id": "n3", "patient": "   ", "time": "2020-06-01", "text": NOTE})
    out = tmp_path / "out.jsonl"
    code, err = _text(tmp_path, capsys, src, out, "--key-file", str(key), "--notes-alone")
    assert code == 0, err
    spaced, plain, blank = [json.loads(ln) for ln in out.read_text("utf-8").splitlines()]
    assert spaced["patient"] == plain["patient"] == load_key(key).pseudonym("SYN-001")
    assert spaced["time"] == plain["time"]
    assert "patient" not in blank and "time" not in blank   # white space names no one


def test_deid_text_and_dicom_give_a_padded_id_one_pseudonym_and_shift(tmp_path, capsys):
    import pydicom

    key = _key(tmp_path)
    _dicom(tmp_path / "pacs" / "a.dcm", "SYN-002 ")
    code, err = run_osler(["deid", "dicom", str(tmp_path / "pacs"), str(tmp_path / "deid"),
                           "--key-file", str(key)], capsys)
    assert code == 0, err
    (written,) = (tmp_path / "deid").rglob("*.dcm")
    ds = pydicom.dcmread(written)
    src = _notes(tmp_path / "notes.jsonl",
                 {"id": "n1", "patient": " SYN-002", "time": "2020-06-01", "text": NOTE})
    out = tmp_path / "out.jsonl"
    code, err = _text(tmp_path, capsys, src, out, "--key-file", str(key))
    assert code == 0, err
    (note,) = [json.loads(ln) for ln in out.read_text("utf-8").splitlines()]
    assert note["patient"] == ds.PatientID
    assert note["time"].replace("-", "") == ds.StudyDate


@pytest.mark.parametrize("patient_id", [None, "  "])
def test_deid_dicom_warns_of_a_file_of_no_known_patient(patient_id, tmp_path, capsys):
    _dicom(tmp_path / "pacs" / "a.dcm", patient_id)
    _dicom(tmp_path / "pacs" / "b.dcm", "synthetic-3", sop="1.2.826.0.1.3680043.8.498.53")
    code, err = run_osler(["deid", "dicom", str(tmp_path / "pacs"), str(tmp_path / "deid")],
                          capsys)
    assert code == 0, err
    assert "warning: file 1 -> " in err and err.count("has no PatientID") == 1
    assert "1 files of no known patient" in err
    assert "2 files de-identified" in err


def test_deid_text_skips_an_id_too_large_for_json_naming_its_line(tmp_path, capsys):
    src = tmp_path / "notes.jsonl"
    src.write_text('{"id": 1e400, "text": "x"}\n{"id": -1e999, "text": "x"}\n'
                   '{"id": 2.5, "text": "x"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, err = _text(tmp_path, capsys, src, out)
    assert code == 3
    assert "notes.jsonl line 1: skipped" in err and "notes.jsonl line 2: skipped" in err
    assert "1 notes de-identified, 2 skipped" in err
    written = out.read_text("utf-8")
    assert "Infinity" not in written
    (row,) = [json.loads(ln) for ln in written.splitlines()]
    assert row["id"] == 2.5


# --- nlp context -----------------------------------------------------------------------------

def test_nlp_context_header_error_shows_no_cell(tmp_path, capsys):
    src = tmp_path / "pairs.tsv"
    src.write_text("Zorvath Quell\tdenies chest pain, MRN 5550123\n", encoding="utf-8")
    code, err = run_osler(["nlp", "context", "--in", str(src), "--out",
                           str(tmp_path / "o.tsv")], capsys)
    assert code == 2
    assert "Zorvath" not in err and "5550123" not in err and "chest" not in err
    assert "'concept'" in err and "'sentence'" in err and "2 tab-separated fields" in err
    assert not (tmp_path / "o.tsv").exists()


def test_nlp_context_refuses_an_out_that_is_the_in_file(tmp_path, capsys):
    src = tmp_path / "pairs.tsv"
    src.write_text("concept\tsentence\npain\tNo pain.\n", encoding="utf-8")
    before = src.read_bytes()
    code, err = run_osler(["nlp", "context", "--in", str(src), "--out", str(src)], capsys)
    assert code == 2 and "is the --in file" in err and src.read_bytes() == before


@pytest.mark.slow
def test_nlp_context_reads_a_row_with_empty_cells_after_the_last_column(tmp_path, capsys):
    pytest.importorskip("medspacy")
    src = tmp_path / "pairs.tsv"
    src.write_text("concept\tsentence\npain\tNo pain.\t\nfever\tNo fever.\t \t\n"
                   "cough\tNo cough.\tnot empty\n", encoding="utf-8")
    out = tmp_path / "o.tsv"
    code, err = run_osler(["nlp", "context", "--in", str(src), "--out", str(out)], capsys)
    assert code == 3, err
    assert "line 4: 3 tab-separated fields" in err and "line 2" not in err
    rows = [ln.split("\t") for ln in out.read_text("utf-8").splitlines()]
    assert rows[0] == ["concept", "sentence", "negation", "temporality", "experiencer"]
    assert rows[1][:3] == ["pain", "No pain.", "Negated"]
    assert rows[2][:3] == ["fever", "No fever.", "Negated"]
    assert rows[3] == ["cough", "No cough.", "", "", ""]


# --- exit statuses in --help -----------------------------------------------------------------

def _help(command: list[str]) -> str:
    from click.testing import CliRunner

    from osler.cli import cli

    return " ".join(CliRunner().invoke(cli, [*command, "--help"]).output.split())


@pytest.mark.parametrize("command, statuses", [
    (["deid", "text"], ("0 when", "3 when", "2 when")),
    (["deid", "dicom"], ("0 when", "3 when", "2 when")),
    (["deid", "fhir"], ("0 when", "3 when", "2 when")),
    (["nlp", "context"], ("0 when", "3 when", "2 when")),
    (["nlp", "extract"], ("0 when", "2 when", "never 3")),
])
def test_help_documents_each_exit_status(command, statuses):
    text = _help(command)
    assert "Exit status:" in text
    for status in statuses:
        assert status in text


def test_deid_text_returns_the_documented_statuses(tmp_path, capsys):
    good = {"id": "n1", "text": NOTE}
    for rows, status in [([good], 0), ([good, {"id": "n2"}], 3), ([{"id": "n2"}], 2)]:
        src = _notes(tmp_path / "notes.jsonl", *rows)
        code, _ = _text(tmp_path, capsys, src, tmp_path / "out.jsonl")
        assert code == status


def test_deid_dicom_returns_the_documented_statuses(tmp_path, capsys):
    src = tmp_path / "pacs"
    _dicom(src / "a.dcm", "synthetic-1")
    code, _ = run_osler(["deid", "dicom", str(src), str(tmp_path / "o1")], capsys)
    assert code == 0
    (src / "b.dcm").write_bytes(b"not a DICOM file")
    code, _ = run_osler(["deid", "dicom", str(src), str(tmp_path / "o2")], capsys)
    assert code == 3
    (src / "a.dcm").unlink()
    code, _ = run_osler(["deid", "dicom", str(src), str(tmp_path / "o3")], capsys)
    assert code == 2
