"""``osler deid`` on awkward inputs: no key file, gzip, bad lines, colliding DICOM UIDs.

All inputs are made up here; none come from real data.
"""

from __future__ import annotations

import json

import pytest

from click.testing import CliRunner
from cli_run import run_osler

from osler.cli import cli



def test_deid_text_works_without_a_key_file_and_says_the_key_is_for_thisrun_osler(tmp_path):
    notes = tmp_path / "notes.jsonl"
    notes.write_text(json.dumps({"id": "n1", "patient": "p1",
                                 "text": "Seen by Dr. Osler on 3/14/2019."}) + "\n",
                     encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["deid", "text", "--in", str(notes), "--out", str(out),
                                      "--profile", "tag", "--rules-only"])
    assert result.exit_code == 0, result.output
    assert "random key for this run only" in result.stderr
    (row,) = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
    assert row["text"] == "Seen by Dr. [NAME] on [DATE]."
    assert not list(tmp_path.glob("*.key")) and sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.jsonl", "out.jsonl"]


def test_deid_fhir_without_a_key_file_is_consistent_within_a_run_only(tmp_path):
    src = tmp_path / "b.ndjson"
    src.write_text(json.dumps({"resourceType": "Patient", "id": "p1"}) + "\n"
                   + json.dumps({"resourceType": "Observation", "id": "o1",
                                 "subject": {"reference": "Patient/p1"}}) + "\n",
                   encoding="utf-8")
    ids = []
    for run in ("a", "b"):
        out = tmp_path / f"out-{run}.ndjson"   # not b.ndjson: that is the input
        result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(out)])
        assert result.exit_code == 0, result.output
        assert "random key for this run only" in result.stderr
        patient, obs = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()]
        assert obs["subject"]["reference"] == f"Patient/{patient['id']}"
        ids.append(patient["id"])
    assert ids[0] != ids[1] and "p1" not in ids


def test_deid_dicom_without_a_key_file(tmp_path, write_dicom):
    src = tmp_path / "in"
    src.mkdir()
    write_dicom(src / "ct.dcm", "CT", "1.2.826.0.1.3680043.8.498.7",
                "1.2.826.0.1.3680043.8.498.7.1")
    result = CliRunner().invoke(cli, ["deid", "dicom", str(src), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "random key for this run only" in result.stderr
    assert len(list((tmp_path / "out").rglob("*.dcm"))) == 1


def test_deid_fhir_reads_gzip_json_and_ndjson(tmp_path):
    import gzip

    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": "urn:uuid:0b7c8f3e-5d7e-4f7a-9a53-1f0e6c2a9d11",
                         "resource": {"resourceType": "Patient", "id": "synthetic-1",
                                      "name": [{"family": "Quimby", "given": ["Harold"]}]}}]}
    src = tmp_path / "b.json.gz"
    src.write_bytes(gzip.compress(json.dumps(bundle).encode("utf-8")))
    result = CliRunner().invoke(cli, ["deid", "fhir", str(src), str(tmp_path / "o.json")])
    assert result.exit_code == 0, result.output
    out = (tmp_path / "o.json").read_text(encoding="utf-8")
    assert json.loads(out)["resourceType"] == "Bundle" and "Quimby" not in out

    nd = tmp_path / "r.ndjson.gz"
    nd.write_bytes(gzip.compress(b'{"resourceType": "Patient", "id": "synthetic-2"}\n'))
    result = CliRunner().invoke(cli, ["deid", "fhir", str(nd), str(tmp_path / "o.ndjson.gz")])
    assert result.exit_code == 0, result.output
    (row,) = gzip.decompress((tmp_path / "o.ndjson.gz").read_bytes()).decode().splitlines()
    assert json.loads(row)["resourceType"] == "Patient"


