"""The NegEx baseline algorithm on trigger files written by the test (not the shared ones)."""

from __future__ import annotations

import pytest

from osler.errors import DataError
from osler.nlp.negex import NegExBaseline, read_triggers


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "negex_triggers.txt").write_text(
        "no\t\t[PREN]\ndenies\t\t[PREN]\nis ruled out\t\t[POST]\npossible\t\t[PREP]\n"
        "but\t\t[CONJ]\nno change\t\t[PSEU]\n", encoding="utf-8")
    (tmp_path / "history_triggers.txt").write_text("history of\t\t[PREN]\n", encoding="utf-8")
    (tmp_path / "hypothetical_triggers.txt").write_text("if\t\t[PREN]\n", encoding="utf-8")
    (tmp_path / "experiencer_triggers.txt").write_text("mother\t\t[PREN]\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("fever", "Denies fever or chills.", ("Negated", "Recent", "Patient")),
    ("cough", "No fever but cough today.", ("Affirmed", "Recent", "Patient")),
    ("pneumonia", "Pneumonia is ruled out.", ("Negated", "Recent", "Patient")),
    ("effusion", "No change in the effusion.", ("Affirmed", "Recent", "Patient")),
    ("pneumonia", "Possible pneumonia.", ("Possible", "Recent", "Patient")),
    ("asthma", "History of asthma.", ("Affirmed", "Historical", "Patient")),
    ("pain", "Call if pain worsens.", ("Affirmed", "Hypothetical", "Patient")),
    ("diabetes", "Mother has diabetes.", ("Affirmed", "Recent", "Other")),
])
def test_negex_baseline(folder, concept, sentence, expected):
    (a,) = NegExBaseline(folder).attribute([(concept, sentence)])
    assert (a.negation, a.temporality, a.experiencer) == expected


def test_unknown_tag_is_rejected_with_file_and_line(tmp_path):
    bad = tmp_path / "negex_triggers.txt"
    bad.write_text("no\t\t[PREN]\nnever\t\t[WHAT]\n", encoding="utf-8")
    with pytest.raises(DataError, match="negex_triggers.txt line 2"):
        read_triggers(bad)
