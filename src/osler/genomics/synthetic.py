"""A toy PharmCAT data folder and VCFs, for portable tests and demos (synthetic, not real data).

The folder has the same JSON schema as PharmCAT's (``definition/alleles/*_translation.json``,
``definition/alleles/exemptions.json``, ``phenotype/*.json``) but invented, tiny genes:

* ``CYP2C19`` on chr10 with positions 1000 (C>T), 2000 (A>G), 3000 (CT>C, a deletion) and
  4000 (G>A); alleles ``*1`` (reference), ``*2`` (T at 1000), ``*3`` (G at 2000), ``*17``
  (deletion at 3000), ``*4`` (T at 1000 and A at 4000) and ``*9`` (IUPAC ``R`` = A or G at
  2000 with A at 4000).
* ``TPMT`` on chr6 with one position 5000 (A>G); ``*1`` and ``*3C``. PharmCAT treats
  undocumented TPMT variation as reference.

Phenotypes map diplotypes to metabolizer status the way PharmCAT's tables do; the names are
real gene symbols only so that CPIC rules can be exercised end to end.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["TOY_POSITIONS", "write_toy_pharmcat", "write_vcf"]

#: (chrom, pos, ref, alt, rsid) of the toy definitions.
TOY_POSITIONS = (("chr10", 1000, "C", "T", "rs1000"), ("chr10", 2000, "A", "G", "rs2000"),
                 ("chr10", 3000, "CT", "C", "rs3000"), ("chr10", 4000, "G", "A", "rs4000"),
                 ("chr6", 5000, "A", "G", "rs5000"))


def _variant(chrom: str, pos: int, ref: str, alt: str, rsid: str) -> dict:
    return {"chromosome": chrom, "position": pos, "cpicPosition": pos, "rsid": rsid,
            "chromosomeHgvsName": f"g.{pos}{ref}>{alt}", "cpicAlleles": [ref, alt],
            "cpicToVcfAlleleMap": {ref: ref, alt: alt}, "ref": ref, "alts": [alt]}


def _allele(name: str, alleles: list, reference: bool = False) -> dict:
    return {"name": name, "id": f"TOY-{name}", "alleles": alleles, "cpicAlleles": alleles,
            "reference": reference, "structuralVariant": False, "corePositions": [],
            "score": sum(a is not None for a in alleles), "numCombinations": 0,
            "numPartials": 0}


def _gene_file(gene: str, chrom: str, variants: list[dict], alleles: list[dict]) -> dict:
    return {"formatVersion": "2", "source": "TOY", "version": "toy-1", "modificationDate": "",
            "gene": gene, "orientation": None, "chromosome": chrom, "genomeBuild": "GRCh38.p14",
            "refSeqChromosomeId": "", "variants": variants, "namedAlleles": alleles,
            "singularVariants": [], "positionToAlleles": {}, "positionToLocus": {},
            "hiddenCoreAlleles": [], "suballelesMap": {}}


def _phenotypes(gene: str, functions: dict[str, str], diplotypes: dict[str, str]) -> dict:
    rows = []
    for dip, phenotype in diplotypes.items():
        a, b = dip.split("/")
        key = {a: 2} if a == b else {a: 1, b: 1}
        rows.append({"generesult": phenotype, "diplotype": dip, "description": None,
                     "lookupkey": phenotype, "diplotypekey": key, "activityScore": None,
                     "phenotype": phenotype})
    return {"gene": gene, "haplotypes": functions, "activityValues": {}, "diplotypes": rows,
            "namedAlleles": [], "version": "toy-1"}


def write_toy_pharmcat(folder: Path) -> Path:
    """Write the toy PharmCAT folder under ``folder`` and return it."""
    alleles_dir = Path(folder) / "definition" / "alleles"
    phenotype_dir = Path(folder) / "phenotype"
    alleles_dir.mkdir(parents=True, exist_ok=True)
    phenotype_dir.mkdir(parents=True, exist_ok=True)
    cyp = [_variant(*p) for p in TOY_POSITIONS[:4]]
    cyp_alleles = [_allele("*1", ["C", "A", "CT", "G"], reference=True),
                   _allele("*2", ["T", None, None, None]), _allele("*3", [None, "G", None, None]),
                   _allele("*17", [None, None, "C", None]), _allele("*4", ["T", None, None, "A"]),
                   _allele("*9", [None, "R", None, "A"])]
    tpmt = [_variant(*TOY_POSITIONS[4])]
    tpmt_alleles = [_allele("*1", ["A"], reference=True), _allele("*3C", ["G"])]
    files = {"CYP2C19": _gene_file("CYP2C19", "chr10", cyp, cyp_alleles),
             "TPMT": _gene_file("TPMT", "chr6", tpmt, tpmt_alleles)}
    for gene, data in files.items():
        (alleles_dir / f"{gene}_translation.json").write_text(json.dumps(data), encoding="utf-8")
    (alleles_dir / "exemptions.json").write_text("{}", encoding="utf-8")
    cyp_functions = {"*1": "Normal function", "*2": "No function", "*3": "No function",
                     "*17": "Increased function", "*4": "No function", "*9": "Decreased function"}
    cyp_dips = {"*1/*1": "Normal Metabolizer", "*1/*2": "Intermediate Metabolizer",
                "*1/*3": "Intermediate Metabolizer", "*2/*2": "Poor Metabolizer",
                "*2/*3": "Poor Metabolizer", "*1/*17": "Rapid Metabolizer",
                "*17/*17": "Ultrarapid Metabolizer", "*2/*17": "Intermediate Metabolizer",
                "*1/*4": "Intermediate Metabolizer", "*1/*9": "Intermediate Metabolizer"}
    tpmt_dips = {"*1/*1": "Normal Metabolizer", "*1/*3C": "Intermediate Metabolizer",
                 "*3C/*3C": "Poor Metabolizer"}
    for gene, functions, dips in (("CYP2C19", cyp_functions, cyp_dips),
                                  ("TPMT", {"*1": "Normal function", "*3C": "No function"},
                                   tpmt_dips)):
        (phenotype_dir / f"{gene}.json").write_text(
            json.dumps(_phenotypes(gene, functions, dips)), encoding="utf-8")
    return Path(folder)


def write_vcf(path: Path, samples: dict[str, dict[int, str]], *, header: str = "",
              chr_prefix: bool = True, rows: list[str] | None = None) -> Path:
    """Write a VCF over the toy positions; ``samples`` maps name -> {position: GT}.

    Positions a sample does not list are written ``0/0``; ``rows`` replaces the body entirely
    (tab-separated lines) for malformed-file tests.
    """
    names = list(samples)
    lines = ["##fileformat=VCFv4.2", "##reference=GRCh38",
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">']
    if header:
        lines.append(header)
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *names]))
    if rows is None:
        rows = []
        for chrom, pos, ref, alt, rsid in sorted(TOY_POSITIONS, key=lambda p: (p[0] != "chr6", p[1])):
            name = chrom if chr_prefix else chrom[3:]
            gts = [samples[s].get(pos, "0/0") for s in names]
            rows.append("\t".join([name, str(pos), rsid, ref, alt, ".", "PASS", ".", "GT", *gts]))
    Path(path).write_text("\n".join(lines + rows) + "\n", encoding="utf-8")
    return Path(path)
