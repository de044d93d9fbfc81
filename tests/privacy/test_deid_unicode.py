"""Names written with letters beyond ASCII are found whole, with offsets into the original."""

import unicodedata

import pytest

from osler.privacy.deid import detect_phi
from osler.privacy.deid.fold import fold
from osler.privacy.deid.patient import detect_phi_notes


@pytest.mark.parametrize("text, names", [
    ("Seen by Dr. Zoë Martin today.", ["Zoë Martin"]),
    ("Contact José Núñez at 617.555.0100.", ["José Núñez"]),
    ("Chloé García and Björn Østergård visited.", ["Chloé García", "Björn Østergård"]),
    ("Patient Seán O\u2019Brien discharged 2022-12-31.", ["Seán O\u2019Brien"]),
])
def test_accented_names_are_found_whole(text, names):
    found = [text[s.start:s.end] for s in detect_phi(text) if s.type == "NAME"]
    assert found == names
    notes = detect_phi_notes([text, "No names here."])
    assert [text[s.start:s.end] for s in notes[0] if s.type == "NAME"] == names


def test_folding_keeps_length_and_ascii_text_and_takes_marks_along():
    for text in ("Zoë", "Nguyễn Thị Hoa 王小明 🙂", "plain ASCII, unchanged"):
        assert len(fold(text)) == len(text)
    assert fold("plain ASCII") == "plain ASCII"
    decomposed = unicodedata.normalize("NFD", "Seen by Dr. Zoé Martin.")
    (span,) = [s for s in detect_phi(decomposed) if s.type == "NAME"]
    assert decomposed[span.start:span.end] == unicodedata.normalize("NFD", "Zoé Martin")
