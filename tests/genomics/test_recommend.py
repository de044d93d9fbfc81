"""CPIC recommendations for every covered drug-gene pair, incl. indeterminate and uncovered."""

from __future__ import annotations

import json

import pytest

from osler.errors import OslerError
from osler.genomics.calling import PgxCall
from osler.genomics.matcher import GeneCall
from osler.genomics.phenotype import Phenotype
from osler.genomics.recommend import _parse, drugs, load_guidelines, recommend


def _gene(gene: str, phenotype: str, diplotype=("*1", "*1"), score: str | None = None) -> PgxCall:
    return PgxCall(GeneCall(gene, (diplotype,), 2, (), False), Phenotype(phenotype, score, ()))


def _uncalled(gene: str) -> PgxCall:
    return PgxCall(GeneCall(gene, (), 0, (), False, callable=False), Phenotype("Indeterminate", None, ()))


NM, IM, PM = "Normal Metabolizer", "Intermediate Metabolizer", "Poor Metabolizer"
NF = "Normal Function"

# drug, calls, expected rule id, expected strength
CASES = [
    ("clopidogrel", [_gene("CYP2C19", NM)], "clopidogrel-normal", "strong"),
    ("clopidogrel", [_gene("CYP2C19", PM)], "clopidogrel-poor", "strong"),
    ("clopidogrel", [_gene("CYP2C19", "Likely Intermediate Metabolizer")], "clopidogrel-intermediate", "strong"),
    ("warfarin", [_gene("CYP2C9", NM, score="2.0"), _gene("VKORC1", "-1639 AG"), _gene("CYP4F2", "")],
     "warfarin-algorithm", "strong"),
    ("simvastatin", [_gene("SLCO1B1", "Poor Function")], "simvastatin-slco1b1-poor", "strong"),
    ("simvastatin", [_gene("SLCO1B1", "Decreased Function")], "simvastatin-slco1b1-decreased", "strong"),
    ("simvastatin", [_gene("SLCO1B1", "Possible Decreased Function")], "simvastatin-slco1b1-decreased",
     "strong"),
    ("atorvastatin", [_gene("SLCO1B1", "Poor Function")], "atorvastatin-slco1b1-poor", "moderate"),
    ("rosuvastatin", [_gene("SLCO1B1", NF), _gene("ABCG2", "Poor Function")], "rosuvastatin-abcg2-poor", "moderate"),
    ("rosuvastatin", [_gene("SLCO1B1", NF), _gene("ABCG2", NF)], "rosuvastatin-slco1b1-normal", "strong"),
    ("pravastatin", [_gene("SLCO1B1", "Poor Function")], "pravastatin-slco1b1-reduced", "see guideline"),
    # CPIC 2017 Table 2 + November 2018 update: both reduce by 50%; strong at 1, moderate at 1.5
    ("fluorouracil", [_gene("DPYD", IM, score="1.5")], "fluoropyrimidine-dpyd-intermediate-1.5", "moderate"),
    ("capecitabine", [_gene("DPYD", IM, score="1.0")], "fluoropyrimidine-dpyd-intermediate-1", "strong"),
    ("capecitabine", [_gene("DPYD", PM, score="0.0")], "fluoropyrimidine-dpyd-poor-0", "strong"),
    ("capecitabine", [_gene("DPYD", NM, score="2.0")], "fluoropyrimidine-dpyd-normal", "strong"),
    ("mercaptopurine", [_gene("TPMT", IM), _gene("NUDT15", NM)], "mercaptopurine-tpmt-intermediate", "strong"),
    ("azathioprine", [_gene("TPMT", NM), _gene("NUDT15", PM)], "azathioprine-nudt15-poor", "strong"),
    ("thioguanine", [_gene("TPMT", NM), _gene("NUDT15", IM)], "thioguanine-nudt15-intermediate", "moderate"),
    ("azathioprine", [_gene("TPMT", NM), _gene("NUDT15", "Possible Intermediate Metabolizer")],
     "azathioprine-nudt15-intermediate", "strong"),
    ("mercaptopurine", [_gene("TPMT", IM), _gene("NUDT15", IM)], "mercaptopurine-both-intermediate",
     "see guideline"),
    ("tacrolimus", [_gene("CYP3A5", PM)], "tacrolimus-poor", "strong"),
    ("tacrolimus", [_gene("CYP3A5", NM)], "tacrolimus-expresser", "strong"),
    ("efavirenz", [_gene("CYP2B6", PM)], "efavirenz-poor", "moderate"),
    ("atazanavir", [_gene("UGT1A1", PM)], "atazanavir-poor", "strong"),
    ("voriconazole", [_gene("CYP2C19", "Ultrarapid Metabolizer")], "voriconazole-rapid", "moderate"),
    ("citalopram", [_gene("CYP2C19", PM)], "citalopram-cyp2c19-poor", "moderate"),
    ("escitalopram", [_gene("CYP2C19", IM)], "citalopram-cyp2c19-intermediate", "moderate"),
    ("sertraline", [_gene("CYP2C19", PM), _gene("CYP2B6", NM)], "sertraline-cyp2c19-poor", "moderate"),
    ("sertraline", [_gene("CYP2C19", NM), _gene("CYP2B6", PM)], "sertraline-cyp2b6-not-normal",
     "see guideline"),
]


