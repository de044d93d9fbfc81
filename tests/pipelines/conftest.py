"""Fixtures shared by the pipeline tests."""

import pytest
from tabular_synth import write_heart

from osler.pipelines.heart_disease import TASK


@pytest.fixture(scope="module")
def heart_model(tmp_path_factory):
    """A heart-disease model trained on 60 made-up rows of one site."""
    folder = tmp_path_factory.mktemp("heart-model")
    TASK.train([write_heart(folder / "a", n=60, seed=1, site="alpha")], outcomes=None,
               model_dir=folder / "model")
    return folder / "model"
