"""The service end to end over HTTP: CDS Hooks, the FHIR-shaped API, roles, consent, audit."""

from __future__ import annotations

import json
from functools import partial
from types import SimpleNamespace

import httpx
import pytest

from osler.errors import DataError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# These tests check behaviour, not speed (that is benchmarks/serve_cds.py): httpx's 5 s default
# read timeout failed a request on a CI machine loaded far past its two cores.
web = SimpleNamespace(get=partial(httpx.get, timeout=120.0),
                      post=partial(httpx.post, timeout=120.0))


def _hook(url, token, patient, **context):
    body = {"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            "context": {"patientId": patient, "userId": "Practitioner/example", **context}}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return web.post(f"{url}/cds-services/osler-sepsis", json=body, headers=headers)


def _get(url, path, token, **params):
    return web.get(f"{url}{path}", params=params, headers={"Authorization": f"Bearer {token}"})


def test_discovery_lists_the_sepsis_service(server):
    services = web.get(f"{server}/cds-services").json()["services"]
    assert [(s["id"], s["hook"]) for s in services] == [("osler-sepsis", "patient-view")]
    assert web.get(f"{server}/health").json()["tasks"] == ["icu-mortality", "sepsis"]


def test_a_septic_patient_gets_one_warning_card_equal_to_the_live_replay(
        server, tokens, patients, demo_dir):
    from osler.pipelines._sepsis_stream import SepsisMonitor

    r = _hook(server, tokens["clinician"], patients["septic"])
    assert r.status_code == 200
    (card,) = r.json()["cards"]
    assert card["indicator"] == "warning" and len(card["summary"]) <= 140
    assert card["source"]["topic"] == {"system": "urn:osler:task", "code": "sepsis"}
    assert card["detail"].count("\n- ") == 3          # three evidence items, each with its source
    assert f"{patients['septic_stay']}.psv" in card["detail"]
    # the service's batch features of the latest hour == the hour-by-hour stream of the stay
    mon = SepsisMonitor(demo_dir / "models" / "sepsis")
    last = list(mon.replay(demo_dir / "synthetic" / "icu" / f"{patients['septic_stay']}.psv"))[-1]
    bundle = _get(server, "/fhir/RiskAssessment", tokens["clinician"],
                  patient=patients["septic"]).json()
    ra = bundle["entry"][0]["resource"]
    assert ra["prediction"][0]["probabilityDecimal"] == pytest.approx(last.probability, abs=1e-4)
    assert ra["extension"][0]["valueDecimal"] == last.hour
    assert last.alarm


def test_every_basis_reference_resolves_to_an_observation_known_by_then(server, tokens, patients):
    ra = _get(server, "/fhir/RiskAssessment", tokens["clinician"],
              patient=f"Patient/{patients['septic']}", method="sepsis").json()["entry"][0]["resource"]
    assert ra["subject"] == {"reference": f"Patient/{patients['septic']}"}
    assert ra["encounter"]["reference"].startswith("Encounter/")
    refs = [b["reference"] for b in ra["basis"] if "reference" in b]
    assert refs, "the evidence should point at stored observations"
    for ref in refs:
        r = _get(server, f"/fhir/{ref}", tokens["clinician"])
        assert r.status_code == 200 and r.headers["content-type"] == "application/fhir+json"
        obs = r.json()
        assert obs["resourceType"] == "Observation" and f"Observation/{obs['id']}" == ref
        assert obs["subject"] == ra["subject"]
        assert obs["extension"][0]["valueDecimal"] <= ra["extension"][0]["valueDecimal"]
        assert "valueQuantity" in obs and obs["code"]["coding"][0]["system"] == "http://loinc.org"


def test_below_the_threshold_there_is_no_card(server, tokens, patients):
    quiet = []
    for pid in patients["quiet"]:
        ra = _get(server, "/fhir/RiskAssessment", tokens["clinician"], patient=pid)
        if ra.json()["entry"][0]["resource"]["note"][0]["text"].startswith("below"):
            quiet.append(pid)
    assert quiet, "the synthetic cohort should hold stays below the alert threshold"
    for pid in quiet[:3]:
        assert _hook(server, tokens["clinician"], pid).json() == {"cards": []}


def test_patients_without_an_icu_stay_or_unknown_get_no_card_and_an_empty_searchset(
        server, tokens, patients):
    for pid in (patients["no_icu"], "no-such-patient"):
        assert _hook(server, tokens["clinician"], pid).json() == {"cards": []}
    for pid, why in ((patients["no_icu"], "no ICU stay that sepsis reads"),
                     ("no-such-patient", "no such patient")):
        r = _get(server, "/fhir/RiskAssessment", tokens["clinician"], patient=pid)
        bundle = r.json()
        assert r.status_code == 200 and bundle["total"] == 0
        (entry,) = bundle["entry"]
        assert entry["search"]["mode"] == "outcome" and why in entry["resource"]["issue"][0][
            "diagnostics"]
    r = _get(server, "/fhir/Observation/nope", tokens["clinician"])
    assert r.status_code == 404 and r.json()["resourceType"] == "OperationOutcome"


def test_an_encounter_id_unknown_to_osler_scores_the_only_stay_and_says_so(
        server, tokens, patients):
    (card,) = _hook(server, tokens["clinician"], patients["septic"],
                    encounterId="Encounter/ehr-123").json()["cards"]
    assert card["indicator"] == "warning"
    assert "this is the only ICU stay on record" in card["detail"]


def test_with_several_stays_the_ehr_must_name_one(server, tokens):
    (card,) = _hook(server, tokens["clinician"], "synp-two-stays").json()["cards"]
    assert card["indicator"] == "info" and "several ICU stays" in card["summary"]
    (card,) = _hook(server, tokens["clinician"], "synp-two-stays",
                    encounterId="twoB").json()["cards"]
    assert card["indicator"] == "warning" and "`twoB`" in card["detail"]
    bundle = _get(server, "/fhir/RiskAssessment", tokens["clinician"],
                  patient="synp-two-stays").json()
    assert bundle["total"] == 2
    stays = [e["resource"]["note"][0]["text"] for e in bundle["entry"]]
    assert "twoA" in stays[0] and "twoB" in stays[1]          # ordered by stay id
    assert len({e["resource"]["encounter"]["reference"] for e in bundle["entry"]}) == 2
    one = _get(server, "/fhir/RiskAssessment", tokens["clinician"], patient="synp-two-stays",
               encounter="twoA").json()
    assert one["total"] == 1 and "twoA" in one["entry"][0]["resource"]["note"][0]["text"]


def test_a_patient_who_opted_out_gets_an_info_card_and_no_risk(server, tokens, patients):
    (card,) = _hook(server, tokens["clinician"], patients["opted_out"]).json()["cards"]
    assert card["indicator"] == "info" and "not consented" in card["summary"]
    assert "detail" not in card and "%" not in card["summary"]
    r = _get(server, "/fhir/RiskAssessment", tokens["clinician"], patient=patients["opted_out"])
    assert r.status_code == 403 and r.json()["issue"][0]["code"] == "suppressed"
    assert patients["opted_out"] not in r.text and "patient " not in r.text   # no pseudonym


def test_tokens_and_roles(server, tokens, patients):
    r = _hook(server, None, patients["septic"])
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert _hook(server, "not-a-token", patients["septic"]).status_code == 401
    for role in ("researcher", "admin"):
        r = _hook(server, tokens[role], patients["septic"])
        assert r.status_code == 403 and "may not read patient data" in r.json()["detail"]
        r = _get(server, "/fhir/RiskAssessment", tokens[role], patient=patients["septic"])
        assert r.status_code == 403 and r.json()["issue"][0]["code"] == "forbidden"
        assert _get(server, "/models", tokens[role]).json()["models"][0]["task"] == "sepsis"
    assert _get(server, "/audit/verify", tokens["clinician"]).status_code == 403
    r = _get(server, "/fhir/Observation/x", tokens["researcher"])
    assert r.status_code == 403 and r.json()["issue"][0]["code"] == "forbidden"
    r = web.get(f"{server}/fhir/RiskAssessment", params={"patient": patients["septic"]})
    assert r.status_code == 401 and r.json()["issue"][0]["code"] == "login"
    assert web.get(f"{server}/docs").status_code == 404      # no CDN-loaded pages


def test_bad_hook_calls_are_named(server, tokens, patients):
    body = {"hook": "order-select", "hookInstance": "x", "context": {"patientId": "p"}}
    auth = {"Authorization": f"Bearer {tokens['clinician']}"}
    r = web.post(f"{server}/cds-services/osler-sepsis", json=body, headers=auth)
    assert r.status_code == 400 and "patient-view" in r.json()["detail"]
    body = {"hook": "patient-view", "hookInstance": "x", "context": {}}
    r = web.post(f"{server}/cds-services/osler-sepsis", json=body, headers=auth)
    assert r.status_code == 400 and "patientId" in r.json()["detail"]
    r = web.post(f"{server}/cds-services/no-such-service", json=body, headers=auth)
    assert r.status_code == 404
    r = _get(server, "/fhir/RiskAssessment", tokens["clinician"], patient="x", method="readmission")
    assert r.status_code == 400 and "readmission" in r.text


def test_the_audit_trail_holds_every_request_under_pseudonyms_and_verifies(
        server, tokens, patients, demo_dir):
    from osler.privacy import AuditLog, load_key

    log = demo_dir / "audit.jsonl"
    before = len(log.read_text().splitlines()) if log.exists() else 0
    (card,) = _hook(server, tokens["clinician"], patients["septic"]).json()["cards"]
    _hook(server, tokens["researcher"], patients["septic"])
    fb = {"feedback": [{"card": "c1", "outcome": "overridden",
                        "overrideReason": {"reason": {"code": "already-treated"}},
                        "outcomeTimestamp": "2026-11-30T10:00:00Z"}]}
    r = web.post(f"{server}/cds-services/osler-sepsis/feedback", json=fb,
                   headers={"Authorization": f"Bearer {tokens['clinician']}"})
    assert r.json() == {"recorded": 1}
    text = (demo_dir / "audit.jsonl").read_text()
    new = [json.loads(line) for line in text.splitlines()[before:]]
    assert [(e["actor"], e["action"], e["outcome"]) for e in new] == [
        ("clinician-1", "cds:osler-sepsis", "allowed"),
        ("clinician-1", "cds-card:sepsis", "card-warning"),
        ("researcher-1", "cds:osler-sepsis", "denied-role"),
        ("clinician-1", "cds-feedback:osler-sepsis", "card-overridden:already-treated")]
    assert new[0]["user"] == new[1]["user"] == "Practitioner/example"   # who the EHR acts for
    assert new[1]["ref"] == card["uuid"] and new[1]["patient"] == new[0]["patient"]
    key = load_key(demo_dir / "audit.jsonl.key")
    assert new[0]["patient"] == key.pseudonym(patients["septic"])
    for pid in (patients["septic"], patients["opted_out"], "no-such-patient"):
        assert pid not in text
    r = _get(server, "/audit/verify", tokens["admin"]).json()
    assert r["intact"] is True and r["entries"] >= before + 3
    assert AuditLog(demo_dir / "audit.jsonl", key).verify() == r["entries"] + 1  # + its own


def test_configuration_errors_are_named(demo_dir, tmp_path):
    from osler.serve import ServeConfig, Service

    users = tmp_path / "users.json"
    users.write_text('{"users": [{"actor": "a", "role": "nurse", "token_sha256": "00"}]}')
    base = dict(db=str(demo_dir / "osler.duckdb"), audit=tmp_path / "a.jsonl")
    with pytest.raises(DataError, match="readmission"):
        Service(ServeConfig(models={"readmission": tmp_path}, users=users, **base))
    with pytest.raises(DataError, match=r"unknown role\(s\) \['nurse'\]"):
        Service(ServeConfig(models={"sepsis": demo_dir / "models" / "sepsis"}, users=users,
                            **base))


def test_malformed_feedback_is_a_named_422_not_a_crash(server, tokens):
    auth = {"Authorization": f"Bearer {tokens['clinician']}"}
    for body in ({"feedback": [{"card": "c", "outcome": "overridden",
                                "outcomeTimestamp": "2026-11-30T10:00:00Z",
                                "overrideReason": {"reason": None}}]},
                 {"feedback": [{"card": "c", "outcome": "ignored", "outcomeTimestamp": "t"}]},
                 {"feedback": []}, {"feedback": "x"}):
        r = web.post(f"{server}/cds-services/osler-sepsis/feedback", json=body, headers=auth)
        expected = 200 if body["feedback"] and body["feedback"] != "x" and \
            body["feedback"][0]["outcome"] == "overridden" else 422
        assert r.status_code == expected, body


def test_capability_statement(server):
    cap = web.get(f"{server}/fhir/metadata").json()
    assert cap["resourceType"] == "CapabilityStatement" and cap["fhirVersion"] == "4.0.1"
    assert cap["kind"] == "instance" and cap["implementation"]["description"]
    types = {r["type"] for r in cap["rest"][0]["resource"]}
    assert types == {"RiskAssessment", "Observation"}


def test_concurrent_calls_keep_the_audit_chain_whole(server, tokens, patients, demo_dir):
    from concurrent.futures import ThreadPoolExecutor

    from osler.privacy import AuditLog, load_key

    ids = [patients["septic"], patients["no_icu"], patients["opted_out"], "nobody"] * 6
    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(lambda p: _hook(server, tokens["clinician"], p).status_code, ids))
    assert codes == [200] * len(ids)
    key = load_key(demo_dir / "audit.jsonl.key")
    assert AuditLog(demo_dir / "audit.jsonl", key).verify() > len(ids)


