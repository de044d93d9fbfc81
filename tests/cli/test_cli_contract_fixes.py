"""Fixes of the model CLI's option contract (``osler train|predict|evaluate|monitor``): a
repeated single-value option is refused instead of the last silently kept; ``--outcomes`` takes
several files; an output is never written over a model, nor a CSV as a folder's namesake; a
closed stdout ends a command quietly. Made-up data only."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cli_run import run_osler
from icu2012_factory import write_stays_2012


def _fake_model(folder: Path, task: str) -> Path:
    """A folder that holds a model's files by name only (what the checks look at)."""
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"task": task, "manifest_version": 1}))
    (folder / "model.joblib").write_bytes(b"not a model")
    return folder


# ------------------------------------------------------------ repeated single-value options

@pytest.mark.parametrize("option", ["--model", "--out", "--explain"])
def test_predict_refuses_a_repeated_single_value_option(option, tmp_path, capsys):
    model = _fake_model(tmp_path / "model", "heart-disease")
    data = tmp_path / "processed.x.data"
    data.write_text("63,1,1,145,233,1,2,150,0,2.3,3,0,6,0\n")
    values = {"--model": [str(model), str(model)],
              "--out": [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")],
              "--explain": [str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl")]}
    argv = ["predict", "heart-disease", "--data", str(data)]
    for name in ("--model", "--out", "--explain"):
        given = values[name] if name == option else values[name][:1]
        argv += [part for value in given for part in (name, value)]
    code, err = run_osler(argv, capsys)
    assert code == 2
    assert f"option '{option}' was given 2 times; it takes one value" in err
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob("*.jsonl"))


@pytest.mark.parametrize("option", ["--model", "--report"])
def test_evaluate_refuses_a_repeated_model_or_report(option, tmp_path, capsys):
    model = _fake_model(tmp_path / "model", "icu-mortality")
    stays, outcomes = write_stays_2012(tmp_path / "icu", n=2, seed=1)
    argv = ["evaluate", "icu-mortality", "--data", str(stays), "--outcomes", str(outcomes),
            "--model", str(model), "--report", str(tmp_path / "a.html"),
            option, str(model) if option == "--model" else str(tmp_path / "b.html")]
    code, err = run_osler(argv, capsys)
    assert code == 2 and f"option '{option}' was given 2 times" in err
    assert not list(tmp_path.glob("*.html"))


def test_train_refuses_a_repeated_model(tmp_path, capsys):
    stays, outcomes = write_stays_2012(tmp_path / "icu", n=2, seed=1)
    code, err = run_osler(["train", "icu-mortality", "--data", str(stays), "--outcomes",
                           str(outcomes), "--model", str(tmp_path / "m1"), "--model",
                           str(tmp_path / "m2")], capsys)
    assert code == 2 and "option '--model' was given 2 times" in err
    assert not (tmp_path / "m1").exists() and not (tmp_path / "m2").exists()


@pytest.mark.parametrize("option", ["--model", "--stay"])
def test_monitor_refuses_a_repeated_model_or_stay(option, tmp_path, capsys):
    model = _fake_model(tmp_path / "model", "sepsis")
    stay = tmp_path / "p1.psv"
    stay.write_text("HR|O2Sat\n")
    argv = ["monitor", "sepsis", "--model", str(model), "--stay", str(stay),
            option, str(model) if option == "--model" else str(stay)]
    code, err = run_osler(argv, capsys)
    assert code == 2 and f"option '{option}' was given 2 times" in err


# ------------------------------------------------------------ several outcomes files

def _second_set(root: Path) -> tuple[Path, Path]:
    """Made-up stays whose RecordIDs (150000...) are not those of the first set (140000...)."""
    stays, outcomes = write_stays_2012(root, n=35, seed=4)
    for f in sorted(stays.glob("*.txt")):
        new = str(int(f.stem) + 10000)
        f.with_name(f"{new}.txt").write_text(
            f.read_text().replace(f"RecordID,{f.stem}", f"RecordID,{new}"))
        f.unlink()
    rows = list(csv.reader(outcomes.read_text().splitlines()))
    with outcomes.open("w", newline="") as fh:
        csv.writer(fh).writerows([rows[0]] + [[str(int(r[0]) + 10000)] + r[1:]
                                              for r in rows[1:]])
    return stays, outcomes


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory):
    """Two made-up sets of stays, each with its outcomes file, and a model trained on both
    through the CLI (outcomes given twice)."""
    root = tmp_path_factory.mktemp("icu-two-sets")
    a = write_stays_2012(root / "a", n=35, seed=3)
    b = _second_set(root / "b")
    model = root / "model"
    from osler.cli import main
    try:
        main(["train", "icu-mortality", "--data", str(a[0]), "--data", str(b[0]),
              "--outcomes", str(a[1]), "--outcomes", str(b[1]), "--model", str(model)])
    except SystemExit as exc:
        assert exc.code == 0
    return a, b, model


def test_train_matches_stays_to_several_outcomes_files(two_sets):
    (_sa, _oa), (_sb, _ob), model = two_sets
    record = json.loads((model / "manifest.json").read_text())["extra"]["training_data"]
    # every stay of both sets was read (the bug: the first set's were all skipped)
    assert record["rows trained on"] + record["rows held out"] == 70
    assert record["skipped"] == 0
    trained = json.loads((model / "manifest.json").read_text())["extra"]["train_patients"]
    assert {p[:2] for p in trained} == {"14", "15"}


def test_evaluate_reads_several_outcomes_files(two_sets, tmp_path, capsys):
    (sa, oa), (sb, ob), model = two_sets
    code, err = run_osler(["evaluate", "icu-mortality", "--model", str(model),
                           "--data", str(sa), "--data", str(sb), "--outcomes", str(oa),
                           "--outcomes", str(ob), "--report", str(tmp_path / "card.html")],
                          capsys)
    assert (code, err) == (0, "")
    card = json.loads((tmp_path / "card.json").read_text())
    assert "0 skipped" in json.dumps(card)


def test_a_recordid_with_two_outcomes_is_an_error_naming_both_files(two_sets, tmp_path,
                                                                    capsys):
    (sa, oa), _b, model = two_sets
    rows = list(csv.reader(oa.read_text().splitlines()))
    death = rows[0].index("In-hospital_death")
    rows[1][death] = "0" if rows[1][death] == "1" else "1"
    other = tmp_path / "Outcomes-other.txt"
    with other.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows[:2])
    same = tmp_path / "Outcomes-same.txt"
    same.write_text(oa.read_text())
    code, err = run_osler(["evaluate", "icu-mortality", "--model", str(model), "--data", str(sa),
                           "--outcomes", str(oa), "--outcomes", str(other),
                           "--report", str(tmp_path / "card.html")], capsys)
    assert code == 2 and str(oa) in err and str(other) in err
    assert "different values" in err and not (tmp_path / "card.html").exists()
    # the same outcome given twice is one outcome
    from osler.pipelines.icu_mortality import load_icu_mortality
    d = load_icu_mortality([sa], [oa, same])
    assert len(d.ids) == 35 and d.skipped == [] and d.unmatched_outcomes == []


