"""Task heart-disease on small made-up site files."""

from __future__ import annotations

import pytest

from osler.errors import DataError
from osler.pipelines.heart_disease import TASK

pytestmark = pytest.mark.filterwarnings(
    "ignore:X does not have valid feature names:UserWarning")


@pytest.mark.parametrize("text", ["", "\n\n"])
def test_an_empty_file_is_refused_by_name_as_readmission_does(tmp_path, text):
    empty = tmp_path / "processed.empty.data"
    empty.write_text(text)
    with pytest.raises(DataError, match=r"processed.empty.data: no usable row \(0 skipped; rows "
                                        "must hold 13 or 14 comma-separated values"):
        TASK.load([empty], None)
