"""Partial FHIR dates move with the patient's offset; non-dates in date elements are text."""

from __future__ import annotations

import calendar
import json
from datetime import date

from osler.privacy import DeidKey
from osler.privacy.deid import deidentify_bundle, deidentify_resource
from osler.privacy.deid.ages import over_89_birth_year
from osler.privacy.deid.fhir_dates import shift_date

KEY = DeidKey(b"fhir dates secret, 32 bytes long")


def _span(value: str) -> tuple[date, date]:
    """First and last day a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) stands for."""
    parts = [int(p) for p in value[:10].split("-")]
    if len(parts) == 3:
        return date(*parts), date(*parts)
    if len(parts) == 2:
        return date(*parts, 1), date(*parts, calendar.monthrange(*parts)[1])
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def _observation(patient: str, start: str, end: str) -> dict:
    return {"resourceType": "Observation", "id": "o1", "subject": {"reference":
            f"Patient/{patient}"}, "effectivePeriod": {"start": start, "end": end},
            "issued": "2019-03-04T10:00:00Z"}


def test_partial_dates_keep_their_precision_and_move():
    out = deidentify_resource({"resourceType": "Patient", "id": "p1", "birthDate": "1961-07",
                               "deceasedDateTime": "2020"}, KEY)
    shift = KEY.date_shift("p1")
    assert out["birthDate"] == (date(1961, 7, 15) + shift).strftime("%Y-%m")
    assert out["deceasedDateTime"] == str((date(2020, 7, 1) + shift).year)


def test_a_period_stays_ordered_and_intervals_stay_about_the_same():
    periods = [("2019-03", "2019-03-04"), ("2019-03-28", "2019-03"), ("2019", "2019-01-02"),
               ("2019-12-30", "2019"), ("2019-03", "2019-04")]
    for n in range(60):  # 60 patients: offsets that cross month and year ends
        patient = f"made-up-{n}"
        for start, end in periods:
            period = deidentify_resource(_observation(patient, start, end), KEY)[
                "effectivePeriod"]
            assert len(period["start"]) == len(start) and len(period["end"]) == len(end)
            assert _span(period["start"])[0] <= _span(period["end"])[1], (start, end)
            before = (_span(end)[0] - _span(start)[0]).days
            after = (_span(period["end"])[0] - _span(period["start"])[0]).days
            # a partial date may drift by up to its own span against a full one
            span = 366 if 4 in (len(start), len(end)) else 31
            assert abs(after - before) <= span, (start, end)


def test_full_dates_still_move_exactly():
    out = deidentify_resource(_observation("p2", "2019-03-01", "2019-03-04T10:00:00Z"), KEY)
    shift = KEY.date_shift("p2")
    assert out["effectivePeriod"]["start"] == (date(2019, 3, 1) + shift).isoformat()
    assert out["effectivePeriod"]["end"].endswith("T10:00:00Z")


def test_a_date_element_that_holds_no_date_is_dropped():
    resource = {"resourceType": "Observation", "id": "o2", "subject": {"reference":
                "Patient/p3"}, "effectiveDateTime": "not-a-date, call 617-555-0143",
                "issued": "2019-02-30"}
    out = deidentify_resource(resource, KEY)
    assert "effectiveDateTime" not in out and "617-555-0143" not in str(out)
    assert out["issued"] != "2019-02-30"  # shaped like a date, is not one: text, not a crash


def test_shift_date_returns_none_for_what_is_not_a_date():
    from datetime import timedelta

    for value in ("2019-13", "2019-00", "March", "", "20190304"):
        assert shift_date(value, timedelta(days=-3)) is None, value


def test_a_birth_date_of_someone_over_89_becomes_one_year_for_90_or_older():
    """Safe Harbor: a date indicative of an age over 89, year included, is an identifier."""
    from osler.privacy.deid.ages import over_89_birth_year

    today = date.today()
    oldest = str(today.year - 90)
    for born in ("1920-05-06", "1931-07", "1925", f"{today.year - 91}-01-01"):
        out = deidentify_resource({"resourceType": "Patient", "id": "p1", "birthDate": born},
                                  KEY)
        assert out["birthDate"] == oldest, born
    young = f"{today.year - 60}-05-06"
    out = deidentify_resource({"resourceType": "Patient", "id": "p1", "birthDate": young}, KEY)
    assert out["birthDate"] == (date.fromisoformat(young) + KEY.date_shift("p1")).isoformat()
    assert over_89_birth_year(f"{today.year - 90}", today) is None   # may still be 89
    assert over_89_birth_year("not a date", today) is None


def test_year_months_in_every_date_element_move_and_ages_over_89_are_grouped():
    key = DeidKey(b"fhir dates secret, 32 bytes long")
    p = {"reference": "Patient/p1"}
    resources = [
        {"resourceType": "MedicationRequest", "id": "m1", "subject": p,
         "dosageInstruction": [{"timing": {"event": ["2019-03"]}}]},
        {"resourceType": "ImagingStudy", "id": "i1", "subject": p,
         "series": [{"uid": "1.2.3", "started": "2019-03"}]},
        {"resourceType": "Task", "id": "t1", "for": p, "lastModified": "2019-03"},
        {"resourceType": "Consent", "id": "c1", "patient": p, "dateTime": "2019-03"},
        {"resourceType": "AllergyIntolerance", "id": "a1", "patient": p,
         "lastOccurrence": "2019-03"},
    ]
    for res in resources:
        assert "2019-03" not in json.dumps(deidentify_bundle(res, key)), res["resourceType"]
    old = {"resourceType": "Patient", "id": "p1", "birthDate": "1931-02-17",
           "_birthDate": {"extension": [{
               "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
               "valueDateTime": "1931-02-17T06:42:00-05:00"}]},
           "extension": [{"url": "urn:x:mother-birthDate", "valueDate": "1901-05-05"}]}
    out = deidentify_bundle(old, key)
    year = over_89_birth_year("1931-02-17", date.today())
    assert out["birthDate"] == year
    assert out["_birthDate"]["extension"][0]["valueDateTime"] == year
    assert out["extension"][0]["valueDate"] == over_89_birth_year("1901-05-05")
    obs = {"resourceType": "Observation", "id": "o1", "subject": p,
           "component": [{"code": {"text": "age"}, "valueQuantity": {"value": 95, "unit": unit}}
                         for unit in ("yrs", "years", "a")]}
    for comp in deidentify_bundle(obs, key)["component"]:
        assert comp["valueQuantity"]["value"] == 90
        assert comp["valueQuantity"]["comparator"] == ">="
