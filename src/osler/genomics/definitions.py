"""PharmCAT allele definitions, read as data at run time from the shared PharmCAT folder.

Each ``definition/alleles/<GENE>_translation.json`` lists the gene's positions (GRCh38) and
named alleles: one allele per position or ``null`` where the allele does not define it. The
reference allele defines every position. ``exemptions.json`` adds per-gene rules (ignored
alleles and positions, unphased diplotype priorities). A gene's ``suballelesMap`` names the
concrete suballeles PharmCAT matches in place of a core allele whose definition is ambiguous
(SLCO1B1 ``*45.001`` and ``*45.002`` for ``*45``); calls report the core name. Osler never
copies these files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from osler.errors import OslerError
from osler.ingest._vcf_reference import _bare, pharmcat_dir

__all__ = ["GeneDefinition", "NamedAllele", "Position", "load_definitions"]


@dataclass(frozen=True, slots=True)
class Position:
    """A position the gene's alleles are defined on."""

    chrom: str          # without 'chr'
    pos: int
    ref: str
    alts: tuple[str, ...]
    rsid: str | None

    @property
    def label(self) -> str:
        return f"chr{self.chrom}:{self.pos}" + (f" ({self.rsid})" if self.rsid else "")


@dataclass(frozen=True, slots=True)
class NamedAllele:
    """A star allele or named haplotype: an allele (VCF bases or IUPAC code) per position."""

    name: str
    alleles: tuple[str | None, ...]
    reference: bool

    @property
    def score(self) -> int:
        """Positions the allele defines: PharmCAT's match score for it."""
        return sum(a is not None for a in self.alleles)


@dataclass(frozen=True, slots=True)
class GeneDefinition:
    """One gene's positions, named alleles and exemptions."""

    gene: str
    version: str
    positions: tuple[Position, ...]
    alleles: tuple[NamedAllele, ...]
    ignored_positions: frozenset[int] = frozenset()
    unphased_priorities: tuple[tuple[frozenset[str], str], ...] = ()
    suballeles: tuple[tuple[str, str], ...] = ()   # (suballele, core allele) pairs

    @property
    def reference(self) -> NamedAllele:
        return next(a for a in self.alleles if a.reference)

    def core_name(self, name: str) -> str:
        """The name PharmCAT reports for a matched allele: the core name of a suballele."""
        return next((core for sub, core in self.suballeles if sub == name), name)


_GENE_KEYS = {"formatVersion", "source", "version", "modificationDate", "gene", "orientation",
              "chromosome", "genomeBuild", "refSeqChromosomeId", "variants", "namedAlleles",
              "singularVariants", "positionToAlleles", "positionToLocus", "hiddenCoreAlleles",
              "suballelesMap"}


def _gene(path: Path, exemption: dict | None) -> GeneDefinition:
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - _GENE_KEYS
    if unknown:
        raise OslerError(f"allele definition {path.name}: unknown keys {sorted(unknown)}; the "
                         "PharmCAT format may have changed")
    if not str(data.get("genomeBuild", "GRCh38")).startswith("GRCh38"):
        raise OslerError(f"allele definition {path.name}: build {data['genomeBuild']}, not GRCh38")
    positions = tuple(Position(_bare(v["chromosome"]), int(v["position"]), v["ref"],
                               tuple(v.get("alts") or ()), v.get("rsid"))
                      for v in data["variants"])
    exemption = exemption or {}
    ignored_names = set(exemption.get("ignoredAlleles") or ())
    alleles = tuple(NamedAllele(a["name"], tuple(a["alleles"]), bool(a["reference"]))
                    for a in data["namedAlleles"] if a["name"] not in ignored_names)
    if sum(a.reference for a in alleles) != 1:
        raise OslerError(f"allele definition {path.name}: expected exactly one reference allele")
    ignored = frozenset(int(v["position"]) for v in exemption.get("ignoredPositions") or ())
    priorities = tuple((frozenset(p["list"]), p["pick"])
                       for p in exemption.get("unphasedDiplotypePriorities") or ())
    suballeles = tuple(sorted((str(sub), str(core))
                              for sub, core in (data.get("suballelesMap") or {}).items()))
    return GeneDefinition(data["gene"], data.get("version", ""), positions, alleles, ignored,
                          priorities, suballeles)


@lru_cache(maxsize=4)
def _load(alleles_dir: str) -> dict[str, GeneDefinition]:
    folder = Path(alleles_dir)
    exemptions_file = folder / "exemptions.json"
    exemptions = (json.loads(exemptions_file.read_text(encoding="utf-8"))
                  if exemptions_file.is_file() else {})
    genes = {}
    for f in sorted(folder.glob("*_translation.json")):
        definition = _gene(f, exemptions.get(f.name.removesuffix("_translation.json")))
        genes[definition.gene] = definition
    if not genes:
        raise OslerError(f"no *_translation.json allele definitions in {folder}")
    return genes


def load_definitions(definitions: str | Path | None = None) -> dict[str, GeneDefinition]:
    """Every gene's definition, by gene symbol, from the PharmCAT folder.

    ``definitions`` is the PharmCAT data folder; by default ``$OSLER_PHARMCAT_DIR`` or
    ``../shared/data/pharmcat`` (see :func:`osler.ingest._vcf_reference.pharmcat_dir`).
    """
    return _load(str(pharmcat_dir(definitions) / "definition" / "alleles"))
