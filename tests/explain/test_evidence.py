"""Evidence: how a value reads in JSON and to a person."""

from __future__ import annotations

import json

import numpy as np
import pytest

from osler.explain import Evidence


def _item(value, unit="mg/dL"):
    return Evidence(label="Serum cholesterol", value=value, unit=unit, contribution=0.2,
                    kind="feature")


@pytest.mark.parametrize("missing", [None, float("nan"), np.float64("nan")])
def test_a_missing_value_is_null_in_json_and_missing_in_words(missing):
    data = _item(missing).to_dict()
    assert data["value"] is None and data["value_text"] == "missing"
    assert json.loads(json.dumps(data, allow_nan=False))["value"] is None


def test_a_present_value_reads_with_its_unit():
    data = _item(np.float64(240.0)).to_dict()
    assert data["value"] == 240.0 and isinstance(data["value"], float)
    assert data["value_text"] == "240 mg/dL" and _item("A/G", None).value_text() == "A/G"
