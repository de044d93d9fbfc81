"""UCUM codes as a clinician reads them, for console output (the JSON keeps the codes)."""

import pytest

from osler.explain import Evidence, readable_unit


@pytest.mark.parametrize("unit, label, shown", [
    ("Cel", "", "°C"), ("mm[Hg]", "", "mmHg"), ("/min", "Heart rate, last value", "bpm"),
    ("/min", "Respiratory rate, mean 6h", "breaths/min"), ("/min", "Something else", "/min"),
    ("10*3/uL", "", "×10³/µL"), ("[pH]", "", ""), ("1", "", ""), ("mg/dL", "", "mg/dL"),
    (None, "", ""), ("mm[Hg]/h", "", "mmHg/h"), ("/min/h", "Heart rate, slope 6h", "bpm/h"),
    ("h", "", "h"),
])
def test_readable_unit(unit, label, shown):
    assert readable_unit(unit, label) == shown


def test_readable_text_leaves_the_json_units_as_ucum():
    e = Evidence(label="Body temperature, last value", value=38.25, unit="Cel",
                 contribution=0.3, kind="feature")
    assert e.readable_text() == "38.25 °C" and e.value_text() == "38.25 Cel"
    assert e.to_dict()["unit"] == "Cel"
    assert Evidence(label="pH", value=float("nan"), unit="[pH]", contribution=0.0,
                    kind="feature").readable_text() == "missing"
