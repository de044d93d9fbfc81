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
    assert "internal validation AUC" in summary
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
    assert "skipped 2" in summary


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