def test_one_service_per_audit_log(server, demo_dir):
    from osler.serve import ServeConfig, Service

    with pytest.raises(DataError, match="held by another process"):
        Service(ServeConfig(db=str(demo_dir / "osler.duckdb"),
                            models={"sepsis": demo_dir / "models" / "sepsis"},
                            users=demo_dir / "users.json", audit=demo_dir / "audit.jsonl"))


def test_a_broken_audit_chain_or_a_missing_key_stops_the_service_at_start(demo_dir, tmp_path):
    from osler.privacy import write_key
    from osler.serve import ServeConfig, Service

    audit = tmp_path / "audit.jsonl"
    audit.write_text('{"prev": "0", "hash": "1"}\n')

    def start(**extra):
        return Service(ServeConfig(db=str(demo_dir / "osler.duckdb"),
                                   models={"sepsis": demo_dir / "models" / "sepsis"},
                                   users=demo_dir / "users.json", audit=audit, **extra))
    with pytest.raises(DataError, match="key file .* is missing"):
        start()
    assert not (tmp_path / "audit.jsonl.key").exists()      # no key made for an old log
    write_key(tmp_path / "k.json")
    with pytest.raises(DataError, match="line 1 was altered"):
        start(key_file=tmp_path / "k.json")
    audit.write_text("")
    svc = start(key_file=tmp_path / "k.json")
    svc.audit.record(actor="a", role="admin", action="x")
    svc.close()
    with pytest.raises(DataError, match="line 1 does not verify under this key"):
        start(key_file=write_key(tmp_path / "other.json") and tmp_path / "other.json")
    with pytest.raises(DataError, match="folder .* does not exist"):
        Service(ServeConfig(db=str(demo_dir / "osler.duckdb"),
                            models={"sepsis": demo_dir / "models" / "sepsis"},
                            users=demo_dir / "users.json", audit=tmp_path / "no" / "a.jsonl"))