def test_deid_fhir_rejects_arrays_and_non_resources_with_a_clear_error(tmp_path, capsys):
    for name, body, reason in [("arr.json", "[1, 2]", "a JSON array"),
                               ("foo.json", '{"foo": 1}', "not a FHIR resource"),
                               ("cut.json", '{"resourceType": "Patient",\n "id": "x"',
                                "line 2: not valid JSON")]:
        src = tmp_path / name
        src.write_text(body, encoding="utf-8")
        out = tmp_path / f"out-{name}"
        code, err = run_osler(["deid", "fhir", str(src), str(out)], capsys)
        assert code == 2 and not out.exists()
        assert f"osler: error: file {src}" in err and reason in err
        assert "Traceback" not in err


def test_deid_fhir_ndjson_reports_bad_lines_by_number_and_keeps_good_ones(tmp_path, capsys):
    src = tmp_path / "r.ndjson"
    src.write_text('{"resourceType": "Patient", "id": "synthetic-3"}\n'
                   '{"resourceType": "Patient", "name": [{"family": "Zorvathi"\n'
                   '{"foo": 1}\n'
                   '[1]\n'
                   '{"resourceType": "Bundle", "entry": ["oops"]}\n'
                   '{"resourceType": "Patient", "id": "synthetic-4"}\n', encoding="utf-8")
    out = tmp_path / "o.ndjson"
    code, err = run_osler(["deid", "fhir", str(src), str(out)], capsys)
    assert code == 3
    for n in (2, 3, 4, 5):
        assert f"line {n}:" in err
    assert "2 resources de-identified, 4 skipped" in err
    assert "Zorvathi" not in err and "Traceback" not in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_deid_fhir_skips_a_non_utf8_ndjson_line_naming_it(tmp_path, capsys):
    src = tmp_path / "r.ndjson"
    src.write_bytes(b'{"resourceType": "Patient", "id": "a"}\n'
                    b'{"resourceType": "Patient", "id": "Qu\xefmby"}\n')
    code, err = run_osler(["deid", "fhir", str(src), str(tmp_path / "o.ndjson")], capsys)
    assert code == 3 and f"file {src}, line 2: not UTF-8" in err and "Traceback" not in err
    assert "mby" not in err and "\ufffd" not in err
    assert len((tmp_path / "o.ndjson").read_text(encoding="utf-8").splitlines()) == 1


def test_deid_text_skips_a_non_utf8_line_naming_file_and_line(tmp_path, capsys):
    src = tmp_path / "notes.jsonl"
    src.write_bytes(b'{"id": "n1", "text": "Seen today."}\n'
                    b'{"id": "n2", "text": "Seen by Dr. Qu\xefmby."}\n'
                    b'{"id": "n3", "text": "Stable."}\n')
    out = tmp_path / "sub" / "out.jsonl"
    code, err = run_osler(["deid", "text", "--in", str(src), "--out", str(out), "--rules-only"],
                     capsys)
    assert code == 3 and "notes.jsonl line 2: skipped (not UTF-8" in err
    assert "mby" not in err and "Traceback" not in err and "2 notes de-identified, 1 skipped" in err
    assert [json.loads(ln)["id"] for ln in out.read_text(encoding="utf-8").splitlines()] == [
        "n1", "n3"]


