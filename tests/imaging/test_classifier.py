"""The X-ray classifier: learns, calibrates, saves, reads DICOM through the same transforms."""

from __future__ import annotations

import numpy as np
import pytest

from osler.errors import DataError, ModelError, NotFittedError
from osler.imaging import XrayClassifier, load_classifier, save_classifier, synthetic_xrays
from osler.imaging._training import rank_auc, split_by_index


def test_init_stores_params_only_and_clone_works():
    from sklearn.base import clone
    model = XrayClassifier(epochs=3, size=32)
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "network_")
    with pytest.raises(NotFittedError):
        model.predict_proba(np.zeros((1, 28, 28)))


def test_split_by_index_is_disjoint_and_seeded():
    fit, val = split_by_index(100, 0.2, seed=3)
    assert len(val) == 20 and not set(fit) & set(val) and len(set(fit) | set(val)) == 100
    assert np.array_equal(val, split_by_index(100, 0.2, seed=3)[1])


def test_rank_auc_matches_sklearn():
    from sklearn.metrics import roc_auc_score
    rng = np.random.default_rng(0)
    y, s = rng.integers(0, 2, 300), np.round(rng.normal(size=300), 1)  # with ties
    assert rank_auc(y, s) == pytest.approx(roc_auc_score(y, s))


def test_bad_images_are_refused_with_the_index():
    images = np.zeros((3, 28, 28), np.float32)
    images[2, 5, 5] = np.nan
    with pytest.raises(DataError, match="image 2"):
        XrayClassifier().fit(images, np.array([0, 1, 0]))
    with pytest.raises(DataError, match="shape"):
        XrayClassifier().fit(np.zeros((3, 4, 4)), np.array([0, 1, 0]))
    with pytest.raises(DataError, match="labels"):
        XrayClassifier().fit(np.zeros((3, 28, 28)), np.array([0, 2, 0]))


@pytest.mark.slow
def test_tiny_model_learns_calibrates_and_round_trips(tiny_model, tmp_path):
    images, labels = synthetic_xrays(120, size=28, seed=7)
    p, spread = tiny_model.predict_with_spread(images)
    assert rank_auc(labels, p) > 0.85
    assert tiny_model.temperature_ > 0 and spread.shape == p.shape and (spread >= 0).all()
    assert tiny_model.transform(images[:3]).shape == (3, tiny_model.n_features_out_)
    save_classifier(tiny_model, tmp_path / "m", task="pneumonia", metadata={})
    loaded, meta = load_classifier(tmp_path / "m", task="pneumonia")
    assert np.allclose(loaded.predict_proba(images), tiny_model.predict_proba(images), atol=1e-6)
    with pytest.raises(ModelError, match="sepsis"):
        load_classifier(tmp_path / "m", task="sepsis")


@pytest.mark.slow
def test_dicom_radiograph_goes_through_the_same_transforms(tiny_model, tmp_path):
    """A 16-bit, 4x larger DICOM copy of an image scores like the 8-bit original."""
    from osler.imaging.radiograph import read_radiographs
    from osler.imaging.synthetic import write_radiograph
    images, _ = synthetic_xrays(4, size=28, seed=11)
    for i, im in enumerate(images):
        big = np.kron(im.astype(np.uint16) * 200, np.ones((4, 4), np.uint16))
        write_radiograph(tmp_path / "dx" / f"{i}.dcm", big, patient_id=f"P{i}")
    radiographs = read_radiographs(tmp_path / "dx")
    from_dicom = tiny_model.predict_proba([r.image for r in radiographs])[:, 1]
    direct = tiny_model.predict_proba(images)[:, 1]
    assert np.allclose(from_dicom, direct, atol=0.02)
    # the same study, ingested, gets a fixed-length embedding stored by content address
    from osler.imaging.embeddings import study_embedding
    from osler.ingest.dicom import read_dicom
    from osler.ingest.pixel_store import PixelStore
    store = PixelStore(tmp_path / "blobs")
    study = next(read_dicom(tmp_path / "dx", blob_dir=store.root)).events[0]
    ref = study_embedding(tiny_model, study, store)
    assert store.get(ref).shape == (tiny_model.n_features_out_,)


def test_radiograph_refuses_non_chest_small_and_multiframe(tmp_path):
    from osler.errors import IngestError
    from osler.imaging.radiograph import read_radiographs
    from osler.imaging.synthetic import write_radiograph
    write_radiograph(tmp_path / "ok.dcm", np.zeros((32, 32), np.uint8), patient_id="P")
    write_radiograph(tmp_path / "tiny.dcm", np.zeros((16, 16), np.uint8), patient_id="P")
    write_radiograph(tmp_path / "wide.dcm", np.zeros((32, 96), np.uint8), patient_id="P")
    write_radiograph(tmp_path / "ct.dcm", np.zeros((32, 32), np.uint8), patient_id="P",
                     modality="CT")
    spine = write_radiograph(tmp_path / "spine.dcm", np.zeros((32, 32), np.uint8), patient_id="P")
    import pydicom
    ds = pydicom.dcmread(spine)
    ds.BodyPartExamined = "CSPINE"
    ds.save_as(spine)
    errors: list[IngestError] = []
    assert [r.file for r in read_radiographs(tmp_path, on_error=errors.append)] == [
        f"{tmp_path.name}/ok.dcm"]
    reasons = {e.file.rsplit("/", 1)[-1]: e.reason for e in errors}
    assert "wrong size" in reasons["tiny.dcm"] and "wrong size" in reasons["wide.dcm"]
    assert "not a radiograph" in reasons["ct.dcm"] and "not the chest" in reasons["spine.dcm"]
