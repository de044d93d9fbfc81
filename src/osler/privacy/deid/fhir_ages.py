"""HIPAA Safe Harbor for FHIR ages: any age over 89 becomes "90 or older".

An age is an element of type Age (``onsetAge``, ``abatementAge``, ``deceasedAge``, an
extension's ``valueAge`` ...), in any of UCUM's time units, or any Quantity in years (UCUM
``a``), such as an Observation of the patient's age in ``valueQuantity``.
"""

from __future__ import annotations

from typing import Any

from osler.privacy.deid.ages import OLDEST

__all__ = ["cap_age"]

#: Years per unit, by UCUM code and by the units people write.
_YEARS_PER_UNIT = {"a": 1.0, "yr": 1.0, "yrs": 1.0, "y": 1.0, "year": 1.0, "years": 1.0,
                   "mo": 1 / 12, "month": 1 / 12, "months": 1 / 12,
                   "wk": 7 / 365.25, "week": 7 / 365.25, "weeks": 7 / 365.25,
                   "d": 1 / 365.25, "day": 1 / 365.25, "days": 1 / 365.25}


def cap_age(node: dict[str, Any], name: str) -> dict[str, Any]:
    """``node`` with an age over 89 years replaced by 90 years or more (``>=`` 90 ``a``).

    Examples
    --------
    >>> cap_age({"value": 92, "unit": "a"}, "valueQuantity")
    {'value': 90, 'unit': 'a', 'comparator': '>='}
    >>> cap_age({"value": 92, "unit": "kg"}, "valueQuantity")
    {'value': 92, 'unit': 'kg'}
    """
    value = node.get("value")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return node
    units = [str(node[k]).strip().lower() for k in ("code", "unit") if node.get(k)]
    unit = next((u for u in units if u in _YEARS_PER_UNIT), None)
    is_age = name.endswith("Age") or name == "age"
    if unit is None or (not is_age and _YEARS_PER_UNIT[unit] != 1.0):
        return node  # not in a time unit, or a duration in days (of a stay, a course ...)
    if value * _YEARS_PER_UNIT[unit] <= OLDEST:
        return node
    out = {**node, "value": 90, "comparator": ">="}
    for k in ("code", "unit"):
        if k in out:
            out[k] = "a"
    return out