def test_deid_dicom_files_sharing_a_sop_instance_uid_do_not_overwrite_each_other(
        tmp_path, write_dicom):
    src = tmp_path / "in"
    (src / "a").mkdir(parents=True)
    study, sop = "1.2.826.0.1.3680043.8.498.9", "1.2.826.0.1.3680043.8.498.9.1"
    for name in ("x.dcm", "y.dcm", "a/z.dcm"):
        write_dicom(src / name, "CT", study, sop)
    write_dicom(src / "w.dcm", "CT", study, sop + "1")
    write_dicom(src / "v.dcm", "CT", study, sop)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["deid", "dicom", str(src), str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.dcm"))
    assert len(written) == 5
    assert "5 files de-identified, 0 skipped" in result.stderr
    # one study and series folder now (input folders are not kept): a/z, v, y after x
    assert result.stderr.count("shares its SOPInstanceUID") == 3
    assert sop not in " ".join(written)


def test_deid_fhir_single_json_that_is_not_utf8_is_a_clear_error(tmp_path, capsys):
    src = tmp_path / "p.json"
    src.write_bytes(b'{"resourceType": "Patient",\n "name": [{"family": "Qu\xefmby"}]}')
    out = tmp_path / "o.json"
    code, err = run_osler(["deid", "fhir", str(src), str(out)], capsys)
    assert code == 2 and not out.exists()
    assert f"osler: error: file {src}, line 2: not UTF-8" in err
    assert "mby" not in err and "Traceback" not in err


@pytest.mark.filterwarnings("ignore:Importing 'parser.split_arg_string':DeprecationWarning")
def test_deid_and_context_inputs_as_spreadsheets_and_users_write_them(tmp_path, capsys):
    """A byte-order mark, a numeric patient id, --out on --in, a key in a missing folder,
    DICOM output inside the input, a repeated TSV column: each handled or named, no traceback."""
    notes = tmp_path / "n.jsonl"
    notes.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": 1, "text": "Seen by Dr. Smith.",
                                                    "patient": 7}).encode() + b"\n")
    out = tmp_path / "o.jsonl"
    code, err = run_osler(["deid", "text", "--in", str(notes), "--out", str(out),
                           "--profile", "tag"], capsys)
    assert code == 0, err
    row = json.loads(out.read_text())
    assert row["text"] == "Seen by Dr. [NAME]." and row["patient"]
    code, err = run_osler(["deid", "text", "--in", str(notes), "--out", str(notes)], capsys)
    assert code == 2 and "is the --in file" in err and notes.stat().st_size > 0
    code, err = run_osler(["deid", "text", "--in", str(notes), "--out", str(out),
                           "--key-file", str(tmp_path / "no" / "k.json")], capsys)
    assert code == 2 and "does not exist" in err and "Traceback" not in err
    (tmp_path / "dcm").mkdir()
    code, err = run_osler(["deid", "dicom", str(tmp_path / "dcm"), str(tmp_path / "dcm" / "o")],
                          capsys)
    assert code == 2 and "inside" in err
    tsv = tmp_path / "c.tsv"
    tsv.write_bytes(b"\xef\xbb\xbfconcept\tsentence\npneumonia\tNo pneumonia seen.\n")
    code, err = run_osler(["nlp", "context", "--in", str(tsv), "--out",
                           str(tmp_path / "c.out.tsv")], capsys)
    assert code == 0, err
    assert (tmp_path / "c.out.tsv").read_text().splitlines()[1].endswith("Negated\tRecent\tPatient")
    tsv.write_text("concept\tsentence\tsentence\npneumonia\tNo pneumonia\tx\n")
    code, err = run_osler(["nlp", "context", "--in", str(tsv), "--out", str(tmp_path / "d.tsv")],
                          capsys)
    assert code == 2 and "repeats column" in err


def _ndjson(path, resources):
    path.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")
    return path


