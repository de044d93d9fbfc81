"""An explicit affirmation after a concept ("SOB is present") ends an earlier negation's reach;
a list of negatives that ends in "is present" stays negated. All sentences are made up."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # builds a medspaCy pipeline


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("SOB", "No chest pain, SOB is present.", "Affirmed"),
    ("chest pain", "No chest pain, SOB is present.", "Negated"),
    ("vomiting", "Denies nausea; vomiting is present", "Affirmed"),
    ("vomiting", "Denies nausea, vomiting is present.", "Affirmed"),
    ("nausea", "Denies nausea, vomiting is present.", "Negated"),
    ("rash", "Without fever, a rash is present.", "Affirmed"),
    ("crackles", "No wheezes, crackles are present bilaterally.", "Affirmed"),
    ("edema", "No cyanosis, pitting edema was present at the ankles.", "Affirmed"),
    ("cough", "No fever, productive cough is still present.", "Affirmed"),
    # the negation after the affirmation is its own
    ("rhonchi", "No wheezes, crackles are present, no rhonchi.", "Negated"),
])
def test_an_affirmation_after_the_concept_ends_the_negation(attributor, concept, sentence,
                                                            expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.negation == expected


@pytest.mark.parametrize(("concept", "sentence"), [
    ("pleural effusion", "No pleural effusion is present."),
    ("pneumothorax", "No effusion, consolidation or pneumothorax is present."),
    ("gallops", "No murmurs, rubs, gallops are present."),     # a list, no 'or'
    ("gallops", "No murmurs, gallops present."),               # no 'is': a list
    ("SOB", "Pt denies fever, chills, SOB is present."),
    ("chills", "Pt denies fever, chills, SOB is present."),
    ("pneumothorax", "No effusion, pneumothorax is seen."),   # how reports list negatives
    ("erythema", "No swelling, erythema noted."),
])
def test_a_list_of_negatives_is_not_an_affirmation(attributor, concept, sentence):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.negation == "Negated"


def test_notes_keep_the_affirmed_concept(extractor):
    got = {m.text: m.assertion.negation
           for m in extractor.extract("ROS: No chest pain, SOB is present. Denies nausea, "
                                      "vomiting is present.")}
    assert got == {"chest pain": "Negated", "SOB": "Affirmed", "nausea": "Negated",
                   "vomiting": "Affirmed"}
