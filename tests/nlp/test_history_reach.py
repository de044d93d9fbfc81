"""A history trigger's reach ends where a later clause says a finding is there now (", now
with", ", edema is present", ", edema noted"): that finding is Recent, the history stays
Historical. All sentences are made up."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # builds a medspaCy pipeline


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("edema", "History of CHF, edema is present.", "Recent"),
    ("CHF", "History of CHF, edema is present.", "Historical"),
    ("edema", "History of CHF, edema noted.", "Recent"),
    ("edema", "History of CHF, bilateral leg edema is noted.", "Recent"),
    ("CHF", "History of CHF, edema noted.", "Historical"),
    ("edema", "History of CHF, now with edema.", "Recent"),
    ("CHF", "History of CHF, now with edema.", "Historical"),
    ("dyspnea", "Hx of asthma now with dyspnea on exertion.", "Recent"),
    ("wheezing", "Prior pneumonia, wheezing is present today.", "Recent"),
    ("rash", "s/p appendectomy, new rash noted on the arm.", "Recent"),
])
def test_a_finding_said_to_be_there_now_is_recent(attributor, concept, sentence, expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.temporality == expected


@pytest.mark.parametrize(("concept", "sentence"), [
    ("stroke", "History of CHF, stroke and diabetes."),      # a list of past problems
    ("MI", "History of CHF, prior MI noted."),                 # 'prior' is its own history
    ("diabetes", "Past medical history of hypertension, diabetes."),
])
def test_a_history_list_stays_historical(attributor, concept, sentence):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.temporality == "Historical"


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("erythema", "No swelling, erythema noted.", "Negated"),   # reports list negatives so
    ("SOB", "No chest pain, SOB is present.", "Affirmed"),     # as before
])
def test_negation_reach_is_as_before(attributor, concept, sentence, expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.negation == expected


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    ("cough", "No fever, now with cough.", "Affirmed"),
    ("fever", "No fever, now with cough.", "Negated"),
    ("dyspnea", "Denies chest pain, now c/o dyspnea.", "Affirmed"),
    ("rash", "Possible cellulitis, now with rash.", "Affirmed"),
])
def test_now_with_ends_a_negation_or_a_possibility_too(attributor, concept, sentence,
                                                       expected):
    (a,) = attributor.attribute([(concept, sentence)])
    assert a.negation == expected
