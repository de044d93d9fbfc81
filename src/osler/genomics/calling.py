"""Pharmacogene calls for a patient: diplotype, phenotype and activity score per gene.

``call_genes(record)`` reads the record's Genotype events (from a VCF or the store), calls
every gene that has an allele definition, and looks up its phenotype.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from osler.errors import OslerError
from osler.genomics.definitions import GeneDefinition, load_definitions
from osler.genomics.matcher import GeneCall, SampleCall, call_diplotypes, variant_haplotypes
from osler.genomics.phenotype import Phenotype, activity_values, phenotype_of
from osler.ingest._vcf_reference import _bare
from osler.record import (LOINC, OSLER, Coding, EventKind, Genotype, Observation, PatientRecord,
                          Provenance, event_id)

__all__ = ["PgxCall", "call_genes", "call_observations", "read_outside_calls", "sample_calls"]

#: CYP2D6 needs copy-number and structural calls that a VCF does not carry; PharmCAT calls it
#: only in research mode and otherwise takes it from an "outside call".
NOT_CALLED_FROM_VCF = frozenset({"CYP2D6"})

#: Genes whose unphased calls PharmCAT reduces to the two lowest-function alleles found.
LOWEST_FUNCTION = frozenset({"DPYD"})


def _lowest_function(definition: GeneDefinition, calls: dict[int, SampleCall], call: GeneCall,
                     definitions: str | Path | None) -> GeneCall:
    """Unphased DPYD: the two lowest-activity variant alleles the sample carries (Reference
    fills in when fewer than two), as PharmCAT's DPYD rule does, instead of a scored pair."""
    found = variant_haplotypes(definition, calls)
    values = activity_values(definition.gene, definitions)
    found.sort(key=lambda name: (values.get(name, float("inf")), name))
    pair = tuple(found[:2]) + (definition.reference.name,) * max(0, 2 - len(found))
    ordered = tuple(sorted(pair, key=lambda n: (n != definition.reference.name, n)))
    return replace(call, diplotypes=(ordered,), method="lowest function")


@dataclass(frozen=True)
class PgxCall:
    """One gene's result: the matcher's call, its phenotype, and where it came from."""

    call: GeneCall
    phenotype: Phenotype
    source: str = "vcf"          # 'vcf' or 'outside call'

    @property
    def gene(self) -> str:
        return self.call.gene

    @property
    def diplotype(self) -> str:
        return self.call.label

    def to_dict(self) -> dict:
        """The JSON form used by ``osler pgx call --format json`` (maps onto the FHIR output)."""
        return {"gene": self.gene, "diplotype": self.diplotype,
                "diplotypes": ["/".join(d) for d in self.call.diplotypes],
                "phenotype": self.phenotype.phenotype,
                "activity_score": self.phenotype.activity_score,
                "allele_functions": list(self.phenotype.functions),
                "match_score": self.call.score, "phased": self.call.phased,
                "method": self.call.method,
                "callable": self.call.callable, "source": self.source,
                "missing_positions": [p.label for p in self.call.missing],
                "genotypes": {k: list(v) for k, v in self.call.evidence.items()}}


def sample_calls(genotypes: Iterable[Genotype]) -> dict[tuple[str, int], SampleCall]:
    """Calls keyed by (chromosome without ``chr``, position) from Genotype events."""
    return {(_bare(g.chrom), g.pos): SampleCall(tuple(g.alleles), g.phased) for g in genotypes}


def read_outside_calls(path: Path) -> dict[str, tuple[str, ...]]:
    """PharmCAT-style outside calls: ``GENE<TAB>*1/*3`` per line (other genes ignored here)."""
    out = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise OslerError(f"outside calls {Path(path).name}, line {n}: expected "
                             f"'GENE<TAB>diplotype'; got {line!r}")
        out[parts[0].strip()] = tuple(parts[1].strip().split("/"))
    return out


def call_genes(record: PatientRecord, *, definitions: str | Path | None = None,
               genes: Iterable[str] | None = None,
               outside: dict[str, tuple[str, ...]] | None = None,
               top_only: bool = True) -> list[PgxCall]:
    """Call every defined gene (or ``genes``) for a patient from their Genotype events.

    Parameters
    ----------
    record : PatientRecord
    definitions : path, optional
        PharmCAT data folder; default ``$OSLER_PHARMCAT_DIR`` or ``../shared/data/pharmcat``.
    genes : iterable of str, optional
        Restrict to these genes.
    outside : dict, optional
        Diplotypes called elsewhere (gene -> allele names), used instead of the VCF, as
        PharmCAT does for CYP2D6.
    top_only : bool, default True
        PharmCAT's default: only the top-scoring diplotypes. ``False`` keeps every fitting
        diplotype, best first (PharmCAT's "all matches"); the phenotype is then Indeterminate
        unless they all share one.
    """
    calls = sample_calls(g for g in record.of_kind(EventKind.GENOTYPE))
    by_chrom: dict[str, dict[int, SampleCall]] = {}
    for (chrom, pos), call in calls.items():
        by_chrom.setdefault(chrom, {})[pos] = call
    outside = outside or {}
    wanted = set(genes) if genes is not None else None
    results = []
    for gene, definition in load_definitions(definitions).items():
        if wanted is not None and gene not in wanted:
            continue
        if gene in outside:
            call = GeneCall(gene, (outside[gene],), 0, (), False, method="outside call")
            results.append(PgxCall(call, phenotype_of(call, definitions), "outside call"))
            continue
        if gene in NOT_CALLED_FROM_VCF:
            continue
        chrom_calls = by_chrom.get(definition.positions[0].chrom, {})
        call = call_diplotypes(definition, chrom_calls, top_only=top_only)
        if gene in LOWEST_FUNCTION and call.callable and not call.phased:
            call = _lowest_function(definition, chrom_calls, call, definitions)
        results.append(PgxCall(call, phenotype_of(call, definitions)))
    return results


def call_observations(patient_id: str, calls: list[PgxCall], source: str) -> list[Observation]:
    """Gene calls as timeline events: a genotype and a phenotype Observation per gene.

    Codes follow the FHIR output (LOINC 84413-4 genotype, 53040-2 phenotype); the gene is the
    ``value_code``. No time: a VCF does not say when the sample was taken.
    """
    out = []
    for c in calls:
        gene = Coding(f"{OSLER}:gene", c.gene, c.gene)
        prov = Provenance(source, f"{c.gene} ({c.source})")
        out.append(Observation(
            id=event_id("pgx", patient_id, c.gene, "genotype"), provenance=prov,
            coding=Coding(LOINC, "84413-4", "Genotype display name"), category="laboratory",
            value_text=c.diplotype, value_code=gene,
            status="final" if c.call.diplotypes else "preliminary"))
        if c.phenotype.phenotype:
            out.append(Observation(
                id=event_id("pgx", patient_id, c.gene, "phenotype"), provenance=prov,
                coding=Coding(LOINC, "53040-2", "Genetic variation's effect on drug metabolism"),
                category="laboratory", value_text=c.phenotype.phenotype, value_code=gene,
                status="final" if c.call.diplotypes else "preliminary"))
    return out
