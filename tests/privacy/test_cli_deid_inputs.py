"""``osler deid`` on awkward inputs: no key file, gzip, bad lines, colliding DICOM UIDs.

All inputs are made up here; none come from real data.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from osler.cli import cli, main


def _run(argv, capsys):
    """Run the console entry point as a user would; return (exit code, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def test_deid_text_works_without_a_key_file_and_says_the_key_is_for_this_run(tmp_path):
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
        out = tmp_path / f"{run}.ndjson"
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
    write_dicom(src / "ct.dcm", "CT", "1.2.826.0.1.3680043.8.498.7", "1.2.826.0.1.3680043.8.498.7.1")
    result = CliRunner().invoke(cli, ["deid", "dicom", str(src), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "random key for this run only" in result.stderr
    assert len(list((tmp_path / "out").rglob("*.dcm"))) == 1
