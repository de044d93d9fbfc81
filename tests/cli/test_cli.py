"""The CLI contract: ingest exit codes and summary, stats JSON, show, demo."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import orjson
import pytest

from fhir_factory import expected_counts, ndjson_export, patient_bundle
from osler.cli import main
from osler.store import open_store


def run(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _bundles(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"b{i}.json").write_bytes(orjson.dumps(patient_bundle(i)))
    return folder


def test_ingest_all_good_exits_0_and_stats_json_has_the_contract(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    assert run("ingest", str(_bundles(tmp_path / "in", 3)), "--db", db) == 0
    assert "Stored 3 patients" in capsys.readouterr().out
    assert run("stats", "--db", db, "--json") == 0
    stats = json.loads(capsys.readouterr().out)
    assert isinstance(stats["patients"], int) and stats["patients"] == 3
    for kind, n in expected_counts(patient_bundle(0)).items():
        assert stats[kind] == 3 * n
    for kind in ("genotype", "imaging_study", "consent"):
        assert stats[kind] == 0


def test_partial_and_failed_ingests_have_their_own_exit_codes(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    folder = _bundles(tmp_path / "in", 2)
    (folder / "truncated.json").write_bytes(b'{"resourceType": "Bundle", "entry": [{')
    (folder / "picture.json").write_bytes(b"\x89PNG\r\n\x1a\n....")
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    assert run("ingest", str(folder), str(empty), "--db", db) == 3
    out = capsys.readouterr().out
    assert "Stored 2 patients" in out and "Quarantined 3" in out
    assert run("stats", "--db", db, "--json", "--quarantine") == 0
    reasons = {q["source_file"]: q["reason"] for q in json.loads(capsys.readouterr().out)["quarantine"]}
    assert "not valid JSON" in reasons["truncated.json"]
    assert "picture.json" in " ".join(reasons) and "empty.zip" in reasons
    assert run("ingest", str(tmp_path / "in" / "truncated.json"), "--db", db) == 2


def test_show_prints_the_timeline_and_refuses_unknown_ids(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    run("ingest", str(_bundles(tmp_path / "in", 1)), "--db", db)
    capsys.readouterr()
    pid = patient_bundle(0)["entry"][0]["resource"]["id"]
    assert run("show", pid, "--db", db, "--limit", "0") == 0
    out = capsys.readouterr().out
    assert "8867-4" in out and "44054006" in out
    assert run("show", "no-such-patient", "--db", db) == 2
    assert "no patient with id" in capsys.readouterr().err


def test_unknown_task_is_named(capsys):
    assert run("train", "astrology", "--data", ".", "--model", "m") == 2
    assert "task must be one of" in capsys.readouterr().err


def _kill_after_commits(cmd: list[str], db: Path, env: dict, wal_bytes: int) -> None:
    """Start an ingest; SIGKILL it once its write-ahead log holds ``wal_bytes`` of commits.

    The log starts with the schema (~8 KB) and grows with each committed batch (~800 KB in
    all for this source), so a threshold in between lands the kill between commits.
    """
    wal = Path(f"{db}.wal")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if wal.exists() and wal.stat().st_size > wal_bytes:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_killed_ingest_then_rerun_equals_a_clean_run(tmp_path):
    """SIGKILL mid-ingest, run again: the store equals a single clean run."""
    source = _bundles(tmp_path / "in", 200)
    osler = [sys.executable, "-m", "osler.cli"]
    env = {**os.environ, "OSLER_BATCH_ROWS": "40"}  # many small transactions to land between
    clean = tmp_path / "clean.duckdb"
    subprocess.run([*osler, "ingest", str(source), "--db", str(clean)], env=env, check=True,
                   capture_output=True)
    with open_store(clean, read_only=True) as store:
        expected = store.stats()
    for attempt, wal_bytes in enumerate((250_000, 100_000, 400_000)):
        killed = tmp_path / f"killed{attempt}.duckdb"
        _kill_after_commits([*osler, "ingest", str(source), "--db", str(killed)], killed,
                            env, wal_bytes)
        with open_store(killed) as store:  # opening replays the log of a killed writer
            partial = store.stats()["patients"]
        if 0 < partial < expected["patients"]:
            break
    else:
        pytest.fail("could not kill the ingest half-way")
    subprocess.run([*osler, "ingest", str(source), "--db", str(killed)], env=env, check=True,
                   capture_output=True)
    with open_store(killed, read_only=True) as store, open_store(clean, read_only=True) as ref:
        assert store.stats() == expected
        for pid in store.patient_ids()[:5]:
            assert set(store.patient(pid).events) == set(ref.patient(pid).events)


@pytest.mark.parametrize("first_line", ["Seen today, alert, oriented.",
                                        "HPI: 67 yo M with h/o CHF, COPD, HTN, here for review."])
def test_a_note_whose_first_line_has_commas_is_ingested(tmp_path, capsys, first_line):
    note = tmp_path / "p1.txt"
    note.write_text(f"{first_line}\nNo fever.\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    assert run("ingest", str(note), "--db", db) == 0
    with open_store(db) as store:
        assert store.patient("p1").events[0].text == f"{first_line}\nNo fever.\n"


def test_a_lone_document_reference_joins_its_patient_without_erasing_demographics(tmp_path):
    db = str(tmp_path / "s.duckdb")
    bundle = patient_bundle(0)
    patient = bundle["entry"][0]["resource"]
    assert run("ingest", str(_bundles(tmp_path / "in", 1)), "--db", db) == 0
    doc = {"resourceType": "DocumentReference", "id": "lone", "status": "current",
           "subject": {"reference": f"Patient/{patient['id']}"},
           "content": [{"attachment": {"contentType": "text/html",
                                       "data": "PHA+Tm8mbmJzcDtmZXZlci48L3A+"}}]}
    (tmp_path / "doc.json").write_text(json.dumps(doc, indent=2))
    assert run("ingest", str(tmp_path / "doc.json"), "--db", db) == 0
    with open_store(db) as store:
        rec = store.patient(patient["id"])
    assert rec.birth_date.isoformat() == patient["birthDate"]
    assert "No fever." in [getattr(e, "text", None) for e in rec.events]


def test_python_dash_m_osler_is_the_osler_command():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "osler", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert out.startswith("Usage: osler")


def test_task_commands_name_their_tasks_in_help():
    from click.testing import CliRunner

    from osler.cli import cli
    from osler.pipelines.registry import task_names

    for command in ("train", "predict", "evaluate"):
        compact = "".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
        assert "{" + "|".join(task_names()) + "}" in compact


def _mrn_bundle(folder: Path, mrn: str) -> Path:
    """A bundle whose Patient.id is a UUID and whose MRN is typed MR, as Synthea writes it."""
    bundle = patient_bundle(3)
    bundle["entry"][0]["resource"]["identifier"] = [{
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203",
                             "code": "MR"}]},
        "system": "http://hospital.smarthealthit.org", "value": mrn}]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "export.json").write_bytes(orjson.dumps(bundle))
    return folder / "export.json"


def test_ingest_patient_identifier_joins_fhir_to_a_note_of_the_same_mrn(tmp_path, capsys):
    db = str(tmp_path / "s.duckdb")
    note = tmp_path / "notes.jsonl"
    note.write_text(json.dumps({"id": "n1", "patient": "MRN-TEST-3", "text": "Stable."}) + "\n")
    bundle = _mrn_bundle(tmp_path / "in", "MRN-TEST-3")
    assert run("ingest", "--patient-identifier", "MR", str(bundle), str(note), "--db", db) == 0
    assert "Stored 1 patients" in capsys.readouterr().out
    with open_store(db) as store:
        assert store.patient_ids() == ["MRN-TEST-3"]
        assert store.patient("MRN-TEST-3").counts()["note"] == 2


def test_ingest_refuses_a_bad_patient_identifier_before_opening_the_store(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    assert run("ingest", "--patient-identifier", "not a uri", str(_mrn_bundle(tmp_path, "M")),
               "--db", str(db)) == 2
    assert "Invalid value for '--patient-identifier'" in capsys.readouterr().err
    assert not db.exists()


def test_ingest_reads_ndjson_files_named_one_by_one_as_one_export(tmp_path, capsys):
    files = ndjson_export(tmp_path / "export")
    db = str(tmp_path / "s.duckdb")
    named = [str(files[t]) for t in sorted(files, key=lambda t: t != "Observation")]
    assert run("ingest", *named, "--db", db) == 0
    assert "Stored 2 patients" in capsys.readouterr().out
    with open_store(db) as store:
        assert store.stats()["quarantined"] == 0
        for pid in store.patient_ids():
            assert store.patient(pid).counts() == expected_counts(patient_bundle(0))

