"""Small pydicom items built in code for the DICOM tests (made-up values, no shared data)."""

from __future__ import annotations


def code_item(value: str, scheme: str, meaning: str):
    """A code sequence item (PS3.3 Table 8.8-1): CodeValue, CodingSchemeDesignator and
    CodeMeaning."""
    from pydicom.dataset import Dataset

    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning
    return item
