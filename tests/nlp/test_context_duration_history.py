"""osler-context-22: a finding given a duration after a comma (made-up sentences, none from the
NegEx set). Two weeks or less ('x3 days', 'for 2 weeks', 'since yesterday') began within what
NegEx calls recent, and ends a history's reach as well as a negation's; a longer duration ends
only the negation's, as osler-context-21's 'x2 days' rule did for every duration."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow  # the first use builds a medspaCy pipeline (~10 s import)

A, N = "Affirmed", "Negated"
REC, HIST, HYP = "Recent", "Historical", "Hypothetical"
PAT, OTH = "Patient", "Other"


@pytest.mark.parametrize("sentence", [
    "History of asthma, now with cough for 3 days.",
    "History of asthma, now with cough x 3 days.",    # the duration had removed ', now with'
    "History of asthma, now with cough x 3 weeks.",
    "History of asthma, cough for 3 days.",
    "History of asthma, cough x3 days.",
    "History of asthma, cough x3d.",
    "History of asthma, cough x2-3 days.",
    "History of asthma, cough x 48 hrs.",
    "History of asthma, cough x12h.",
    "History of asthma, cough x 2 weeks.",
    "History of asthma, cough x1wk.",
    "History of asthma, cough for a week.",
    "History of asthma, cough for the past 3 days.",
    "History of asthma, cough for a couple of days.",
    "History of asthma, cough since yesterday.",
    "History of asthma, cough since last night.",
    "History of asthma, cough since Monday.",
    "History of asthma, patient has cough x 2 days.",
])
def test_a_short_duration_after_a_history_is_recent(attributes, sentence):
    assert attributes("cough", sentence) == (A, REC, PAT)


@pytest.mark.parametrize(("concept", "sentence"), [
    # no comma: the duration is of what the history names
    ("smoking", "History of smoking for 20 years."),
    ("smoking", "History of smoking x20 years."),
    ("cough", "History of asthma with cough for 3 days."),
    # a longer duration began over two weeks before
    ("smoking", "History of smoking, 1 ppd for 20 years."),
    ("smoking", "History of smoking, 1 ppd x 20 yrs."),
    ("lisinopril", "History of HTN, on lisinopril x 10 yrs."),
    ("cough", "History of asthma, cough x 3 weeks."),
    ("cough", "History of asthma, cough x 3 months."),
    ("cough", "History of asthma, cough x3mo."),
    ("cough", "History of asthma, cough x 20 days."),
    ("cough", "History of asthma, cough for several weeks."),
    ("cough", "History of asthma, cough since childhood."),
    ("cough", "History of asthma, cough since 2010."),
    ("cough", "History of asthma, cough since last month."),
    # a word that puts the finding and its duration in the past
    ("antibiotics", "History of pneumonia, treated with antibiotics for 10 days."),
    ("antibiotics", "History of pneumonia, completed antibiotics x 7 days."),
    ("pneumonia", "History of pneumonia, hospitalized x5 days."),
    ("cough", "History of asthma, he had cough x 2 days."),
    # the history itself
    ("asthma", "History of asthma, cough for 3 days."),
    # 'and' joins a list, as for the negations of osler-context-21
    ("cough", "History of asthma, fever and cough x 2 days."),
])
def test_a_long_or_past_duration_keeps_the_history(attributes, concept, sentence):
    assert attributes(concept, sentence)[1] == HIST


@pytest.mark.parametrize(("concept", "sentence", "expected"), [
    # 'for' and 'since' end a negation's reach as 'x' has since osler-context-21
    ("cough", "No fever, cough for 3 days.", (A, REC, PAT)),
    ("fever", "No fever, cough for 3 days.", (N, REC, PAT)),
    ("cough", "No fever, cough since yesterday.", (A, REC, PAT)),
    ("cough", "No fever, cough for several weeks.", (A, REC, PAT)),
    ("cough", "No fever, cough x3mo.", (A, REC, PAT)),
    ("cough", "No fever, chills or cough for 3 days.", (N, REC, PAT)),
    ("fever", "Denies fever for 2 days.", (N, REC, PAT)),
    ("cough", "History of asthma, no cough for 3 days.", (N, HIST, PAT)),
    ("cough", "If fever, cough for 3 days, return.", (A, HYP, PAT)),
])
def test_for_and_since_end_a_negation(attributes, concept, sentence, expected):
    assert attributes(concept, sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    # the duration rule, as the longer span, had removed ', he has' and ', patient has'
    ("Daughter with cough, he has fever x2 days.", PAT),
    ("Daughter with cough, he had fever x2 days.", PAT),
    ("Mother with diabetes, patient has fever x2 days.", PAT),
    ("Son with cough, she has fever for 3 days.", PAT),
    # a duration alone says nothing of who: the relative keeps her reach
    ("Mother with diabetes, fever x2 days.", OTH),
])
def test_a_duration_leaves_the_pronoun_rules_their_reach(attributes, sentence, expected):
    assert attributes("fever", sentence)[2] == expected
