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


@pytest.mark.parametrize("text, words", [
    ("Pt's daughter 王小明 called at noon.", ["王小明"]),
    ("Seen with interpreter; wife Анна Петрова at bedside.", ["Анна Петрова"]),
    ("Son محمد العلي will visit.", ["محمد العلي"]),
    ("Lives with sister प्रिया in town.", ["प्रिया"]),            # vowel signs are marks
    ("Brother Γιώργος Παπαδόπουλος aware.", ["Γιώργος Παπαδόπουλος"]),
    ("Called Ivаn today.", ["Ivаn"]),                               # a Cyrillic "а" inside
    ("Seen with son jοhn.", ["jοhn"]),                              # a Greek omicron inside
])
def test_words_in_other_scripts_are_redacted_as_names(text, words):
    for spans in (detect_phi(text), detect_phi_notes([text, "No names here."])[0]):
        names = [text[s.start:s.end] for s in spans if s.type == "NAME"]
        for word in words:
            assert any(word in name for name in names), (word, names)


def test_greek_units_and_receptor_names_are_kept():
    text = ("Vanc 15 µg/mL, digoxin 0.5 μg; on a β-blocker; αβ T cells normal; "
            "impedance 520 Ω; TNFα and IFNγ raised.")
    assert [text[s.start:s.end] for s in detect_phi(text)] == []


def test_a_note_in_another_script_is_redacted_and_the_tag_profile_leaves_none_of_it():
    from osler.privacy import DeidKey
    from osler.privacy.deid import deidentify_text

    text = "患者王小明，男，65岁。"
    out = deidentify_text(text, DeidKey(b"k" * 32), profile="tag").text
    assert not any("\u4e00" <= c <= "\u9fff" for c in out)
