"""De-identifying the notes of one patient together (made-up notes only)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_notes, deidentify_text, detect_phi, detect_phi_notes
from osler.privacy.deid.patient import shared_words
from osler.privacy.deid.spans import PhiSpan

KEY = DeidKey(b"unit-test secret, thirty-two b.!")


def _words(text, spans):
    return [text[s.start:s.end] for s in spans]


def test_a_name_found_in_one_note_is_hidden_in_every_note_of_the_patient():
    notes = ["Seen by Dr. Zorvathi this am, plan reviewed.",
             "Zorvathi aware of K 3.1, repleted.",
             "Transferred from Quellmoor Hospital overnight.",
             "Quellmoor records requested. Lungs clear."]
    for tagger in (None, "bundled"):
        alone = [detect_phi(n, tagger=tagger) for n in notes]
        together = detect_phi_notes(notes, tagger=tagger)
        assert "Zorvathi" in _words(notes[0], alone[0])
        assert "Zorvathi" not in _words(notes[1], alone[1])
        assert "Zorvathi" in _words(notes[1], together[1])
        assert "Quellmoor" in _words(notes[3], together[3])
        for text, spans in zip(notes, together):  # only ever adds to what each note found
            assert set(_words(text, detect_phi(text, tagger=tagger))) <= set(_words(text, spans))


def test_a_single_note_gets_what_detect_phi_gives():
    note = "Dr. Okafor paged re: HR 130s. Wife Marisol at bedside, GH records requested."
    for tagger in (None, "bundled"):
        assert detect_phi_notes([note], tagger=tagger) == [detect_phi(note, tagger=tagger)]
    assert detect_phi_notes([], tagger=None) == []


def test_only_uncommon_words_spread():
    texts = ["Son Declan called. Dr. Heart aware. Pt at GH, then MICU."]
    spans = [[PhiSpan(4, 10, "NAME"), PhiSpan(23, 28, "NAME"), PhiSpan(42, 44, "LOCATION"),
              PhiSpan(51, 55, "LOCATION"), PhiSpan(0, 3, "DATE")]]
    assert shared_words(texts, spans) == {"declan": "NAME", "gh": "LOCATION"}


def test_deidentify_notes_offsets_are_into_each_original_note():
    notes = ["Dr. Przybylo saw pt on 3/14/2019.", "Per Przybylo, continue lasix."]
    out = deidentify_notes(notes, KEY, patient="p1", profile="tag", tagger=None)
    assert [d.text for d in out] == ["Dr. [NAME] saw pt on [DATE].", "Per [NAME], continue lasix."]
    assert [_words(n, d.phi) for n, d in zip(notes, out)] == [["Przybylo", "3/14/2019"],
                                                               ["Przybylo"]]
    surrogate = deidentify_notes(notes, KEY, patient="p1", tagger=None)
    assert surrogate[0].text == deidentify_text(notes[0], KEY, patient="p1", tagger=None).text


words = st.sampled_from(["pt", "stable", "no", "fever", "seen", "by", "Dr.", "Osler", "wife",
                         "Janet", "call", "617-555-0142", "on", "3/14/2019", "at", "Quimby",
                         "Lochmoor", "GH", "from", "aware", "MRN", "1234567", ",", "."])
notes = st.lists(st.lists(words, min_size=1, max_size=15).map(" ".join), min_size=1, max_size=4)
prop = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@prop
@given(notes)
def test_deidentifying_a_patient_twice_changes_nothing(texts):
    once = [d.text for d in deidentify_notes(texts, KEY, profile="tag")]
    assert [d.text for d in deidentify_notes(once, KEY, profile="tag")] == once


def test_a_second_pass_finds_no_name_the_first_left():
    """A counterexample to idempotence that random search found (made-up words): the first
    pass left the last word, the second, reading '[NAME]' where the name was, took it. A
    strict xfail until 2026-12-01, when the first pass began to take 'Quimby' after
    'Osler aware' too."""
    texts = ["on 617-555-0142 . Lochmoor GH Dr. , Dr. 617-555-0142 Osler aware Quimby"]
    once = [d.text for d in deidentify_notes(texts, KEY, profile="tag")]
    assert [d.text for d in deidentify_notes(once, KEY, profile="tag")] == once


@prop
@given(notes)
def test_a_word_hidden_in_one_note_is_left_in_no_other(texts):
    out = deidentify_notes(texts, KEY, profile="tag", tagger=None)
    hidden = shared_words(texts, [list(d.phi) for d in out])
    for d in out:
        assert not set(d.text.lower().replace(",", " ").replace(".", " ").split()) & set(hidden)


def test_words_found_in_enough_notes_spread_across_patients():
    from osler.privacy.deid.detect import rule_layers
    from osler.privacy.deid.patient import consistent_phi

    texts = ["Transferred from Quellmoor Hospital.", "Admitted from Quellmoor Hospital.",
             "Old records: Quellmoor discharge summary.", "Quellmoor summary reviewed."]
    patients = ["p1", "p2", "p3", "p3"]
    layers = [rule_layers(t) for t in texts]
    alone = consistent_phi(texts, layers, None, patients=patients)
    assert alone[2] == alone[3] == []  # p3's notes never name it with context
    for k, spread in ((2, True), (3, False)):
        spans = consistent_phi(texts, layers, None, patients=patients, across_patients=k)
        assert ("Quellmoor" in _words(texts[2], spans[2])) is spread
        assert ("Quellmoor" in _words(texts[3], spans[3])) is spread


def test_only_words_shaped_or_listed_as_names_spread_to_other_notes():
    texts = ["Pt seen. Unable to obtain cultures. Son Declan called.",
             "pt seen. son zorvathi called, lives in glen burnie."]

    def span(i, value, phi_type):
        start = texts[i].index(value)
        return PhiSpan(start, start + len(value), phi_type)

    spans = [[span(0, "obtain", "LOCATION"), span(0, "Declan", "NAME")],
             [span(1, "zorvathi", "NAME"), span(1, "glen burnie", "LOCATION")]]
    # "obtain" is lower case in a note with capitals, "zorvathi" in a note without them, and
    # neither is listed; "Declan" is capitalised, "glen burnie" is a listed US town.
    assert shared_words(texts, spans) == {"declan": "NAME", "glen": "LOCATION",
                                          "burnie": "LOCATION"}
