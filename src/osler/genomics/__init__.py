"""Pharmacogenomics: allele definitions, diplotype calling, phenotypes, CPIC rules and dosing.

Allele definitions and phenotype tables are PharmCAT's, read at run time from the shared
folder (``$OSLER_PHARMCAT_DIR``); drug-gene rules and dosing coefficients are Osler's own
versioned data under ``osler/resources``.
"""

from osler.genomics.calling import (PgxCall, call_genes, call_observations, read_outside_calls,
                                    sample_calls)
from osler.genomics.definitions import GeneDefinition, NamedAllele, Position, load_definitions
from osler.genomics.dosing import dosing_inputs, iwpc_dose
from osler.genomics.fhir import to_fhir_bundle, to_observations
from osler.genomics.matcher import GeneCall, SampleCall, call_diplotypes
from osler.genomics.phenotype import Phenotype, phenotype_of
from osler.genomics.recommend import Recommendation, Rule, drugs, load_guidelines, recommend

__all__ = [
    "GeneCall",
    "GeneDefinition",
    "NamedAllele",
    "PgxCall",
    "Phenotype",
    "Position",
    "Recommendation",
    "Rule",
    "SampleCall",
    "call_diplotypes",
    "call_genes",
    "call_observations",
    "dosing_inputs",
    "drugs",
    "iwpc_dose",
    "load_definitions",
    "load_guidelines",
    "phenotype_of",
    "read_outside_calls",
    "recommend",
    "sample_calls",
    "to_fhir_bundle",
    "to_observations",
]