# ------------------------------------------------------------ outputs never over a model

def test_train_refuses_a_folder_holding_another_tasks_model(two_sets, tmp_path, capsys):
    (sa, oa), _b, model = two_sets
    other = _fake_model(tmp_path / "other", "sepsis")
    before = (other / "manifest.json").read_bytes()
    code, err = run_osler(["train", "icu-mortality", "--data", str(sa), "--outcomes", str(oa),
                           "--model", str(other)], capsys)
    assert code == 2 and "holds a model of task 'sepsis'" in err
    assert (other / "manifest.json").read_bytes() == before
    from osler.models.persist import check_model_folder
    check_model_folder(model, "icu-mortality")   # the same task: retrained in place


@pytest.mark.parametrize("where", ["manifest.json", "model.joblib", "sub/p.csv", "."])
def test_predict_never_writes_inside_the_model_folder(where, tmp_path, capsys):
    model = _fake_model(tmp_path / "model", "heart-disease")
    before = {p.name: p.read_bytes() for p in model.iterdir()}
    data = tmp_path / "processed.x.data"
    data.write_text("63,1,1,145,233,1,2,150,0,2.3,3,0,6,0\n")
    out = model / where
    code, err = run_osler(["predict", "heart-disease", "--model", str(model), "--data",
                           str(data), "--out", str(out)], capsys)
    assert code == 2 and "--model folder" in err
    assert {p.name: p.read_bytes() for p in model.iterdir()} == before
    code, err = run_osler(["predict", "heart-disease", "--model", str(model), "--data",
                           str(data), "--out", str(tmp_path / "p.csv"), "--explain",
                           str(model / "evidence.jsonl")], capsys)
    assert code == 2 and "--explain" in err and "--model folder" in err


@pytest.mark.parametrize("task", ["heart-disease", "readmission", "icu-mortality"])
def test_a_csv_out_ending_in_a_separator_is_refused(task, tmp_path, capsys):
    model = _fake_model(tmp_path / "model", task)
    data = tmp_path / "input.csv"
    data.write_text("synthetic\n")
    code, err = run_osler(["predict", task, "--model", str(model), "--data", str(data),
                           "--out", str(tmp_path / "preds") + "/"], capsys)
    assert code == 2 and "names a folder" in err
    assert not (tmp_path / "preds").exists()


def test_check_output_path_reads_the_trailing_separator():
    from osler.errors import DataError
    from osler.models.persist import check_output_path
    with pytest.raises(DataError, match="ends with a path separator"):
        check_output_path("somewhere/out/", "--out")
    check_output_path("somewhere/out/", "--out", folder=None)   # either: a folder is fine
    check_output_path("somewhere/out/", "--model", folder=True)


# ------------------------------------------------------------ a closed stdout

_FAKE_MONITOR = textwrap.dedent("""
    import sys
    from types import SimpleNamespace
    import osler.pipelines._sepsis_stream as stream

    class Monitor:
        def __init__(self, model_dir, top_k=3):
            self.bundle, self.threshold = SimpleNamespace(task="sepsis"), 0.5
        def open_stay(self, stay, implausible=None):
            return None
        def unmeasured_note(self, frame, stay):
            return None
        def replay_frame(self, frame):
            for h in range(200000):
                yield SimpleNamespace(hour=h, probability=0.1, alarm=False, evidence=[],
                                      to_dict=lambda h=h: {"hour": h})

    stream.SepsisMonitor = Monitor
    from osler.cli import main
    main(sys.argv[1:])
""")


def test_monitor_into_a_closed_pipe_ends_quietly(tmp_path):
    model = _fake_model(tmp_path / "model", "sepsis")
    stay = tmp_path / "p1.psv"
    stay.write_text("HR|O2Sat\n")
    argv = [sys.executable, "-c", _FAKE_MONITOR, "monitor", "sepsis", "--model", str(model),
            "--stay", str(stay)]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        first = proc.stdout.readline()    # as `| head -1` does: read a line, then close
        proc.stdout.close()
        err = proc.stderr.read()
        code = proc.wait(timeout=120)
    assert first
    assert err == b""                      # no traceback, no "Exception ignored"
    assert code == 141                     # what a shell reports for a tool ended by SIGPIPE
