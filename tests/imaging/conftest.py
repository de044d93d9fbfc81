"""One tiny model, trained once per session on synthetic X-rays, shared by the imaging tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tiny_model():
    pytest.importorskip("monai")
    from osler.imaging import XrayClassifier, synthetic_xrays
    images, labels = synthetic_xrays(160, size=28, seed=0)
    return XrayClassifier(epochs=3, batch_size=32, n_threads=2, random_state=0).fit(images, labels)