def test_a_user_added_while_serving_works_at_once_and_patient_ids_are_tolerant(
        server, demo_dir, patients):
    from osler.serve import add_user
    from osler.serve.users import remove_user

    token = add_user(demo_dir / "users.json", "late-clinician", "clinician")
    for pid in (f"Patient/{patients['septic']}", f" {patients['septic']} "):
        r = _hook(server, token, pid)
        assert r.status_code == 200 and r.json()["cards"][0]["indicator"] == "warning"
    remove_user(demo_dir / "users.json", "late-clinician")
    assert _hook(server, token, patients["septic"]).status_code == 401


@pytest.mark.postgres
def test_the_service_runs_on_postgresql_too(demo_dir, tokens, patients, postgres_url):
    """The many-user store: the same hook answer from a PostgreSQL store."""
    from osler.pipelines.ingest_job import ingest_paths
    from osler.serve import ServeConfig, create_app
    from osler.serve.background import BackgroundServer
    from osler.store import open_store

    icu = demo_dir / "synthetic" / "icu"
    with open_store(postgres_url) as store:
        ingest_paths([icu / f"{patients['septic_stay']}.psv"], store, options={
            "physionet2019": {"patient_map": {patients["septic_stay"]: patients["septic"]}}})
    config = ServeConfig(db=postgres_url, models={"sepsis": demo_dir / "models" / "sepsis"},
                         users=demo_dir / "users.json", audit=demo_dir / "pg-audit.jsonl")
    with BackgroundServer(create_app(config)) as url:
        (card,) = _hook(url, tokens["clinician"], patients["septic"]).json()["cards"]
        ra = _get(url, "/fhir/RiskAssessment", tokens["clinician"],
                  patient=patients["septic"]).json()["entry"][0]["resource"]
        ref = next(b["reference"] for b in ra["basis"] if "reference" in b)
        obs = _get(url, f"/fhir/{ref}", tokens["clinician"])
    assert card["indicator"] == "warning" and obs.status_code == 200