@pytest.mark.parametrize(("drug", "calls", "rule_id", "strength"), CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_recommendation_per_drug_gene_pair(drug, calls, rule_id, strength) -> None:
    result = recommend(calls, drug)
    assert result.status == "recommendation"
    assert rule_id in [r.id for r in result.rules]
    rule = next(r for r in result.rules if r.id == rule_id)
    assert rule.strength == strength
    assert rule.citation and rule.version and "CPIC" in rule.guideline
    assert {e["gene"] for e in result.evidence} <= set(result.genes)


def test_warfarin_cyp4f2_star3_adds_the_adjustment() -> None:
    calls = [_gene("CYP2C9", NM), _gene("VKORC1", "-1639 GG"), _gene("CYP4F2", "", ("*1", "*3"))]
    assert [r.id for r in recommend(calls, "warfarin").rules] == [
        "warfarin-algorithm", "warfarin-cyp4f2-star3"]


@pytest.mark.parametrize("drug", sorted(drugs()))
def test_indeterminate_genotype(drug: str) -> None:
    genes = {g for r in load_guidelines() if drug in r.drugs for g in r.when}
    result = recommend([_uncalled(g) for g in genes], drug)
    assert result.status == "indeterminate genotype"
    assert not result.rules


@pytest.mark.parametrize(("drug", "calls"), [
    ("clopidogrel", [_gene("CYP2C19", "Uncertain Metabolizer")]),  # determinate, not tabulated
    ("efavirenz", [_gene("CYP2B6", "Possible Intermediate Metabolizer")]),
    ("atazanavir", [_gene("UGT1A1", "Rapid Metabolizer")]),
])
def test_no_recommendation(drug, calls) -> None:
    assert recommend(calls, drug).status == "no recommendation"


def test_unknown_drug_has_no_guideline() -> None:
    assert recommend([_gene("CYP2C19", NM)], "aspirin").status == "no guideline"


def test_every_rule_cites_its_guideline_and_pairs_are_covered() -> None:
    rules = load_guidelines()
    assert all(r.citation and r.version and r.url.startswith("https://cpicpgx.org") for r in rules)
    covered = {(d, g) for r in rules for d in r.drugs for g in r.when}
    for pair in [("clopidogrel", "CYP2C19"), ("warfarin", "CYP2C9"), ("warfarin", "VKORC1"),
                 ("warfarin", "CYP4F2"), ("simvastatin", "SLCO1B1"), ("rosuvastatin", "ABCG2"),
                 ("fluorouracil", "DPYD"), ("capecitabine", "DPYD"), ("mercaptopurine", "TPMT"),
                 ("mercaptopurine", "NUDT15"), ("tacrolimus", "CYP3A5"), ("efavirenz", "CYP2B6"),
                 ("atazanavir", "UGT1A1"), ("voriconazole", "CYP2C19"), ("citalopram", "CYP2C19"),
                 ("escitalopram", "CYP2C19"), ("sertraline", "CYP2C19")]:
        assert pair in covered


def test_loader_rejects_unknown_keys_by_name() -> None:
    data = {"guideline": "g", "citation": "c", "version": "v", "url": "u", "genes": ["CYP2C19"],
            "rules": [{"id": "x", "drugs": ["d"], "when": {"CYP2C19": {"phenotyp": ["NM"]}},
                       "recommendation": "r", "strength": "strong", "implication": "i"}]}
    with pytest.raises(OslerError, match="phenotyp"):
        _parse("bad.json", data)
    with pytest.raises(OslerError, match="colour"):
        _parse("bad.json", {**data, "colour": 1})
    bad_rule = json.loads(json.dumps(data))
    bad_rule["rules"][0]["strength"] = "very strong"
    bad_rule["rules"][0]["when"] = {"CYP2C19": {"phenotype": ["NM"]}}
    with pytest.raises(OslerError, match="strength"):
        _parse("bad.json", bad_rule)


@pytest.mark.parametrize("drug", sorted(drugs()))
def test_determinate_but_untabulated_genotype(drug: str) -> None:
    """A phenotype no rule lists gives 'no recommendation' (warfarin's rule needs only a call)."""
    genes = {g for r in load_guidelines() if drug in r.drugs for g in r.when}
    calls = [_gene(g, "Uncertain Function") for g in genes]
    expected = "recommendation" if drug == "warfarin" else "no recommendation"
    result = recommend(calls, drug)
    assert result.status == expected
    assert [e["gene"] for e in result.evidence] == sorted(genes)
