"""Files of the synthetic cohort: byte-identical per seed, PhysioNet-shaped stays, valid FHIR
R4 bundles, ground truth, and SYNTHETIC written on all of it."""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

import pytest

from osler.synth import SYNTHETIC_TAGS, PSV_COLUMNS, write_cohort
from osler.synth._notes import BANNER


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return write_cohort(tmp_path_factory.mktemp("cohort"), n_patients=200, seed=0)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def _labels(written) -> list[dict[str, str]]:
    with written.labels.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_same_seed_gives_byte_identical_files(written, tmp_path):
    again = write_cohort(tmp_path / "again", n_patients=200, seed=0)
    assert _tree(written.root) == _tree(again.root)
    other = write_cohort(tmp_path / "other", n_patients=20, seed=1)
    assert _tree(other.root)["fhir/synp000000.json"] != _tree(written.root)["fhir/synp000000.json"]


def test_rewriting_smaller_cohort_removes_stale_files(tmp_path):
    write_cohort(tmp_path, n_patients=30, seed=0)
    paths = write_cohort(tmp_path, n_patients=10, seed=0)
    assert len(list(paths.fhir_dir.glob("*.json"))) == 10
    assert len(list(paths.icu_dir.glob("*.psv"))) == paths.n_stays


def test_counts_and_layout(written):
    assert len(list(written.fhir_dir.glob("synp*.json"))) == 200
    stays = sorted(written.icu_dir.glob("*.psv"))
    assert len(stays) == written.n_stays and 15 <= written.n_stays <= 45
    assert all(p.stem.startswith("syn") and p.stem[3:].isdigit() for p in stays)
    assert written.n_septic >= 1
    assert len(_labels(written)) == written.n_stays


def test_psv_has_physionet_columns_and_labels_match_ground_truth(written):
    truth = {row["stay_id"]: row for row in _labels(written)}
    for path in sorted(written.icu_dir.glob("*.psv")):
        lines = path.read_text(encoding="ascii").splitlines()
        assert lines[0].split("|") == list(PSV_COLUMNS)
        rows = [line.split("|") for line in lines[1:]]
        assert all(len(r) == 41 for r in rows)
        assert [int(r[PSV_COLUMNS.index("ICULOS")]) for r in rows] == list(range(1, len(rows) + 1))
        assert {r[PSV_COLUMNS.index("Gender")] for r in rows} <= {"0", "1"}
        labels = [int(r[-1]) for r in rows]
        row = truth[path.stem]
        if row["septic"] == "1":
            first = int(row["first_positive_hour"])
            assert first == max(1, int(row["onset_hour"]) - 6)
            assert labels == [0] * (first - 1) + [1] * (len(rows) - first + 1)
        else:
            assert set(labels) == {0} and row["onset_hour"] == ""
        assert "NaN" in lines[1] and "nan" not in path.read_text()


def test_readme_says_synthetic(written):
    text = written.readme.read_text(encoding="utf-8")
    assert text.startswith("SYNTHETIC DATA - NOT REAL PATIENTS")
    assert "seed 0" in text and "200 patients" in text


def _bundles(written) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_bytes()) for p in sorted(written.fhir_dir.glob("*.json"))}


def test_bundles_are_tagged_synthetic_and_use_urn_uuid(written):
    for pid, bundle in _bundles(written).items():
        assert bundle["type"] == "transaction"
        assert bundle["meta"]["tag"] == list(SYNTHETIC_TAGS)
        urls = {e["fullUrl"] for e in bundle["entry"]}
        for entry in bundle["entry"]:
            assert entry["fullUrl"].startswith("urn:uuid:")
            assert entry["resource"]["meta"]["tag"] == list(SYNTHETIC_TAGS)
            for key in ("subject", "encounter"):
                ref = entry["resource"].get(key)
                if ref:
                    assert ref["reference"] in urls
        patient = bundle["entry"][0]["resource"]
        assert patient["id"] == pid and patient["name"][0]["text"].startswith("Synthetic-")


def test_bundle_has_every_resource_type_and_blood_pressure_components(written):
    bundles = _bundles(written)
    types = {e["resource"]["resourceType"] for b in bundles.values() for e in b["entry"]}
    assert {"Patient", "Encounter", "Condition", "Observation", "MedicationRequest",
            "Procedure", "DocumentReference"} <= types
    icu_bundle = bundles[f"synp{_labels(written)[0]['stay_id'][3:]}"]
    bp = [e["resource"] for e in icu_bundle["entry"]
          if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") == "85354-9"]
    assert bp and {c["code"]["coding"][0]["code"] for c in bp[0]["component"]} == {"8480-6",
                                                                                   "8462-4"}
    doc = next(e["resource"] for e in icu_bundle["entry"]
               if e["resource"]["resourceType"] == "DocumentReference")
    attachment = doc["content"][0]["attachment"]
    assert attachment["contentType"] == "text/plain"
    assert base64.b64decode(attachment["data"]).decode("utf-8").startswith(BANNER)


def test_bundles_validate_against_fhir_r4b(written):
    bundle_model = pytest.importorskip("fhir.resources.R4B.bundle").Bundle
    bundles = _bundles(written)
    icu = [f"synp{row['stay_id'][3:]}" for row in _labels(written)]
    for pid in icu[:8] + sorted(bundles)[:4]:
        bundle_model.model_validate(bundles[pid])


def test_ingest_reads_what_synth_writes(written):
    """The readers take the files without a single quarantined record."""
    from osler.ingest.fhir import read_fhir
    from osler.ingest.physionet import read_physionet2019
    errors: list = []
    patients = list(read_fhir(written.fhir_dir, on_error=errors.append))
    stays = list(read_physionet2019(written.icu_dir, on_error=errors.append))
    assert errors == []
    assert len(patients) == 200 and len(stays) == written.n_stays
    assert {p.patient_id for p in patients} == {f"synp{i:06d}" for i in range(200)}
    septic = {row["stay_id"] for row in _labels(written) if row["septic"] == "1"}
    positive = {s.patient_id for s in stays if any(lab.value == 1 for lab in s.labels)}
    assert positive == septic


def test_byte_identical_across_processes_and_hash_seeds(tmp_path):
    """No set or hash order leaks into the files: another interpreter writes the same bytes."""
    import os
    import subprocess
    import sys
    code = ("import sys; from pathlib import Path; from osler.synth import write_cohort; "
            "write_cohort(Path(sys.argv[1]), n_patients=30, seed=2)")
    for name, hash_seed in (("a", "1"), ("b", "2")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], check=True, env=env)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
