"""FHIR Observations map one-to-one onto ``pgx call`` JSON; the CLI writes the exact TSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from osler.genomics.synthetic import write_toy_pharmcat, write_vcf

pytest.importorskip("cyvcf2")


@pytest.fixture()
def toy_vcf(tmp_path: Path) -> tuple[Path, Path]:
    toy = write_toy_pharmcat(tmp_path / "pharmcat")
    return toy, write_vcf(tmp_path / "s.vcf", {"P1": {1000: "0/1", 5000: "./."}})


def _run(*args: str) -> str:
    from osler.cli.pgx import pgx
    result = CliRunner().invoke(pgx, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_tsv_has_the_exact_columns_and_a_row_per_gene(toy_vcf) -> None:
    toy, vcf = toy_vcf
    lines = _run("call", str(vcf), "--definitions", str(toy)).splitlines()
    assert lines[0].split("\t") == ["gene", "diplotype", "phenotype", "activity_score",
                                    "missing_positions"]
    rows = {r.split("\t")[0]: r.split("\t") for r in lines[1:]}
    assert rows["CYP2C19"][1:3] == ["*1/*2", "Intermediate Metabolizer"]
    assert rows["TPMT"][4] == "chr6:5000 (rs5000)"


def test_json_and_fhir_map_one_to_one(toy_vcf, tmp_path: Path) -> None:
    toy, vcf = toy_vcf
    out = tmp_path / "calls.json"
    _run("call", str(vcf), "--definitions", str(toy), "--format", "json", "--out", str(out))
    genes = {g["gene"]: g for g in json.loads(out.read_text())["genes"]}
    bundle = json.loads(_run("call", str(vcf), "--definitions", str(toy), "--format", "fhir"))
    observations = [e["resource"] for e in bundle["entry"]]
    genotypes = [o for o in observations if o["code"]["coding"][0]["code"] == "84413-4"]
    phenotypes = [o for o in observations if o["code"]["coding"][0]["code"] == "53040-2"]
    assert len(genotypes) == len(genes)
    for obs in genotypes:
        gene = obs["component"][0]["valueCodeableConcept"]["text"]
        assert obs["valueCodeableConcept"]["text"] == genes[gene]["diplotype"]
        assert obs["subject"]["reference"] == "Patient/P1"
        haplotypes = [c["valueCodeableConcept"]["text"] for c in obs["component"][1:]]
        assert "/".join(haplotypes) == (genes[gene]["diplotypes"] or [""])[0]
    for obs in phenotypes:
        gene = obs["component"][0]["valueCodeableConcept"]["text"]
        assert obs["valueCodeableConcept"]["text"] == genes[gene]["phenotype"]
        assert obs["derivedFrom"][0]["reference"].startswith("Observation/")


def test_recommend_from_a_vcf(toy_vcf) -> None:
    toy, vcf = toy_vcf
    text = _run("recommend", "--vcf", str(vcf), "--drug", "Clopidogrel", "--definitions", str(toy))
    assert text.startswith("clopidogrel: recommendation")
    assert "CYP2C19 *1/*2: Intermediate Metabolizer" in text
    data = json.loads(_run("recommend", "--vcf", str(vcf), "--drug", "mercaptopurine",
                           "--definitions", str(toy), "--json"))
    assert data["status"] == "indeterminate genotype"  # TPMT uncalled, NUDT15 not defined


def test_recommend_from_the_store(toy_vcf, tmp_path: Path) -> None:
    store_mod = pytest.importorskip("osler.store")
    from osler.ingest.vcf import read_vcf
    toy, vcf = toy_vcf
    db = tmp_path / "pgx.duckdb"
    with store_mod.open_store(db) as store:
        store.write(read_vcf(vcf, definitions=toy))
    text = _run("recommend", "--patient", "P1", "--drug", "clopidogrel", "--db", str(db),
                "--definitions", str(toy))
    assert "CYP2C19 *1/*2: Intermediate Metabolizer" in text


def test_call_save_records_the_calls_in_the_timeline(toy_vcf, tmp_path: Path) -> None:
    store_mod = pytest.importorskip("osler.store")
    toy, vcf = toy_vcf
    db = tmp_path / "t.duckdb"
    _run("call", str(vcf), "--definitions", str(toy), "--save", "--db", str(db))
    with store_mod.open_store(db, read_only=True) as store:
        record = store.patient("P1")
    texts = {(e.coding.code, e.value_text) for e in record.of_kind("observation")}
    assert ("84413-4", "*1/*2") in texts and ("53040-2", "Intermediate Metabolizer") in texts
    assert len(record.of_kind("genotype")) == 5


def test_multi_sample_vcf_needs_a_sample(tmp_path: Path) -> None:
    from osler.cli.pgx import pgx
    from osler.errors import OslerError
    toy = write_toy_pharmcat(tmp_path / "pharmcat")
    vcf = write_vcf(tmp_path / "m.vcf", {"A": {}, "B": {1000: "1/1"}})
    with pytest.raises(OslerError, match="--sample"):
        CliRunner().invoke(pgx, ["call", str(vcf), "--definitions", str(toy)],
                           catch_exceptions=False)
    rows = _run("call", str(vcf), "--sample", "B", "--definitions", str(toy)).splitlines()
    assert any(r.startswith("CYP2C19\t*2/*2\tPoor Metabolizer") for r in rows)
