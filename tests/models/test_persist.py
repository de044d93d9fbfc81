"""Model folders: a manifest records exactly the files its save wrote, and loading reads only
those (synthetic estimators)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from osler.errors import ModelError
from osler.models.persist import ModelBundle, load_model, save_model

NAMES = ["a", "b"]


def _bundle(task: str, *, baselines: bool = False, rows: bool = False) -> ModelBundle:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    return ModelBundle(task=task, estimator=model, feature_names=NAMES, fingerprint="f",
                       baselines={"logistic": LogisticRegression().fit(X, y)} if baselines
                       else {},
                       training_rows=frozenset({"d1", "d2"}) if rows else None)


def test_saving_over_another_model_records_and_keeps_only_its_own_files(tmp_path):
    folder = tmp_path / "m"
    save_model(_bundle("heart-disease", baselines=True, rows=True), folder)
    assert (folder / "baselines.joblib").is_file()
    save_model(_bundle("sepsis"), folder)
    files = json.loads((folder / "manifest.json").read_text())["files"]
    assert set(files) == {"model.joblib"}
    # the earlier model's files, which its manifest recorded, are gone
    assert not (folder / "baselines.joblib").exists()
    assert not (folder / "training_rows.json").exists()
    bundle = load_model(folder, "sepsis", NAMES)
    assert bundle.baselines == {} and bundle.training_rows is None


def test_a_file_no_manifest_recorded_is_left_alone_and_never_loaded(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "baselines.joblib").write_bytes(b"not ours: not a pickle")
    (folder / "notes.txt").write_text("user file\n")
    save_model(_bundle("sepsis"), folder)
    assert (folder / "baselines.joblib").read_bytes() == b"not ours: not a pickle"
    assert (folder / "notes.txt").read_text() == "user file\n"
    assert set(json.loads((folder / "manifest.json").read_text())["files"]) == {"model.joblib"}
    assert load_model(folder, "sepsis", NAMES).baselines == {}


def test_a_manifest_without_its_model_file_recorded_is_refused(tmp_path):
    folder = tmp_path / "m"
    save_model(_bundle("sepsis", baselines=True), folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"model.joblib", "baselines.joblib"}
    assert load_model(folder, "sepsis", NAMES).baselines
    del manifest["files"]["model.joblib"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="does not record model.joblib"):
        load_model(folder, "sepsis", NAMES)


@pytest.mark.parametrize("damage", ["no versions", "no lightgbm"])
def test_a_manifest_without_library_versions_is_refused(tmp_path, damage):
    # missing versions used to default to the installed ones: an old or hand-made manifest
    # passed the version check it was never given
    folder = tmp_path / "m"
    save_model(_bundle("sepsis"), folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    if damage == "no versions":
        del manifest["versions"]
    else:
        del manifest["versions"]["lightgbm"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="records no"):
        load_model(folder, "sepsis", NAMES)


@pytest.mark.parametrize(("shift", "loads"), [("major", False), ("minor", True),
                                               ("unrecorded", True)])
def test_numpy_of_another_major_version_is_refused(tmp_path, shift, loads):
    folder = tmp_path / "m"
    save_model(_bundle("sepsis"), folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    major, minor = (int(x) for x in np.__version__.split(".")[:2])
    if shift == "unrecorded":   # a manifest from before numpy was checked
        del manifest["versions"]["numpy"]
    else:
        manifest["versions"]["numpy"] = (f"{major + 1}.0.0" if shift == "major"
                                         else f"{major}.{minor + 1}.0")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    if loads:
        assert load_model(folder, "sepsis", NAMES).task == "sepsis"
    else:
        with pytest.raises(ModelError, match=r"saved with numpy .*another major version"):
            load_model(folder, "sepsis", NAMES)


def test_an_output_path_that_cannot_be_written_is_refused_by_option_path_and_reason(tmp_path):
    from osler.errors import DataError
    from osler.models.persist import check_output_path

    afile = tmp_path / "afile"
    afile.write_text("made-up\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    refused = [(afile / "m", "--model", True, f"{afile} is a file, not a folder"),
               (afile / "deeper" / "x.csv", "--out", False, f"{afile} is a file, not a folder"),
               (afile, "--model", True, "it is a file, and a folder is written there"),
               (folder, "--report", False, "it is a folder, and a file is written there")]
    for path, option, folder_wanted, reason in refused:
        with pytest.raises(DataError, match=re.escape(f"{option} {path}: cannot be written: "
                                                      f"{reason}; choose another path")):
            check_output_path(path, option, folder=folder_wanted)
    # missing folders are made by the writer; an existing output of the right kind is fine
    for path, folder_wanted in ((tmp_path / "new" / "m", True), (tmp_path / "n" / "p.csv", False),
                                (folder, True), (afile, False), (folder, None), (afile, None)):
        assert check_output_path(path, "--out", folder=folder_wanted) == path
    assert not (tmp_path / "new").exists()
