"""Every single-value option of ``osler train|predict|evaluate``, ``monitor sepsis``, ``demo``,
``nlp context|extract`` and ``deid text|fhir|dicom|train`` is refused when repeated (exit 2,
naming the option and how many times it came) instead of click keeping the last silently;
given once, or not at all, it reaches the command as before. Made-up data only."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from cli_run import run_osler
from osler.cli import cli
from osler.cli._common import once

#: Options these commands take more than once on purpose (predict refuses a second --data with
#: a message of its own, tested in test_cli_contract_fixes.py).
REPEATABLE = {("train", "--data"), ("train", "--outcomes"), ("evaluate", "--data"),
              ("evaluate", "--outcomes"), ("predict", "--data"), ("deid fhir", "--names-from")}
COMMANDS = ["train", "predict", "evaluate", "monitor sepsis", "demo", "nlp context",
            "nlp extract", "deid text", "deid fhir", "deid dicom", "deid train"]


def _command(path: str) -> click.Command:
    cmd: click.Command = cli
    for name in path.split():
        cmd = cmd.get_command(None, name)
    return cmd


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Made-up inputs that pass click's checks (they exist; nothing is run on them)."""
    model = tmp_path / "model"
    model.mkdir()
    (model / "manifest.json").write_text(json.dumps({"task": "heart-disease",
                                                     "manifest_version": 1}))
    made = {"model": str(model), "dir": str(tmp_path / "dicom"), "gold": str(tmp_path / "gold")}
    (tmp_path / "dicom").mkdir()
    (tmp_path / "gold").mkdir()
    for name, text in {"data": "1,2,3\n", "data2": "4,5,6\n", "stay": "HR|O2Sat\n",
                       "tsv": "concept\tsentence\nfever\tNo fever.\n",
                       "tsv2": "concept\tsentence\ncough\tA cough.\n",
                       "notes": '{"id": "n1", "text": "Seen today."}\n',
                       "notes2": '{"id": "n2", "text": "Seen again."}\n',
                       "fhir": '{"resourceType": "Observation", "id": "o1"}',
                       "tagger": "{}", "tagger2": "{}"}.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text)
        made[name] = str(path)
    for name in ("out", "out2", "key", "key2", "new", "new2"):
        made[name] = str(tmp_path / name)
    return made


# command, its other arguments, option, first and second value (names in ``files`` or
# literal), the parameter it fills and what one use of the first value gives it
CASES = [
    ("train", ["heart-disease", "--data", "data", "--model", "new"],
     "--seed", "3", "4", "seed", 3),
    ("train", ["heart-disease", "--data", "data", "--model", "new"],
     "--held-out", "0.1", "0.3", "held_out", 0.1),
    ("predict", ["heart-disease", "--model", "model", "--data", "data", "--out", "out"],
     "--split", "test", "val", "split", "test"),
    ("evaluate", ["heart-disease", "--model", "model", "--data", "data", "--report", "out"],
     "--split", "test", "val", "split", "test"),
    ("monitor sepsis", ["--model", "model", "--stay", "stay"], "--top", "2", "5", "top", 2),
    ("demo", ["--no-train", "--no-serve"], "--out", "out", "out2", "out", "out"),
    ("demo", ["--no-train", "--no-serve"], "--patients", "10", "20", "n_patients", 10),
    ("demo", ["--no-train", "--no-serve"], "--seed", "1", "2", "seed", 1),
    ("nlp context", ["--out", "out"], "--in", "tsv", "tsv2", "in_file", "tsv"),
    ("nlp context", ["--in", "tsv"], "--out", "out", "out2", "out_file", "out"),
    ("nlp context", ["--in", "tsv", "--out", "out"], "--rules", "osler", "medspacy", "rules",
     "osler"),
    ("nlp extract", ["notes"], "--patient", "p-1", "p-2", "patient_id", "p-1"),
    ("nlp extract", ["notes"], "--db", "key", "key2", "db", "key"),
    ("deid text", ["--out", "out"], "--in", "notes", "notes2", "in_file", "notes"),
    ("deid text", ["--in", "notes"], "--out", "out", "out2", "out_file", "out"),
    ("deid text", ["--in", "notes", "--out", "out"], "--profile", "tag", "surrogate",
     "profile", "tag"),
    ("deid text", ["--in", "notes", "--out", "out"], "--model", "tagger", "tagger2", "model",
     "tagger"),
    ("deid text", ["--in", "notes", "--out", "out"], "--key-file", "key", "key2", "key_file",
     "key"),
    ("deid fhir", ["fhir", "out"], "--key-file", "key", "key2", "key_file", "key"),
    ("deid fhir", ["fhir", "out"], "--patient-identifier", "MR", "http://example.org/mrn",
     "patient_identifier", "MR"),
    ("deid dicom", ["dir", "out"], "--key-file", "key", "key2", "key_file", "key"),
    ("deid train", ["--out", "out"], "--data", "gold", "dir", "data", "gold"),
    ("deid train", ["--data", "gold"], "--out", "out", "out2", "out_file", "out"),
]
DEFAULTS = [("train", ["heart-disease", "--data", "data", "--model", "new"], "seed", 0),
            ("train", ["heart-disease", "--data", "data", "--model", "new"], "held_out", None),
            ("predict", ["heart-disease", "--model", "model", "--data", "data", "--out", "out"],
             "split", None),
            ("predict", ["heart-disease", "--model", "model", "--data", "data", "--out", "out"],
             "explain", None),
            ("monitor sepsis", ["--model", "model", "--stay", "stay"], "top", 3),
            ("demo", [], "out", "demo-out"), ("demo", [], "n_patients", 1500),
            ("nlp context", ["--in", "tsv", "--out", "out"], "rules", "osler"),
            ("nlp extract", ["notes"], "db", None),
            ("deid text", ["--in", "notes", "--out", "out"], "profile", "surrogate"),
            ("deid fhir", ["fhir", "out"], "patient_identifier", None)]


