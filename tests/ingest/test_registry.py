"""Format detection by content: prose with commas is a note, tables are not."""

from __future__ import annotations

import pytest

from osler.ingest.registry import detect

_PROSE = [
    "Seen today, alert, oriented.\nNo fever.\n",
    "HPI: 67 yo M with h/o CHF, COPD, HTN, presents with dyspnea.\nExam: crackles, no edema.\n",
    "Plan: fluids, cultures, antibiotics\n",              # one line, no newline after more text
    "Vitals: HR 88, BP 132/80, RR 18, T 37.1\nHR 90, BP 130/78, RR 16, T 36.9\n",
]


@pytest.mark.parametrize("text", _PROSE)
def test_prose_with_commas_in_a_txt_file_is_a_note(tmp_path, text):
    path = tmp_path / "p1.txt"
    path.write_text(text, encoding="utf-8")
    assert detect(path).name == "notes"


def test_a_byte_order_mark_does_not_hide_a_note(tmp_path):
    path = tmp_path / "p1.txt"
    path.write_bytes(b"\xef\xbb\xbfSeen today, alert, oriented.\n")
    assert detect(path).name == "notes"


@pytest.mark.parametrize("text", [
    "RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death\n132539,6,1,5,-1,0\n",
    "stay_id\tsite\tweight_kg\nA1\tnorth\t70.5\nA2\tsouth\t81\n",
    "code|system|display\n123|local|thing one\n",
])
def test_a_table_named_txt_is_not_a_note(tmp_path, text):
    path = tmp_path / "table.txt"
    path.write_text(text, encoding="utf-8")
    assert detect(path) is None


def test_a_known_csv_format_is_still_recognised_by_its_header(tmp_path):
    path = tmp_path / "stay.txt"
    path.write_text("Time,Parameter,Value\n00:00,RecordID,1\n00:00,Age,54\n", encoding="utf-8")
    assert detect(path).name == "physionet2012"


def test_prose_without_an_extension_is_not_claimed(tmp_path):
    # Notes are named .txt (or .jsonl); an extensionless file is not guessed to be one.
    path = tmp_path / "p1"
    path.write_text("Seen today, alert, oriented.\n", encoding="utf-8")
    assert detect(path) is None


@pytest.mark.parametrize("text", [
    "Patient ID,Age,Sex,Outcome\n1,63,M,0\n2,70,F,1\n",            # names with spaces
    "Report No.\tConcept\tSentence\tNegation\n1\tfever\tNo fever.\tNegated\n",
    "no\t\t[PREN]\nnot\t\t[PREN]\n",                                 # an empty column
])
def test_a_table_with_unusual_column_names_is_not_a_note(tmp_path, text):
    # Stored as one note, a table would put many people's rows in one made-up patient.
    path = tmp_path / "outcomes.txt"
    path.write_text(text, encoding="utf-8")
    assert detect(path) is None