def test_icu_mortality_from_a_stored_2012_stay_with_its_measurements(server, tokens, demo_dir):
    from osler.pipelines.registry import get_task

    bundle = _get(server, "/fhir/RiskAssessment", tokens["clinician"], patient="140003",
                  method="icu-mortality").json()
    (entry,) = bundle["entry"]
    ra = entry["resource"]
    assert ra["method"]["coding"][0]["code"] == "icu-mortality"
    assert "In-hospital death" in ra["prediction"][0]["outcome"]["text"]
    assert "no alert threshold" in ra["note"][0]["text"]
    # the synthetic stays hold data to hour 44 of the 48 the model expects: not final
    assert ra["status"] == "preliminary" and "model expects 48" in ra["note"][0]["text"]
    # the same probability as `osler predict icu-mortality` on the stay's file
    out = demo_dir / "icu-pred.csv"
    get_task("icu-mortality").predict(demo_dir / "models" / "icu-mortality",
                                      demo_dir / "icu2012-stored", out)
    rows = dict(line.split(",") for line in out.read_text().splitlines()[1:])
    assert ra["prediction"][0]["probabilityDecimal"] == pytest.approx(float(rows["140003"]),
                                                                      abs=1e-4)
    refs = [b["reference"] for b in ra["basis"] if "reference" in b]
    for ref in refs:
        obs = _get(server, f"/fhir/{ref}", tokens["clinician"]).json()
        assert obs["subject"] == {"reference": "Patient/140003"}
        assert obs["extension"][0]["valueDecimal"] <= 48
    # the sepsis model does not read a 2012 stay, and there is no mortality card
    sepsis = _get(server, "/fhir/RiskAssessment", tokens["clinician"], patient="140003").json()
    assert sepsis["total"] == 0 and "sepsis reads" in json.dumps(sepsis)
    assert _hook(server, tokens["clinician"], "140003").json() == {"cards": []}


