"""Diplotype calling on the toy definitions: phasing, missing positions, IUPAC, scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from osler.genomics import call_genes, read_outside_calls
from osler.genomics.definitions import GeneDefinition, NamedAllele, Position, load_definitions
from osler.genomics.matcher import SampleCall, call_diplotypes, haplotype_sort_key
from osler.genomics.synthetic import write_toy_pharmcat, write_vcf

pytest.importorskip("cyvcf2")


@pytest.fixture()
def toy(tmp_path: Path) -> Path:
    return write_toy_pharmcat(tmp_path / "pharmcat")


def _call(toy: Path, tmp_path: Path, gts: dict[int, str], gene: str = "CYP2C19"):
    from osler.ingest.vcf import read_vcf
    vcf = write_vcf(tmp_path / "s.vcf", {"S": gts})
    (record,) = read_vcf(vcf, definitions=toy)
    return {c.gene: c for c in call_genes(record, definitions=toy)}[gene]


@pytest.mark.parametrize(("gts", "diplotype", "phenotype"), [
    ({}, "*1/*1", "Normal Metabolizer"),
    ({1000: "0/1"}, "*1/*2", "Intermediate Metabolizer"),
    ({1000: "1/1"}, "*2/*2", "Poor Metabolizer"),
    ({1000: "0/1", 2000: "0/1"}, "*2/*3", "Poor Metabolizer"),  # no allele has both variants
    ({3000: "0/1"}, "*1/*17", "Rapid Metabolizer"),            # a deletion allele
    ({1000: "0/1", 4000: "0/1"}, "*1/*4", "Intermediate Metabolizer"),  # higher score wins
    ({1000: "0|1", 4000: "1|0"}, "*2/*9", "Indeterminate"),   # phased: one strand each
])
def test_diplotypes_and_phenotypes(toy: Path, tmp_path: Path, gts, diplotype, phenotype) -> None:
    call = _call(toy, tmp_path, gts)
    assert call.diplotype == diplotype
    assert call.phenotype.phenotype == phenotype


def test_missing_positions_are_reported_and_scored_without_them(toy: Path, tmp_path: Path) -> None:
    call = _call(toy, tmp_path, {1000: "./.", 2000: "0/1"})
    assert [p.pos for p in call.call.missing] == [1000]
    assert call.diplotype == "*1/*3"
    assert call.call.score == 3 + 1  # reference over 3 positions + *3's one


def test_iupac_wobble_matches_either_base(toy: Path) -> None:
    definition = load_definitions(toy)["CYP2C19"]
    calls = {1000: SampleCall(("C", "C")), 2000: SampleCall(("A", "G")),
             3000: SampleCall(("CT", "CT")), 4000: SampleCall(("G", "A"))}
    result = call_diplotypes(definition, calls)
    assert ("*1", "*9") in result.diplotypes  # *9 is R (A or G) at 2000 and A at 4000


def test_undocumented_variation_counts_as_reference_for_tpmt(toy: Path) -> None:
    definition = load_definitions(toy)["TPMT"]
    assert call_diplotypes(definition, {5000: SampleCall(("A", "T"))}).diplotypes == (("*1", "*1"),)


def test_no_fitting_pair_is_unknown(toy: Path) -> None:
    definition = load_definitions(toy)["CYP2C19"]
    calls = {1000: SampleCall(("C", "A")), 2000: SampleCall(("A", "A")),
             3000: SampleCall(("CT", "CT")), 4000: SampleCall(("G", "G"))}
    result = call_diplotypes(definition, calls)
    assert result.label == "Unknown/Unknown" and result.callable


def test_gene_without_data_is_not_callable(toy: Path) -> None:
    result = call_diplotypes(load_definitions(toy)["TPMT"], {})
    assert not result.callable and [p.pos for p in result.missing] == [5000]


def test_outside_calls_replace_the_vcf(toy: Path, tmp_path: Path) -> None:
    from osler.ingest.vcf import read_vcf
    path = tmp_path / "outside.tsv"
    path.write_text("CYP2C19\t*2/*2\n")
    (record,) = read_vcf(write_vcf(tmp_path / "s.vcf", {"S": {}}), definitions=toy)
    calls = {c.gene: c for c in call_genes(record, definitions=toy,
                                           outside=read_outside_calls(path))}
    assert calls["CYP2C19"].diplotype == "*2/*2" and calls["CYP2C19"].source == "outside call"
    assert calls["CYP2C19"].phenotype.phenotype == "Poor Metabolizer"


def test_all_matches_mode_keeps_every_fitting_pair_best_first(toy: Path) -> None:
    definition = load_definitions(toy)["CYP2C19"]
    calls = {1000: SampleCall(("C", "T")), 2000: SampleCall(("A", "A")),
             3000: SampleCall(("CT", "CT")), 4000: SampleCall(("G", "A"))}
    top = call_diplotypes(definition, calls)
    every = call_diplotypes(definition, calls, top_only=False)
    assert top.diplotypes == (("*1", "*4"),) and top.scores == (top.score,)
    assert every.diplotypes[0] == ("*1", "*4") and ("*2", "*9") in every.diplotypes
    assert list(every.scores) == sorted(every.scores, reverse=True)
    assert every.score == top.score == every.scores[0]


def _suballele_gene() -> GeneDefinition:
    """SLCO1B1-like: core *45 is ambiguous, so it is defined as two concrete suballeles."""
    positions = tuple(Position("12", pos, ref, (alt,), None)
                      for pos, ref, alt in ((100, "A", "G"), (200, "T", "C"), (300, "C", "T")))
    alleles = (NamedAllele("*1", ("A", "T", "C"), True),
               NamedAllele("*5", (None, "C", None), False),
               NamedAllele("*45.001", ("A", "T", "T"), False),
               NamedAllele("*45.002", ("G", "C", "T"), False))
    return GeneDefinition("SLCO1B1", "toy", positions, alleles,
                          suballeles=(("*45.001", "*45"), ("*45.002", "*45")))


@pytest.mark.parametrize(("genotypes", "diplotypes"), [
    ({100: ("A", "A"), 200: ("T", "C"), 300: ("C", "T")}, (("*5", "*45"),)),
    ({100: ("A", "G"), 200: ("T", "C"), 300: ("C", "T")}, (("*1", "*45"),)),
])
def test_suballeles_are_reported_by_their_core_name(genotypes, diplotypes) -> None:
    definition = _suballele_gene()
    assert definition.core_name("*45.002") == "*45" and definition.core_name("*5") == "*5"
    calls = {pos: SampleCall(gt) for pos, gt in genotypes.items()}
    assert call_diplotypes(definition, calls).diplotypes == diplotypes


def test_haplotype_order() -> None:
    assert sorted(["*10", "*2", "*1", "Reference"], key=haplotype_sort_key) == [
        "*1", "*2", "*10", "Reference"]


def test_package_exports_a_sorted_all() -> None:
    import osler.genomics as genomics
    assert genomics.__all__ == sorted(genomics.__all__)
    assert all(hasattr(genomics, name) for name in genomics.__all__)
