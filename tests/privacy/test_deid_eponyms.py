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


def test_a_known_name_is_phi_after_a_title_and_an_eponym_before_its_head_word():
    # a known name (the record's people, or another note's) does not make the disease a name:
    # replacing it would name another real disease ("Berger disease")
    text = "Graves disease explained to Mr. Graves."
    found = detect_phi(text, known={"Graves": "NAME"})
    assert [text[x.start:x.end] for x in found] == ["Graves"]
    assert found[0].start == text.rindex("Graves")


@pytest.mark.parametrize("profile", ["surrogate", "tag"])
def test_a_name_found_in_an_earlier_note_leaves_the_eponym_of_a_later_one(profile):
    from osler.privacy import DeidKey
    from osler.privacy.deid import deidentify_notes

    notes = ["Seen by Dr. Parkinson today.", "History of Parkinson disease, on levodopa.",
             "Parkinson aware of the plan."]
    out = [d.text for d in deidentify_notes(notes, DeidKey(b"eponym notes secret, 32 bytes!!!"),
                                            patient="p1", profile=profile)]
    assert "Parkinson" not in out[0] and "Parkinson" not in out[2]
    assert out[1] == notes[1]


@pytest.mark.parametrize("text", [
    "Hoffmann sign positive on the left.",
    "Brisk Hoffmann reflex bilaterally.",
    "Tanner stage 3 breast development.",
    "Bishop score 8 before induction.",
    "Meets modified Duke criteria for endocarditis.",
    "Allen test normal before the radial line.",
    "Jackson-Pratt drain with serosanguinous output.",
    "Kerley B lines on the chest film.",
    "Levine sign while describing the pain.",
    "Beck triad on arrival.",
    "Reynolds pentad concerning for cholangitis.",
    "Sheehan syndrome after postpartum hemorrhage.",
    "Nelson syndrome after adrenalectomy.",
    "Smith fracture of the distal radius.",
    "Beck's triad and Reynolds' pentad reviewed.",
])
def test_more_eponyms_are_not_phi(text):
    assert [w for w in _found(text) if not w.isdigit()] == []


@pytest.mark.parametrize(("text", "name"), [
    ("Discussed with Dr. Bishop today.", "Bishop"),
    ("Mr. Nelson syndrome workup discussed.", "Nelson"),
    ("Nurse Smith saw the patient.", "Smith"),
])
def test_the_new_eponyms_surnames_stay_names_after_a_title(text, name):
    assert any(name in w for w in _found(text))
