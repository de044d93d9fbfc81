"""Task pneumonia end to end on synthetic X-rays: train, predict (NPZ and DICOM), evaluate, CLI."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

pytest.importorskip("monai")

from osler.errors import DataError  # noqa: E402
from osler.imaging import synthetic_xrays, write_radiograph  # noqa: E402
from osler.pipelines.pneumonia import TASK  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("pneumonia")
    train_x, train_y = synthetic_xrays(120, seed=0)
    val_x, val_y = synthetic_xrays(40, seed=1)
    npz = root / "synthetic.npz"
    np.savez(npz, train_images=train_x, train_labels=train_y[:, None], val_images=val_x,
             val_labels=val_y[:, None])
    summary = TASK.train([npz], outcomes=None, model_dir=root / "model", seed=0, epochs=2)
    assert "internal validation AUC" in str(summary)
    return root, npz


def test_predict_npz_maps_test_to_val_and_writes_index_probability(trained):
    root, npz = trained
    TASK.predict(root / "model", npz, root / "p.csv", split="test")
    rows = list(csv.DictReader((root / "p.csv").read_text().splitlines()))
    assert list(rows[0]) == ["index", "probability"] and len(rows) == 40
    assert [int(r["index"]) for r in rows] == list(range(40))
    assert all(0 <= float(r["probability"]) <= 1 for r in rows)


def test_predict_dicom_scores_radiographs_and_skips_the_rest(trained):
    root, _ = trained
    images, _ = synthetic_xrays(2, seed=3)
    write_radiograph(root / "dcm" / "a.dcm", images[0], patient_id="P1")
    write_radiograph(root / "dcm" / "ct.dcm", images[1], patient_id="P2", modality="CT")
    (root / "dcm" / "junk.dcm").write_bytes(b"not dicom")
    summary = TASK.predict(root / "model", root / "dcm", root / "d.csv")
    rows = list(csv.DictReader((root / "d.csv").read_text().splitlines()))
    assert [r["file"] for r in rows] == ["dcm/a.dcm"]
    assert "skipped 2" in str(summary)


def test_predict_dicom_exit_status_counts_skipped_files(trained, tmp_path):
    """As for every task: 3 when some files were skipped, 2 when none could be scored."""
    from click.testing import CliRunner

    from osler.cli import cli
    root, _ = trained
    images, _ = synthetic_xrays(1, seed=4)
    write_radiograph(tmp_path / "some" / "a.dcm", images[0], patient_id="P1")
    (tmp_path / "some" / "junk.dcm").write_bytes(b"not dicom")
    (tmp_path / "none").mkdir()
    (tmp_path / "none" / "junk.dcm").write_bytes(b"not dicom")
    runner = CliRunner()
    for folder, status in (("some", 3), ("none", 2)):
        res = runner.invoke(cli, ["predict", "pneumonia", "--model", str(root / "model"),
                                  "--data", str(tmp_path / folder),
                                  "--out", str(tmp_path / f"{folder}.csv")])
        assert res.exit_code == status, res.output
        assert "1 of " in res.output and "files skipped" in res.output


def test_evaluate_writes_card_and_cli_commands_work(trained):
    from click.testing import CliRunner

    from osler.cli import cli
    root, npz = trained
    runner = CliRunner()
    res = runner.invoke(cli, ["evaluate", "pneumonia", "--model", str(root / "model"), "--data",
                              str(npz), "--split", "test", "--report", str(root / "card.html")])
    assert res.exit_code == 0, res.output
    card = json.loads((root / "card.json").read_text())
    assert card["task"] == "pneumonia" and "AUROC (95% CI)" in card["summary"]
    assert "balanced re-sample" in (root / "card.html").read_text()
    images, _ = synthetic_xrays(1, seed=4)
    write_radiograph(root / "one" / "x.dcm", images[0], patient_id="P9")
    res = runner.invoke(cli, ["imaging", "saliency", "--model", str(root / "model"), "--image",
                              str(root / "one" / "x.dcm"), "--out", str(root / "cam.png")])
    assert res.exit_code == 0, res.output
    evidence = json.loads(res.output)["evidence"]
    assert evidence["kind"] == "image-region" and (root / "cam.png").exists()
    res = runner.invoke(cli, ["imaging", "worklist", "--model", str(root / "model"), "--data",
                              str(root / "dcm"), "--blobs", str(root / "blobs"),
                              "--out", str(root / "w.csv")])
    assert res.exit_code == 0, res.output
    assert "1 studies ordered; 2 file(s) skipped" in res.output
    assert len(list((root / "blobs").rglob("*.npy"))) == 1  # the embedding


def test_nan_in_npz_is_refused_naming_the_image(trained, tmp_path):
    root, _ = trained
    bad = np.zeros((3, 28, 28), np.float32)
    bad[1, 0, 0] = np.nan
    np.savez(tmp_path / "bad.npz", val_images=bad, val_labels=np.zeros((3, 1)))
    with pytest.raises(DataError, match="image 1"):
        TASK.predict(root / "model", tmp_path / "bad.npz", tmp_path / "x.csv", split="val")


def test_the_card_says_what_the_model_was_trained_and_evaluated_on(trained, tmp_path):
    import shutil

    from osler.imaging.persistence import file_fingerprint
    root, npz = trained
    meta = json.loads((root / "model" / "model.json").read_text())
    TASK.evaluate(root / "model", [npz], outcomes=None, report=tmp_path / "card.html")
    provenance = json.loads((tmp_path / "card.json").read_text())["provenance"]
    trained_on, evaluated = provenance["training data"], provenance["evaluation data"]
    assert trained_on["files"] == evaluated["files"] == ["synthetic.npz"]
    assert trained_on["images trained on"] + trained_on[
        "images for early stopping and calibration"] == 120
    assert trained_on["how those were chosen"] == "20% of the train split, by image index (seed 0)"
    assert evaluated["split"] == "val" and evaluated["images evaluated"] == 40
    assert evaluated["same file as trained on (by SHA-256)"] == "yes"
    assert provenance["left out as seen in training"]["images"].startswith("none needed")
    assert provenance["training data fingerprint (SHA-256)"] == file_fingerprint(npz)
    assert provenance["decision threshold"]["value"] == 0.5
    assert "not tuned" in provenance["decision threshold"]["rule"]
    assert provenance["library versions"] == meta["versions"]
    assert "<h2>Provenance</h2>" in (tmp_path / "card.html").read_text()
    # judged on its own training images, the card says so instead of calling them held out
    TASK.evaluate(root / "model", [npz], outcomes=None, report=tmp_path / "t.html", split="train")
    on_train = json.loads((tmp_path / "t.json").read_text())["provenance"]
    assert "so these images were trained on" in on_train["left out as seen in training"]["images"]
    old = tmp_path / "old"          # a model.json without what the card reads: 'not recorded'
    shutil.copytree(root / "model", old)
    for key in ("data", "data_sha256", "n_train_images", "n_validation_images", "versions"):
        del meta[key]
    (old / "model.json").write_text(json.dumps(meta))
    TASK.evaluate(old, [npz], outcomes=None, report=tmp_path / "old.html")
    bare = json.loads((tmp_path / "old.json").read_text())["provenance"]
    for label in ("training data", "training data fingerprint (SHA-256)", "library versions"):
        assert bare[label].startswith("not recorded"), label
    assert bare["evaluation data"]["same file as trained on (by SHA-256)"].startswith(
        "not recorded")
