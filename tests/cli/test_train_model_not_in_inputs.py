"""osler train: a --model folder that is a --data input, or lies inside a --data folder, is
refused (exit 2) before the training, with nothing written; one beside the input is not."""

from __future__ import annotations

import os

import pytest
from cli_run import run_osler


def _inputs(root):
    """A made-up --data folder with one file in it (the refusal comes before any reading)."""
    data = root / "stays"
    data.mkdir()
    (data / "p920001.psv").write_text("HR|ICULOS\n80|1\n")
    return data


def _tree(path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize("where", ["same", "inside", "deep", "via-link"])
def test_a_model_in_the_data_folder_is_refused(where, tmp_path, capsys):
    data = _inputs(tmp_path)
    before = _tree(data)
    if where == "same":
        model = data
    elif where == "inside":
        model = data / "model"
    elif where == "deep":
        model = data / "sub" / "model"
    else:
        os.symlink(data, tmp_path / "link")
        model = tmp_path / "link" / "model"
    code, err = run_osler(["train", "sepsis", "--data", str(data), "--model", str(model)],
                          capsys)
    assert code == 2, err
    assert "--model" in err and "--data input" in err and "write it elsewhere" in err
    assert _tree(data) == before          # no model folder made, the input untouched


def test_a_model_inside_the_second_data_folder_is_refused(tmp_path, capsys):
    first = _inputs(tmp_path)
    second = tmp_path / "more"
    second.mkdir()
    code, err = run_osler(["train", "sepsis", "--data", str(first), "--data", str(second),
                           "--model", str(second / "model")], capsys)
    assert code == 2 and "--data input" in err and str(second) in err
    assert not (second / "model").exists()


def test_a_model_beside_the_data_is_trained(tmp_path, capsys, monkeypatch):
    """A sibling whose name starts like the input's is no part of it: training goes ahead."""
    import osler.cli.tasks as tasks

    calls = []

    class _Task:
        def train(self, data, outcomes, model_dir, seed, **options):
            calls.append((data, model_dir))
            return "trained"

    monkeypatch.setattr(tasks, "get_task", lambda _name: _Task())
    data = _inputs(tmp_path)
    model = tmp_path / "stays-model"
    code, err = run_osler(["train", "sepsis", "--data", str(data), "--model", str(model)],
                          capsys)
    assert code == 0, err
    assert calls == [([data], model)]


def test_a_model_that_is_a_data_file_is_refused(tmp_path, capsys):
    data = _inputs(tmp_path) / "p920001.psv"
    text = data.read_text()
    code, err = run_osler(["train", "sepsis", "--data", str(data), "--model", str(data)],
                          capsys)
    assert code == 2 and "--model" in err
    assert data.read_text() == text
