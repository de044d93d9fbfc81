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
