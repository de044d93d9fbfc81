"""``osler train|predict|evaluate TASK``: the option contract shared by every task."""

from __future__ import annotations

import pytest

from cli_run import run_osler
from osler.pipelines.registry import task_names


@pytest.mark.parametrize("task", task_names())
def test_predict_refuses_a_second_data_option_for_every_task(task, tmp_path, capsys):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("x\n")
    second.write_text("y\n")
    model = tmp_path / "model"
    model.mkdir()
    code, err = run_osler(["predict", task, "--model", str(model), "--data", str(first),
                           "--data", str(second), "--out", str(tmp_path / "out.csv")], capsys)
    assert code == 2
    assert "--data" in err and "2 times" in err and "one --data PATH" in err
    assert not (tmp_path / "out.csv").exists()


def test_task_commands_document_their_exit_status():
    from click.testing import CliRunner

    from osler.cli import cli

    # each code with what it means, as callers outside Osler read them
    for command, codes in (
            ("predict", ("0 every stay or row of DATA was scored", "3 some were skipped",
                         "2 nothing could be scored")),
            ("train", ("0 when the model was saved", "2 on an error (nothing saved)")),
            ("evaluate", ("0 when the card was written", "2 on an error (no card)"))):
        text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
        assert "Exit status" in text, command
        assert [c for c in codes if c not in text] == [], command


@pytest.mark.parametrize("task", task_names())
def test_evaluate_never_writes_its_card_over_an_input(task, tmp_path, capsys):
    data, outcomes = tmp_path / "data.csv", tmp_path / "outcomes.txt"
    folder = tmp_path / "stays"
    folder.mkdir()
    (folder / "s1.txt").write_text("stay\n")
    as_json = tmp_path / "cohort.json"          # an input the card's JSON sibling would replace
    for path in (data, outcomes, as_json):
        path.write_text("synthetic input\n")
    link = tmp_path / "link.csv"
    link.symlink_to(data)
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.joblib").write_text("not a model\n")
    cases = [([data], data), ([data], link), ([data], outcomes),
             ([as_json], tmp_path / "cohort.html"),
             ([folder], folder / "s1.txt"), ([data], model / "model.joblib")]
    for inputs, report in cases:
        argv = ["evaluate", task, "--model", str(model), "--report", str(report),
                "--outcomes", str(outcomes)]
        for d in inputs:
            argv += ["--data", str(d)]
        code, err = run_osler(argv, capsys)
        assert code == 2, (report, err)
        assert "--report" in err and "overwrite" in err, err
        assert "synthetic input" not in err
    for path in (data, outcomes, as_json):
        assert path.read_text() == "synthetic input\n"
    assert (folder / "s1.txt").read_text() == "stay\n"
    assert not (tmp_path / "cohort.html").exists()


def test_an_earlier_card_in_the_data_folder_may_be_replaced(tmp_path):
    from osler.evaluate.card import ModelCard, check_card_target

    folder = tmp_path / "stays"
    folder.mkdir()
    ModelCard(title="t", task="sepsis", summary={}).write(folder / "card.html")
    check_card_target(folder / "card.html", {"--data": [folder]})   # no error
    (folder / "notes.json").write_text("{}")
    with pytest.raises(Exception, match="--report"):
        check_card_target(folder / "notes.html", {"--data": [folder]})


@pytest.mark.parametrize("task", task_names())
def test_an_output_under_a_file_is_an_error_line_before_any_work(task, tmp_path, capsys):
    """Every output option, every task: exit 2 with the path and the reason, never a
    traceback after the work (training on real data took minutes before it was lost)."""
    data, model, afile = tmp_path / "data.csv", tmp_path / "model", tmp_path / "afile"
    data.write_text("made-up input\n")
    model.mkdir()
    afile.write_text("made-up file\n")
    commands = [
        ["train", task, "--data", str(data), "--model", str(afile / "m")],
        ["predict", task, "--model", str(model), "--data", str(data),
         "--out", str(afile / "x")],
        ["predict", task, "--model", str(model), "--data", str(data),
         "--out", str(tmp_path / "p.csv"), "--explain", str(afile / "e.jsonl")],
        ["evaluate", task, "--model", str(model), "--data", str(data),
         "--report", str(afile / "c.html")]]
    for argv in commands:
        code, err = run_osler(argv, capsys)
        assert code == 2, (argv, err)
        assert err.startswith(f"osler: error: {argv[-2]} {argv[-1]}: cannot be written: "
                              f"{afile} is a file, not a folder"), err
    assert afile.read_text() == "made-up file\n" and list(model.iterdir()) == []
    assert not (tmp_path / "p.csv").exists()
