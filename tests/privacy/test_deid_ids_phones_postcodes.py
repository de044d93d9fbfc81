"""Phones, identifiers, written-out e-mail addresses and postcodes outside the US that a
review found passing through, and the clinical text next to them that must stay (all made up)."""

from __future__ import annotations

import re

import pytest

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_text, detect_phi
from osler.privacy.deid.detect import without_digitless_phones
from osler.privacy.deid.spans import PhiSpan

KEY = DeidKey(b"ids phones postcodes secret, 32b")


def _found(text):
    return [(text[s.start:s.end], s.type) for s in detect_phi(text)]


def _rules(text):
    return [(text[s.start:s.end], s.type) for s in detect_phi(text, tagger=None)]


def _tagged(text):
    return deidentify_text(text, KEY, patient="p1", profile="tag").text


def _surrogate(text):
    return deidentify_text(text, KEY, patient="p1").text


@pytest.mark.parametrize("text, value", [
    ("Tel: +44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
    ("Tel: 020 7946 0321", "020 7946 0321"),
    ("Contact: (02) 9876 5432", "(02) 9876 5432"),
    ("Call 555 0134.", "555 0134"),
    ("mobile 0412 345 678 after 5", "0412 345 678"),
])
def test_phones_grouped_other_ways_are_found_whole(text, value):
    assert (value, "PHONE") in _found(text)
    assert (value, "PHONE") in _rules(text)
    assert not re.search(r"\d{3}", _tagged(text))


@pytest.mark.parametrize("text", [
    "PEEP 5, Vt 450, RR 18, FiO2 40%", "Percocet 10/325 mg 2 tabs, insulin 2 units",
    "pH 7.35 pCO2 45 pO2 80", "Call placed to son at 1400, will call back 1530.",
    "Contact 2 times daily.", "Mobile 2 assist, phone 2 times", "Weight 72.5 kg, I/O 1500 2000",
    "GCS 15, Apgar 8/9, 3/5 power", "ABG 7.41/38/95 on AC 500 x 14",
])
def test_clinical_numbers_are_no_phones_or_identifiers(text):
    assert not [v for v, t in _rules(text) if t in ("PHONE", "ID", "LOCATION", "EMAIL")]


@pytest.mark.parametrize("text, value", [
    ("Medicare number 2123 45670 1", "2123 45670 1"),
    ("OHIP 1234-567-890-AB", "1234-567-890-AB"),
    ("PHN 9123 456 789", "9123 456 789"),
    ("RAMQ: TREJ 8502 1514", "TREJ 8502 1514"),
    ("Hospital No: K123456", "K123456"),
    ("Unit No. 998877", "998877"),
    ("Hospital number RXH-004471", "RXH-004471"),
    ("Registration plate AB12 CDE", "AB12 CDE"),
    ("serial number BXK 445566", "BXK 445566"),
    ("UDI (01)00884521123456(17)250101(21)A1B2C3 implanted",
     "(01)00884521123456(17)250101(21)A1B2C3"),
    ("Study Instance UID 1.2.840.113619.2.55.3.12345", "1.2.840.113619.2.55.3.12345"),
])
def test_identifiers_after_their_labels_are_found_whole(text, value):
    assert (value, "ID") in _rules(text)
    assert (value, "ID") in _found(text)
    assert value not in _tagged(text)


@pytest.mark.parametrize("text", [
    "PHN 2019 treated with gabapentin 300 mg", "Unit 4, bed 12. Unit no. 4 receiving.",
    "Plate is intact, dental plate in place.", "LATEST PLATELETS 58,000. PLATEAU 20.",
    "Serial troponin 0.04 0.05; serial numbers of 3 ECGs", "SN 12 mm nodule",
    "Insurance pending, member of staff", "version 1.2.3.4.5 update",
    "Morphine 2 mg; NHS trust", "Policy 2 3 4",
])
def test_words_that_are_also_labels_take_no_clinical_number(text):
    assert not [v for v, t in _rules(text) if t == "ID"]


@pytest.mark.parametrize("label, value, shape", [
    ("Hospital number", "RXH-004471", r"[A-Z]{3}-\d{6}"),
    ("RAMQ:", "TREJ 8502 1514", r"[A-Z]{4} \d{4} \d{4}"),
    ("Registration plate", "AB12 CDE", r"[A-Z]{2}\d{2} [A-Z]{3}"),
    ("Tel:", "020 7946 0321", r"\d{3} \d{4} \d{4}"),
    ("Contact:", "(02) 9876 5432", r"\(\d{2}\) \d{4} \d{4}"),
])
def test_identifier_and_phone_surrogates_keep_the_shape_with_keyed_characters(label, value,
                                                                              shape):
    out = _surrogate(f"{label} {value}")
    new = out[len(label) + 1:]
    assert out.startswith(label) and re.fullmatch(shape, new) and new != value, out


def test_a_device_identifier_keeps_its_field_codes_in_the_surrogate():
    out = _surrogate("UDI (01)00884521123456(17)250101(21)A1B2C3 implanted")
    shape = r"UDI \(01\)\d{14}\(17\)\d{6}\(21\)[A-Z]\d[A-Z]\d[A-Z]\d implanted"
    assert re.fullmatch(shape, out), out
    assert "00884521123456" not in out and "A1B2C3" not in out


@pytest.mark.parametrize("text", [
    "Email rowena dot blackwood at gmail dot com today",
    "Email rowena.blackwood [at] gmail.com today",
    "Email rowena (at) gmail (dot) com today",
])
def test_e_mail_addresses_written_out_are_found_whole(text):
    out = _tagged(text)
    assert out == "Email [EMAIL] today", out


@pytest.mark.parametrize("text", ["Seen at clinic, will follow at home dot",
                                  "Pt sat at bedside. Com",
                                  "Arrived at noon. Dot com jobs lost"])
def test_at_and_dot_as_words_are_no_e_mail(text):
    assert not [v for v, t in _rules(text) if t == "EMAIL"]


@pytest.mark.parametrize("text, values", [
    ("Postal code: M5G 2C4", ["M5G 2C4"]),
    ("Lives in Montreal QC H3B 1A7 now", ["Montreal", "H3B 1A7"]),
    ("Lives in Fitzroy VIC 3065 now", ["Fitzroy", "3065"]),
    ("Lives at Reading RG1 5AN now", ["Reading RG1 5AN"]),
    ("Address: Rural Route 2, Box 45", ["Rural Route 2, Box 45"]),
    ("Mail to RR 3 Box 12", ["RR 3 Box 12"]),
])
def test_postcodes_outside_the_us_and_their_towns_are_found(text, values):
    found = [v for v, t in _rules(text) if t == "LOCATION"]
    assert all(v in found for v in values), found


@pytest.mark.parametrize("text", ["T2N 1M0 tumour, stage T2N0M0", "SA node, WA 1200 ml, NT 1200",
                                  "ACT 1500 sec", "RR 22 Box checked", "RR 18, SpO2 95%"])
def test_stages_states_and_rates_are_no_postcodes(text):
    assert not [v for v, t in _rules(text) if t == "LOCATION"]


@pytest.mark.parametrize("text, town", [("Lives Montreal QC H3B 1A7", "Montreal"),
                                        ("LIVES IN READING RG1 5AN", "READING RG1 5AN")])
def test_the_word_leading_to_the_town_is_kept(text, town):
    found = [v for v, t in _rules(text) if t == "LOCATION"]
    assert town in found and not [v for v in found if "LIVES" in v.upper()], found


def test_postcode_surrogates_keep_the_postcode_shape():
    out = _surrogate("Lives at Reading RG1 5AN now")
    assert re.fullmatch(r"Lives at [A-Z][A-Za-z .'-]+ [A-Z]{2}\d [A-Z\d][A-Z]{2} now", out), out
    assert "RG1" not in out and "Reading" not in out
    canada = _surrogate("Postal code: M5G 2C4")
    assert re.fullmatch(r"Postal code: [A-Z]\d[A-Z] \d[A-Z]\d", canada) and "M5G" not in canada
    australia = _surrogate("Lives in Fitzroy VIC 3065 now")
    assert re.fullmatch(r"Lives in [A-Z][A-Za-z .'-]+ VIC \d{4} now", australia), australia
    assert "3065" not in australia and "Fitzroy" not in australia


@pytest.mark.parametrize("text", ["Remote login from home.", "Handle with care. Login at 0800."])
def test_login_and_handle_as_words_name_no_one(text):
    assert not [v for v, t in _found(text) if t == "ID"]


@pytest.mark.parametrize("text, value", [("Login: jq7kowal", "jq7kowal"),
                                         ("handle @ThadQuix", "@ThadQuix")])
def test_login_and_handle_with_their_mark_are_still_found(text, value):
    assert (value, "ID") in _rules(text)


def test_a_fax_line_leaves_the_next_line_greeting_alone():
    text = "Fax: (508) 555-0143\nDear Dr. Quill,\n"
    for found in (_found(text), _rules(text)):
        assert ("(508) 555-0143", "PHONE") in found
        assert not [v for v, t in found if "Dear" in v]
    assert _tagged(text).startswith("Fax: [PHONE]\nDear Dr. ")


def test_a_phone_span_with_no_digit_is_cut():
    text = "Fax 555-0143 Dear"
    spans = [PhiSpan(4, 12, "PHONE"), PhiSpan(13, 17, "PHONE"), PhiSpan(13, 17, "NAME")]
    assert without_digitless_phones(text, spans) == [spans[0], spans[2]]
