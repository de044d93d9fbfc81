"""``osler pgx call|recommend``: pharmacogene calls and CPIC recommendations."""

from __future__ import annotations

import json
from pathlib import Path

import click

from osler.cli._common import db_option, resolve_db, single_option

__all__ = ["pgx"]

_TSV_COLUMNS = ("gene", "diplotype", "phenotype", "activity_score", "missing_positions")

definitions_option = single_option(
    "--definitions", type=click.Path(exists=True, file_okay=False), default=None,
    help="PharmCAT data folder (definition/alleles, phenotype); default $OSLER_PHARMCAT_DIR "
         "or ../shared/data/pharmcat.")


@click.group()
def pgx() -> None:
    """Pharmacogenomics: star alleles, phenotypes and CPIC drug-gene recommendations."""


def _record_from_vcf(vcf: Path, sample: str | None, definitions: str | None):  # noqa: ANN202
    from osler.errors import OslerError
    from osler.ingest.vcf import read_vcf

    records = list(read_vcf(vcf, sample=sample, definitions=definitions))
    if len(records) != 1:
        names = ", ".join(r.patient_id for r in records[:5])
        raise OslerError(f"{vcf.name} has {len(records)} samples ({names}...); choose one with "
                         "--sample")
    return records[0]


@pgx.command("call")
@click.argument("vcf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@single_option("--sample", default=None, help="Sample to call (needed for multi-sample VCFs).")
@single_option("--format", "fmt", type=click.Choice(["tsv", "json", "fhir"]), default="tsv",
               show_default=True)
@single_option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
               help="Write here instead of standard output.")
@single_option("--outside-calls", type=click.Path(exists=True, dir_okay=False, path_type=Path),
               default=None, help="PharmCAT-style outside calls (GENE<TAB>diplotype), e.g. CYP2D6.")
@click.option("--save", is_flag=True,
              help="Also store the genotypes and the gene calls in the patient's timeline (--db).")
@db_option
@definitions_option
def call(vcf: Path, sample: str | None, fmt: str, out: Path | None, outside_calls: Path | None,
         save: bool, db: str | None, definitions: str | None) -> None:
    """Call every pharmacogene with an allele definition for one sample of VCF."""
    from osler.genomics.calling import call_genes, read_outside_calls
    from osler.genomics.fhir import to_fhir_bundle

    record = _record_from_vcf(vcf, sample, definitions)
    outside = read_outside_calls(outside_calls) if outside_calls else None
    calls = call_genes(record, definitions=definitions, outside=outside)
    if save:
        from osler.genomics.calling import call_observations
        from osler.store import open_store
        with open_store(resolve_db(db)) as store:
            store.write([record.with_events(call_observations(record.patient_id, calls, vcf.name))])
    if fmt == "tsv":
        lines = ["\t".join(_TSV_COLUMNS)]
        for c in calls:
            d = c.to_dict()
            lines.append("\t".join([d["gene"], d["diplotype"], d["phenotype"],
                                    d["activity_score"] or "", ";".join(d["missing_positions"])]))
        text = "\n".join(lines) + "\n"
    elif fmt == "json":
        text = json.dumps({"patient": record.patient_id, "source": vcf.name,
                           "genes": [c.to_dict() for c in calls]}, indent=2) + "\n"
    else:
        text = json.dumps(to_fhir_bundle(calls, record.patient_id), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"{len(calls)} genes called for {record.patient_id}; wrote {out}", err=True)


@pgx.command("recommend")
@single_option("--drug", required=True, help="Generic drug name, e.g. clopidogrel.")
@single_option("--patient", default=None, help="Patient id in the store (reads Genotype events).")
@single_option("--vcf", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
               help="Call from this VCF instead of the store.")
@single_option("--sample", default=None, help="Sample of a multi-sample VCF.")
@click.option("--json", "as_json", is_flag=True, help="Print the recommendation as JSON.")
@db_option
@definitions_option
def recommend_command(drug: str, patient: str | None, vcf: Path | None, sample: str | None,
                      as_json: bool, db: str | None, definitions: str | None) -> None:
    """CPIC recommendation for DRUG, for a stored patient or a VCF sample."""
    from osler.errors import OslerError
    from osler.genomics.calling import call_genes
    from osler.genomics.recommend import recommend

    if (patient is None) == (vcf is None):
        raise click.UsageError("give exactly one of --patient and --vcf")
    if vcf is not None:
        record = _record_from_vcf(vcf, sample, definitions)
    else:
        from osler.store import open_store
        with open_store(resolve_db(db), read_only=True) as store:
            record = store.patient(patient)
        if record is None:
            raise OslerError(f"patient {patient!r} is not in the store {resolve_db(db)}")
    result = recommend(call_genes(record, definitions=definitions), drug)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(f"{result.drug}: {result.status}" + (f" ({result.detail})" if result.detail else ""))
    for e in result.evidence:
        score = f", activity score {e['activity_score']}" if e["activity_score"] else ""
        click.echo(f"  {e['gene']} {e['diplotype']}: {e['phenotype'] or '-'}{score}")
    for r in result.rules:
        click.echo(f"  [{r.strength}] {r.recommendation}\n    {r.guideline}, {r.version}: "
                   f"{r.citation}")


recommend_command.name = "recommend"
