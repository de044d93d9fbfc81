"""A condition told as resolved: the patient had it. Negated as NegEx counts it, flagged
resolved on the mention, and kept in the timeline as confirmed and resolved (never refuted).
All sentences are made up."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from osler.record import Condition, Note, Provenance

pytestmark = pytest.mark.slow  # builds a medspaCy pipeline


def _note(text: str) -> Note:
    return Note(id="n1", coding=None, time=datetime(2024, 3, 2, 9, 0, tzinfo=timezone.utc),
                text=text, provenance=Provenance("made-up.txt", "n1"))


def _found(extractor, text: str, concept: str):
    (mention,) = [m for m in extractor.extract(text) if m.text.lower() == concept]
    return mention


@pytest.mark.parametrize(("text", "concept"), [
    ("Pneumonia resolved with antibiotics.", "pneumonia"),
    ("His fever has resolved.", "fever"),
    ("AKI (resolved), type 2 diabetes.", "aki"),
    ("Headache now resolved.", "headache"),
    ("Problem list:\n# Sepsis - resolved\n# COPD - stable", "sepsis"),
    ("No fever, rash resolved.", "rash"),   # the resolution is the nearer trigger
])
def test_a_resolved_condition_is_flagged_and_negated_as_negex_has_it(extractor, text, concept):
    m = _found(extractor, text, concept)
    assert m.resolved and m.assertion.negation == "Negated"
    assert m.to_dict()["resolved"] is True


@pytest.mark.parametrize(("text", "concept", "negation"), [
    ("No fever, rash resolved.", "fever", "Negated"),       # 'No' is nearer: a plain negation
    ("AKI (resolved), type 2 diabetes.", "type 2 diabetes", "Affirmed"),
    ("Pneumonia has not resolved.", "pneumonia", "Affirmed"),
    ("Pneumonia not yet resolved on repeat imaging.", "pneumonia", "Affirmed"),
    ("Cough partially resolved.", "cough", "Affirmed"),
    ("Rash nearly resolved.", "rash", "Affirmed"),
    ("Possible pneumonia, now resolved.", "pneumonia", "Negated"),  # as near: no flag
])
def test_what_is_not_told_as_resolved(extractor, text, concept, negation):
    m = _found(extractor, text, concept)
    assert not m.resolved and m.assertion.negation == negation


@pytest.mark.parametrize(("text", "concept", "category"), [
    ("Pneumonia resolved with antibiotics.", "pneumonia", "note-mention"),
    ("History of pneumonia, resolved.", "pneumonia", "note-mention-history"),
])
def test_the_timeline_keeps_a_resolved_condition_confirmed_not_refuted(extractor, text, concept,
                                                                       category):
    from osler.nlp.timeline import mention_events

    m = _found(extractor, text, concept)
    (event,) = mention_events(_note(text), [m])
    assert isinstance(event, Condition)
    assert (event.verification, event.clinical_status, event.category) == (
        "confirmed", "resolved", category)


def test_a_plain_negation_beside_a_resolution_stays_refuted(extractor):
    from osler.nlp.timeline import mention_events

    text = "No fever, rash resolved."
    mentions = extractor.extract(text)
    events = {m.text: e for m, e in zip(mentions, mention_events(_note(text), mentions),
                                        strict=True)}
    assert (events["fever"].verification, events["fever"].clinical_status) == ("refuted", None)
    assert (events["rash"].verification, events["rash"].clinical_status) == ("confirmed",
                                                                             "resolved")


def test_the_context_output_still_says_negated(attributor):
    # `osler nlp context` answers as the NegEx evaluation set does: resolved is Negated.
    (a,) = attributor.attribute([("pneumonia", "Pneumonia resolved with antibiotics.")])
    assert (a.negation, a.temporality, a.experiencer) == ("Negated", "Recent", "Patient")


def test_nlp_extract_shows_the_resolution(tmp_path, extractor):
    from click.testing import CliRunner

    from osler.cli import cli

    note = tmp_path / "note.txt"
    note.write_text("AKI (resolved). Denies chest pain.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["nlp", "extract", str(note)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(ln) for ln in result.output.splitlines()]
    assert [(r["text"], r["negation"], r["resolved"]) for r in rows] == [
        ("AKI", "Negated", True), ("chest pain", "Negated", False)]
