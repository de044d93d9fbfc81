"""Agreement with PharmCAT on its own example and test VCFs (reads ../shared/data/pharmcat)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

pytest.importorskip("cyvcf2")
pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def pharmcat(shared_data: Path) -> Path:
    return shared_data / "pharmcat"


@pytest.fixture(scope="module")
def example_calls(pharmcat: Path) -> dict:
    from osler.genomics import call_genes, read_outside_calls
    from osler.ingest.vcf import read_vcf
    ex = pharmcat / "examples"
    (record,) = read_vcf(ex / "pharmcat.example.vcf", definitions=pharmcat)
    calls = call_genes(record, definitions=pharmcat,
                       outside=read_outside_calls(ex / "pharmcat.example.outsideCall.tsv"))
    return {c.gene: c for c in calls}


def test_example_report_agrees_on_every_gene(pharmcat: Path, example_calls: dict) -> None:
    lines = (pharmcat / "examples" / "pharmcat.example.report.tsv").read_text().splitlines()[1:]
    rows = list(csv.DictReader(lines, delimiter="\t"))
    assert len(rows) >= 19
    for row in rows:
        call = example_calls[row["Gene"]]
        assert sorted(call.call.diplotypes[0]) == sorted(row["Source Diplotype"].split("/")), row["Gene"]
        assert call.phenotype.phenotype.strip() == row["Phenotype"].strip(), row["Gene"]
        assert (call.phenotype.activity_score or "") == row["Activity Score"].strip(), row["Gene"]


def test_cpic_strengths_agree_with_pharmcat_report(pharmcat: Path, example_calls: dict) -> None:
    """For the example patient, our rule strength equals PharmCAT's CPIC classification."""
    from osler.genomics.recommend import drugs, recommend
    report = json.loads((pharmcat / "examples" / "pharmcat.example.report.json").read_text())
    cpic = report["drugs"]["CPIC Guideline Annotation"]
    compared = 0
    for drug in sorted(drugs()):
        theirs = {a.get("classification", "").lower()
                  for g in (cpic.get(drug) or {}).get("guidelines", [])
                  for a in g.get("annotations", []) if a.get("classification")}
        if not theirs:
            continue
        ours = recommend(list(example_calls.values()), drug)
        assert ours.status == "recommendation", drug
        assert {r.strength for r in ours.rules} <= theirs, drug
        compared += 1
    assert compared >= 10


@pytest.mark.parametrize(("relative", "gene", "expected"), [
    ("cyp2c19/s2s2.vcf", "CYP2C19", ("*2", "*2")),
    ("cyp2c19/s1s4b.vcf", "CYP2C19", ("*1", "*4")),
    ("NUDT15/s3ref.vcf", "NUDT15", ("*1", "*3")),
    ("UGT1A1/s28s80phased.vcf", "UGT1A1", ("*1", "*80+*28")),  # phased on one strand
    ("VKORC1/-1639A-1639A.vcf", "VKORC1", ("rs9923231 variant (T)", "rs9923231 variant (T)")),
])
def test_named_test_vcfs(pharmcat: Path, relative: str, gene: str, expected) -> None:
    from osler.genomics import call_genes
    from osler.ingest.vcf import read_vcf
    (record,) = read_vcf(pharmcat / "test-vcf" / "haplotype" / relative, definitions=pharmcat)
    (call,) = call_genes(record, definitions=pharmcat, genes=[gene])
    assert [tuple(sorted(d)) for d in call.call.diplotypes] == [tuple(sorted(expected))]


@pytest.mark.parametrize(("relative", "gene", "top_only", "expected"), [
    # PharmCAT's PipelineTest: *1 and the reference *38 tie when rs3758581 is missing
    ("cyp2c19/s4s17missingS1.vcf", "CYP2C19", True, {("*1", "*4"), ("*38", "*4")}),
    # PipelineTest.testSlco1b1Test4: the *45.001 suballele is reported as *45
    ("SLCO1B1/s5s45.vcf", "SLCO1B1", True, {("*45", "*5")}),
    # NamedAlleleMatcherTpmtTest.tpmts3bs3c, every fitting pair (*1/*3A scores higher)
    ("TPMT/s3bs3c.vcf", "TPMT", False, {("*1", "*3A"), ("*3B", "*3C")}),
    # NamedAlleleMatcherCyp2c9Test.cyp2c9s2s24Only: *2 and *24 on one strand is not called
    ("cyp2c9/s2s24only.vcf", "CYP2C9", False, set()),
])
def test_pharmcat_test_assertions(pharmcat: Path, relative: str, gene: str, top_only: bool,
                                  expected: set) -> None:
    from osler.genomics import call_genes
    from osler.ingest.vcf import read_vcf
    (record,) = read_vcf(pharmcat / "test-vcf" / "haplotype" / relative, definitions=pharmcat,
                         allow_unsorted=True)
    (call,) = call_genes(record, definitions=pharmcat, genes=[gene], top_only=top_only)
    assert {tuple(sorted(d)) for d in call.call.diplotypes} == expected
    if relative.startswith("SLCO1B1"):
        assert call.phenotype.phenotype == "Poor Function"  # the table row for *5/*45


def test_unsorted_and_multisample_test_files(pharmcat: Path) -> None:
    from osler.errors import IngestError
    from osler.ingest.vcf import read_vcf
    haplotype = pharmcat / "test-vcf" / "haplotype"
    with pytest.raises(IngestError, match="not sorted"):
        list(read_vcf(haplotype / "TPMT" / "s1s1.vcf", definitions=pharmcat))
    records = list(read_vcf(haplotype / "VcfSampleReaderTest-multisample.vcf", definitions=pharmcat))
    assert [r.patient_id for r in records] == ["Sample_1", "Sample_2"]


def test_unphased_dpyd_uses_the_two_lowest_function_alleles(pharmcat: Path) -> None:
    from osler.genomics.definitions import load_definitions
    from osler.genomics.phenotype import activity_values
    from osler.record import Genotype, PatientRecord, Provenance
    from osler.genomics import call_genes
    definition = load_definitions(pharmcat)["DPYD"]
    values = activity_values("DPYD", pharmcat)
    by_name = {a.name: a for a in definition.alleles}
    picks = ["c.61C>T", "c.2846A>T", "c.1627A>G (*5)"]  # activity 0.0, 0.5, 1.0
    assert [values[p] for p in picks] == [0.0, 0.5, 1.0]
    events = []
    for i, p in enumerate(definition.positions):
        alt = next((by_name[n].alleles[i] for n in picks if by_name[n].alleles[i]), None)
        events.append(Genotype(id=str(i), coding=None, provenance=Provenance("synthetic"),
                               chrom=f"chr{p.chrom}", pos=p.pos, ref=p.ref,
                               alleles=(p.ref, alt or p.ref)))
    record = PatientRecord(patient_id="S", provenance=Provenance("synthetic"), events=tuple(events))
    (call,) = call_genes(record, definitions=pharmcat, genes=["DPYD"])
    assert call.call.method == "lowest function"
    assert sorted(call.call.diplotypes[0]) == ["c.2846A>T", "c.61C>T"]
    assert call.phenotype.activity_score == "0.5"