def test_bulk_ndjson_names_reach_the_notes_of_their_patient_in_any_file(tmp_path):
    """Bulk export keeps Patient.ndjson beside DocumentReference.ndjson: the notes are checked
    with their patient's and their author's names, read from both (made-up names that no
    dictionary holds)."""
    import base64

    people = [
        {"resourceType": "Patient", "id": "p1",
         "name": [{"family": "Vantrixon", "given": ["Quorbelle"]}]},
        {"resourceType": "RelatedPerson", "id": "r1", "patient": {"reference": "Patient/p1"},
         "name": [{"given": ["Zeldrith"]}]},
        {"resourceType": "Practitioner", "id": "d1", "name": [{"family": "Plimmerton"}]},
        {"resourceType": "Practitioner", "id": "d2", "name": [{"family": "Young"}]},
        {"resourceType": "Patient", "id": "p2", "name": [{"family": "Stable"}]},
    ]
    text = ("quorbelle seen with zeldrith; plimmerton reviewed. "
            "young adult, stable overnight.")
    doc = {"resourceType": "DocumentReference", "id": "n1", "status": "current",
           "subject": {"reference": "Patient/p1"}, "author": [{"reference": "Practitioner/d1"}],
           "content": [{"attachment": {"contentType": "text/plain",
                                       "data": base64.b64encode(text.encode()).decode()}}]}

    def note_of(out):
        (row,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()
                  if '"DocumentReference"' in x]
        return base64.b64decode(row["content"][0]["attachment"]["data"]).decode()

    one = _ndjson(tmp_path / "all.ndjson", [*people, doc])        # one file, people first
    assert CliRunner().invoke(cli, ["deid", "fhir", str(one), str(tmp_path / "a.ndjson")]
                              ).exit_code == 0
    notes = _ndjson(tmp_path / "DocumentReference.ndjson", [doc])  # bulk: separate files
    patients = _ndjson(tmp_path / "Patient.ndjson", people)
    result = CliRunner().invoke(cli, ["deid", "fhir", str(notes), str(tmp_path / "b.ndjson"),
                                      "--names-from", str(patients)])
    assert result.exit_code == 0, result.output
    for out in (tmp_path / "a.ndjson", tmp_path / "b.ndjson"):
        note = note_of(out)
        for name in ("quorbelle", "zeldrith", "plimmerton"):
            assert name not in note.lower(), name
        # another patient's name and an unreferenced practitioner's are no PHI of this note
        assert "young adult, stable overnight" in note
    # the control: without the names file, no rule finds the lower-case author name
    alone = CliRunner().invoke(cli, ["deid", "fhir", str(notes), str(tmp_path / "c.ndjson")])
    assert alone.exit_code == 0 and "plimmerton" in note_of(tmp_path / "c.ndjson").lower()


def test_deid_text_names_why_a_line_is_no_note_and_warns_of_a_repeated_id(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        '{"id": "a", "text": "Seen by Dr. Osler."}', '{"id": "b", "text": NaN}',
        '{"id": null, "text": "x"}', '{"x": 1}', "not json", "[1, 2]",
        '{"id": "a", "text": "again"}', '{"id": "c", "text": "x", "patient": {"a": 1}}',
        '{"id": "d", "text": "x", "patient": true}']) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["deid", "text", "--in", str(src), "--out",
                                      str(tmp_path / "o.jsonl"), "--profile", "tag"])
    assert result.exit_code == 3
    err = result.stderr
    for line, why in [(2, "not valid JSON: NaN is not JSON"), (3, "needs an 'id'"),
                      (4, "needs an 'id'"), (5, "not valid JSON"), (6, "not a JSON object"),
                      (8, "'patient', when given, must be a string or an integer"),
                      (9, "'patient', when given, must be")]:
        assert f"in.jsonl line {line}: skipped ({why}" in err
    assert "line 7: warning: the same 'id' as line 1" in err
    assert len((tmp_path / "o.jsonl").read_text().splitlines()) == 2


def test_deid_text_skips_a_line_that_repeats_a_key_naming_the_line_not_the_text(
        tmp_path, capsys):
    src = tmp_path / "notes.jsonl"
    src.write_text('{"id": "n1", "text": "Seen today."}\n'
                   '{"id": "n2", "text": "Seen by Dr. Quimby.", "text": "Stable."}\n'
                   '{"id": "n3", "text": "Stable.", "Zebulon Quaxworth": 1, '
                   '"Zebulon Quaxworth": 2}\n'
                   '{"id": "n4", "text": "Stable."}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, err = run_osler(["deid", "text", "--in", str(src), "--out", str(out), "--rules-only"],
                          capsys)
    assert code == 3, err
    assert "notes.jsonl line 2: skipped (a JSON object repeats the key 'text'" in err
    assert "notes.jsonl line 3: skipped (a JSON object repeats the key of a field" in err
    assert not any(w in err for w in ("Quimby", "Stable", "Zebulon", "Traceback"))
    assert "2 notes de-identified, 2 skipped" in err
    assert [json.loads(ln)["id"] for ln in out.read_text(encoding="utf-8").splitlines()] == [
        "n1", "n4"]
