"""icu-mortality warns when a stay file's name is another RecordID than the one it holds."""

from __future__ import annotations

from icu2012_factory import write_stays_2012

from osler.pipelines.icu_mortality import load_icu_mortality


def _renamed(d):
    """The RecordID warning alone (the factory's stays also hold a row after 48 h, which
    another warning counts)."""
    return [w for w in d.warnings if "another RecordID" in w]


def test_a_file_named_as_another_record_id_is_warned_about(tmp_path):
    stays, outcomes = write_stays_2012(tmp_path, n=6)
    (stays / "140002.txt").rename(stays / "149999.txt")   # holds RecordID 140002
    d = load_icu_mortality([stays], outcomes)
    assert "140002" in set(d.ids) and "149999" not in set(d.ids)
    (warning,) = _renamed(d)
    assert "149999.txt" in warning and "RecordID 140002" in warning
    note = d.read_note()
    assert "1 stays whose file names another RecordID" in note
    assert "149999.txt: holds RecordID 140002" in note


def test_matching_and_non_numeric_names_give_no_warning(tmp_path):
    stays, outcomes = write_stays_2012(tmp_path, n=4)
    (stays / "140001.txt").rename(stays / "stay-b.txt")
    (stays / "140002.txt").rename(stays / "0140002.txt")   # same number, a leading zero
    d = load_icu_mortality([stays], outcomes)
    assert len(d.ids) == 4 and _renamed(d) == []
    assert "another RecordID" not in d.read_note()


def test_the_warning_survives_taking_rows(tmp_path):
    import numpy as np

    stays, outcomes = write_stays_2012(tmp_path, n=4)
    (stays / "140003.txt").rename(stays / "150003.txt")
    d = load_icu_mortality([stays], outcomes)
    assert _renamed(d) != []
    assert d.take(np.ones(len(d.ids), dtype=bool)).warnings == d.warnings