def _icu_hour(bundle: dict) -> float:
    from osler.serve.resources import ICU_HOUR

    (entry,) = bundle["entry"]
    return next(x["valueDecimal"] for x in entry["resource"]["extension"] if x["url"] == ICU_HOUR)


@pytest.mark.postgres
def test_what_is_written_while_serving_is_seen_by_the_next_request(
        demo_dir, tokens, patients, postgres_url, tmp_path):
    """The service keeps a patient's record and risk between requests; on PostgreSQL, where
    ingest runs while it serves, new hours and a withdrawn consent count from the next call."""
    from datetime import UTC, datetime

    from osler.pipelines.ingest_job import ingest_paths
    from osler.record import Consent, Provenance
    from osler.serve import ServeConfig, create_app
    from osler.serve.background import BackgroundServer
    from osler.store import open_store

    stay, patient = patients["septic_stay"], patients["septic"]
    full = demo_dir / "synthetic" / "icu" / f"{stay}.psv"
    rows = full.read_text().splitlines(keepends=True)
    early = tmp_path / "early" / f"{stay}.psv"
    early.parent.mkdir()
    early.write_text("".join(rows[:11]))                 # the header and the first 10 hours
    options = {"physionet2019": {"patient_map": {stay: patient}}}
    with open_store(postgres_url) as store:
        ingest_paths([early], store, options=options)
    config = ServeConfig(db=postgres_url, models={"sepsis": demo_dir / "models" / "sepsis"},
                         users=demo_dir / "users.json", audit=tmp_path / "audit.jsonl")
    app = create_app(config)
    token = tokens["clinician"]
    with BackgroundServer(app) as url:
        first = _get(url, "/fhir/RiskAssessment", token, patient=patient).json()
        again = _get(url, "/fhir/RiskAssessment", token, patient=patient).json()
        cache = app.state.service.cache
        assert (cache.hits, cache.misses) == (1, 1)      # the second call read no timeline
        with open_store(postgres_url) as store:           # more hours arrive
            ingest_paths([full], store, options=options)
        later = _get(url, "/fhir/RiskAssessment", token, patient=patient).json()
        iculos = rows[0].strip().split("|").index("ICULOS")
        hour_of = lambda row: float(row.split("|")[iculos])   # noqa: E731
        assert (_icu_hour(first), _icu_hour(again), _icu_hour(later)) == (
            hour_of(rows[10]), hour_of(rows[10]), hour_of(rows[-1]))
        assert hour_of(rows[-1]) > hour_of(rows[10])
        with open_store(postgres_url) as store:           # the patient opts out
            record = store.patient(patient)
            store.write([record.with_events([Consent(
                id="consent-late-optout", coding=None, provenance=Provenance("test-consent"),
                time=datetime(2020, 1, 1, tzinfo=UTC), provision="deny",
                purposes=("treatment",))])])
        (card,) = _hook(url, token, patient).json()["cards"]
        assert card["indicator"] == "info" and "consented" in card["summary"]
        assert _get(url, "/fhir/RiskAssessment", token, patient=patient).status_code == 403


