"""Shapes that look like dates or phone numbers but are clinical values (sentences written here)."""

from __future__ import annotations

import pytest

from osler.privacy.deid import detect_phi


def _typed(text: str) -> set[tuple[str, str]]:
    return {(text[s.start:s.end], s.type) for s in detect_phi(text)}


@pytest.mark.parametrize("text", [
    "SVR 900-1300 on neo, TV 250-1000 overnight, svr 874-1352 on milrinone.",
    "Hx stage 4 decubitus; rate 20 decreased to 16.",
    "c/o 5/10 incisional pain, then 8/10 pain scale.",
    "Paced about 3/4 of the time; lt 1/2 dull.",
    "Remains on psv 12/5/40% overnight.",
    "Pupils 3/2 brisk, PERRL 3/3, GCS 3/15, pulses 2/4, BS +4/4.",
    "I/E 1/3. Coarse 1/2 way up. c/o pain at 7/10, pain level 4/10, 6/10 incisional pain.",
    "Sedation held 1930-2000, resumed.",
    "Remains on CPAP of 12/5, extubated from 5/5 IPS to 4L NC.",
    "Give 1/2 dose of propofol, 1/2 NPH this am; 1/4 blood cultures positive.",
])
def test_clinical_values_are_not_dates_or_phones(text):
    assert not [s for s in detect_phi(text) if s.type in ("DATE", "PHONE")]


def test_slash_separated_phone_and_dates_still_found():
    found = _typed("Wife (201/555/0143) visits 7/25; consult 3/14/2019 and Dec 4.")
    assert {("201/555/0143", "PHONE"), ("7/25", "DATE"), ("3/14/2019", "DATE"),
            ("Dec 4", "DATE")} <= found


def test_bare_years_that_cannot_be_clock_times():
    found = _typed("CABG 1987, then AVR. SVR 1960 on neo; intake 1975 cc, out 1990.")
    assert ("1987", "DATE") in found
    assert not {("1960", "DATE"), ("1975", "DATE"), ("1990", "DATE")} & found


def test_years_in_brackets_and_after_seasons():
    found = _typed("Hx CABG (2004), knee repair summer 2011, seen at 1400 (2000 cc out).")
    assert {("2004", "DATE"), ("2011", "DATE")} <= found
    assert not {("1400", "DATE"), ("2000", "DATE")} & found


def test_dates_next_to_scores_are_still_dates():
    found = _typed("Cath on 3/10 had pain after. Pain free since 4/10. CABG 1998-2000.")
    assert {("3/10", "DATE"), ("4/10", "DATE"), ("1998-2000", "DATE")} <= found


def test_dates_beside_ventilator_words_are_still_dates():
    found = _typed("Weaned on 5/5 by team; CPAP started 12/5, stopped 12/9.")
    assert {("5/5", "DATE"), ("12/5", "DATE"), ("12/9", "DATE")} <= found