def _args(args: list[str], files: dict[str, str]) -> list[str]:
    return [files.get(a, a) for a in args]


def _id(case) -> str:
    return f"{case[0]} {case[2]}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_a_repeated_single_value_option_is_refused(case, files, tmp_path, capsys):
    command, others, option, first, second, _, _ = case
    argv = (command.split() + _args(others, files)
            + [option, files.get(first, first), option, files.get(second, second)])
    code, err = run_osler(argv, capsys)
    assert code == 2
    assert f"option '{option}' was given 2 times; it takes one value" in err
    assert not (tmp_path / "out").exists() and not (tmp_path / "new").exists()


def test_three_uses_are_counted(capsys):
    code, err = run_osler(["demo", "--no-train", "--no-serve", "--seed", "1", "--seed", "1",
                           "--seed", "2"], capsys)
    assert code == 2 and "option '--seed' was given 3 times" in err


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_one_use_reaches_the_command_as_given(case, files):
    command, others, option, first, _, param, expected = case
    ctx = _command(command).make_context(command, _args(others, files)
                                         + [option, files.get(first, first)])
    value = ctx.params[param]
    if isinstance(expected, str) and expected in files:   # a path, as its type returns it
        assert str(value) == files[expected]
    else:
        assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("command, others, param, default", DEFAULTS,
                         ids=lambda v: v if isinstance(v, str) else None)
def test_an_option_not_given_keeps_its_default(command, others, param, default, files):
    ctx = _command(command).make_context(command, _args(others, files))
    assert ctx.params[param] == default


def test_train_runs_with_the_seed_and_share_given_once(files, monkeypatch, capsys):
    """End to end through ``osler train``: one --seed and --held-out reach the task."""
    seen = {}

    class Task:
        def train(self, data, **kwargs):
            seen.update(kwargs)
            return "trained"

    monkeypatch.setattr("osler.cli.tasks.get_task", lambda name: Task())
    code, _ = run_osler(["train", "heart-disease", "--data", files["data"], "--model",
                         files["new"], "--seed", "7", "--held-out", "0.25"], capsys)
    assert code == 0
    assert seen["seed"] == 7 and seen["held_out"] == 0.25


@pytest.mark.parametrize("command", COMMANDS)
def test_every_single_value_option_refuses_a_repeat(command):
    """A new option of these commands is declared with ``single_option`` (or listed above as
    repeatable), so that it cannot silently keep the last of two values."""
    last_wins = [p.opts[0] for p in _command(command).params
                 if isinstance(p, click.Option) and not p.is_flag and not p.count
                 and (command, p.opts[0]) not in REPEATABLE and p.callback is not once]
    assert last_wins == []