def test_a_repeat_view_is_scored_once_and_nothing_is_kept_when_asked(demo_dir, tokens, patients,
                                                                     tmp_path):
    from osler.serve import ServeConfig, create_app
    from osler.serve.background import BackgroundServer

    for capacity, scored in ((2000, 1), (0, 3)):
        config = ServeConfig(db=str(demo_dir / "osler.duckdb"),
                             models={"sepsis": demo_dir / "models" / "sepsis"},
                             users=demo_dir / "users.json", audit=tmp_path / f"a{capacity}.jsonl",
                             cache_patients=capacity)
        app = create_app(config)
        monitor = app.state.service.monitors["sepsis"]
        calls = []
        assess = monitor.assess
        monitor.assess = lambda stay: calls.append(stay) or assess(stay)
        with BackgroundServer(app) as url:
            cards = [_hook(url, tokens["clinician"], patients["septic"]).json()["cards"]
                     for _ in range(3)]
        assert len(calls) == scored
        assert all(c[0]["indicator"] == "warning" for c in cards)
        assert cards[0][0]["detail"] == cards[2][0]["detail"]    # the same answer, new card ids
        assert cards[0][0]["uuid"] != cards[2][0]["uuid"]


def _wait_for(url, check, seconds=60.0):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = web.get(f"{url}/health").json()["cache"]
        if check(status):
            return status
        time.sleep(0.1)
    raise AssertionError(f"cache status never reached: {status}")


def test_warming_scores_icu_patients_before_their_first_view_but_not_the_opted_out(
        demo_dir, tokens, patients, tmp_path):
    from osler.serve import ServeConfig, create_app
    from osler.serve.background import BackgroundServer

    config = ServeConfig(db=str(demo_dir / "osler.duckdb"),
                         models={"sepsis": demo_dir / "models" / "sepsis"},
                         users=demo_dir / "users.json", audit=tmp_path / "audit.jsonl",
                         warm=True, refresh_seconds=0)
    app = create_app(config)
    svc = app.state.service
    scored = []
    assess = svc.monitors["sepsis"].assess
    svc.monitors["sepsis"].assess = lambda stay: scored.append(stay) or assess(stay)
    with BackgroundServer(app) as url:
        status = _wait_for(url, lambda s: s["warm"] == "done")
        # every ICU patient read; all but the one who opted out scored
        assert status["patients"] == len(svc.warm_ids()) == status["warmed"] + 1
        before = len(scored)
        (card,) = _hook(url, tokens["clinician"], patients["septic"]).json()["cards"]
        assert card["indicator"] == "warning"
        assert len(scored) == before and svc.cache.hits == 1   # found ready, not scored now
        (info,) = _hook(url, tokens["clinician"], patients["opted_out"]).json()["cards"]
        assert info["indicator"] == "info"
    from osler.features import icu_stays
    from osler.store import open_store

    with open_store(demo_dir / "osler.duckdb", read_only=True) as store:
        theirs = {s.patient_id for s in icu_stays(store.patient(patients["opted_out"]))}
    assert theirs and not theirs & {s.patient_id for s in scored}


