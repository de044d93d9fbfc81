"""Medical eponyms stay in the text; the same words as people's names do not. All sentences
are made up."""

from __future__ import annotations

import pytest

from osler.privacy.deid import detect_phi


def _found(text: str) -> list[str]:
    return [text[s.start:s.end] for s in detect_phi(text)]


@pytest.mark.parametrize("text", [
    "Admitted with Stevens-Johnson syndrome after starting carbamazepine.",
    "History of Guillain-Barre syndrome in 2004, now with weakness.",
    "EGD showed a Mallory-Weiss tear.",
    "Cheyne-Stokes respirations overnight.",
    "Graves disease on methimazole; Bell's palsy resolved.",
    "Foley catheter removed, Glasgow coma scale 15.",
    "Positive Murphy's sign.",
])
def test_an_eponym_is_not_phi(text):
    assert [w for w in _found(text) if not w.isdigit()] == []


@pytest.mark.parametrize(("text", "name"), [
    ("Seen by Dr. Stevens with her daughter.", "Stevens"),
    ("Mr. Graves disease course reviewed with family.", "Graves"),
    ("Called Mary Johnson, the patient's sister.", "Mary Johnson"),
    # eponym words written as people's names: no hyphen, no clinical word after them
    ("Family meeting with Austin Flint today.", "Austin Flint"),
    ("Discussed with Dr. Glanzmann.", "Glanzmann"),
    ("Daughter Mallory Weiss at bedside.", "Mallory Weiss"),
    ("Spoke with Dr. Lambert Eaton about the plan.", "Lambert Eaton"),
    ("Dr. Stevens-Johnson called back.", "Stevens"),
])
def test_the_same_words_as_a_persons_name_stay_phi(text, name):
    assert any(name in w for w in _found(text))


def test_a_name_beside_an_eponym_is_still_found_and_the_eponym_kept():
    # the bundled tagger reads "Quimby diagnosed Stevens" as one name: cut at the eponym
    text = "Dr. Quimby diagnosed Stevens-Johnson syndrome."
    found = detect_phi(text)
    assert any(text[s.start:s.end].startswith("Quimby") for s in found)
    eponym = text.index("Stevens")
    assert all(s.end <= eponym for s in found)


def test_the_patients_own_name_stays_phi_inside_an_eponym():
    text = "Graves disease explained to Mr. Graves."
    found = detect_phi(text, known={"Graves": "NAME"})
    assert [text[x.start:x.end] for x in found].count("Graves") == 2