@pytest.mark.postgres
def test_hours_written_while_serving_are_scored_on_arrival(demo_dir, tokens, patients,
                                                          postgres_url, tmp_path):
    from osler.pipelines.ingest_job import ingest_paths
    from osler.serve import ServeConfig, create_app
    from osler.serve.background import BackgroundServer
    from osler.store import open_store

    stay, patient = patients["septic_stay"], patients["septic"]
    full = demo_dir / "synthetic" / "icu" / f"{stay}.psv"
    rows = full.read_text().splitlines(keepends=True)
    early = tmp_path / "early" / f"{stay}.psv"
    early.parent.mkdir()
    early.write_text("".join(rows[:6]))
    options = {"physionet2019": {"patient_map": {stay: patient}}}
    with open_store(postgres_url) as store:
        ingest_paths([early], store, options=options)
    config = ServeConfig(db=postgres_url, models={"sepsis": demo_dir / "models" / "sepsis"},
                         users=demo_dir / "users.json", audit=tmp_path / "audit.jsonl",
                         refresh_seconds=0.2)
    app = create_app(config)
    cache = app.state.service.cache
    token = tokens["clinician"]
    with BackgroundServer(app) as url:
        first = _get(url, "/fhir/RiskAssessment", token, patient=patient).json()
        with open_store(postgres_url) as store:
            ingest_paths([full], store, options=options)
        _wait_for(url, lambda s: s["refreshed"] >= 1)
        misses = cache.misses
        later = _get(url, "/fhir/RiskAssessment", token, patient=patient).json()
        assert cache.misses == misses            # scored when the hours arrived, not now
    iculos = rows[0].strip().split("|").index("ICULOS")
    assert _icu_hour(first) == float(rows[5].split("|")[iculos])
    assert _icu_hour(later) == float(rows[-1].split("|")[iculos])


@pytest.mark.postgres
def test_the_service_reconnects_to_postgresql_and_says_when_it_cannot(
        demo_dir, tokens, patients, postgres_url, postgres_server, tmp_path):
    """A dropped connection (restart, failover, idle timeout) is re-made on the next call; a
    store that cannot be reached turns /health to 503, and the failed calls are audited."""
    import psycopg

    from osler.pipelines.ingest_job import ingest_paths
    from osler.serve import ServeConfig, create_app
    from osler.serve.background import BackgroundServer
    from osler.store import open_store

    stay, patient = patients["septic_stay"], patients["septic"]
    with open_store(postgres_url) as store:
        ingest_paths([demo_dir / "synthetic" / "icu" / f"{stay}.psv"], store,
                     options={"physionet2019": {"patient_map": {stay: patient}}})
    audit = tmp_path / "audit.jsonl"
    config = ServeConfig(db=postgres_url, models={"sepsis": demo_dir / "models" / "sepsis"},
                         users=demo_dir / "users.json", audit=audit, refresh_seconds=0,
                         cache_patients=0)
    app = create_app(config)
    token = tokens["clinician"]
    name = postgres_url.rsplit("/", 1)[1]
    with BackgroundServer(app) as url:
        assert _get(url, "/fhir/RiskAssessment", token, patient=patient).status_code == 200
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        assert _get(url, "/fhir/RiskAssessment", token, patient=patient).status_code == 200
        assert web.get(f"{url}/health").status_code == 200
        with psycopg.connect(postgres_server, autocommit=True) as admin:   # the store is gone
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        assert _get(url, "/fhir/RiskAssessment", token, patient=patient).status_code == 500
        health = web.get(f"{url}/health")
        assert health.status_code == 503 and health.json()["status"] == "store unavailable"
    outcomes = [json.loads(line)["outcome"] for line in audit.read_text().splitlines()]
    assert outcomes[-1] == "error" and outcomes.count("allowed") == 2
