"""Phenotypes and activity scores for called diplotypes, from PharmCAT's phenotype files.

``phenotype/<GENE>.json`` maps each diplotype (as allele counts) to its phenotype and, for
activity-score genes, the score. Genes the shared folder has no phenotype file for fall back to
Osler's own small supplement (``resources/genomics/phenotype_supplement.json``, citing CPIC),
which states only what its guideline table states; anything else is "Indeterminate".
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from osler.genomics.matcher import GeneCall
from osler.ingest._vcf_reference import pharmcat_dir

__all__ = ["INDETERMINATE", "Phenotype", "activity_values", "phenotype_of"]

INDETERMINATE = "Indeterminate"


@dataclass(frozen=True, slots=True)
class Phenotype:
    """Phenotype, activity score (text as CPIC writes it, e.g. ``1.5``) and allele functions."""

    phenotype: str
    activity_score: str | None
    functions: tuple[str | None, ...]


@dataclass(frozen=True)
class _Table:
    diplotypes: dict[frozenset, tuple[str, str | None]]
    functions: dict[str, str]
    activity_values: dict[str, float] = field(default_factory=dict)
    activity_phenotypes: tuple[tuple[float, float, str], ...] = ()

    def lookup(self, names: tuple[str, ...]) -> tuple[str, str | None] | None:
        """Phenotype and activity score of a diplotype, from its row or its activity values."""
        row = self.diplotypes.get(_key(names))
        if row is not None or not self.activity_values:
            return row
        if any(n not in self.activity_values for n in names):
            return None
        score = sum(self.activity_values[n] for n in names)
        for low, high, phenotype in self.activity_phenotypes:
            if low <= score <= high:
                return phenotype, f"{score:.1f}" if score * 4 % 2 == 0 else f"{score:g}"
        return None


def _key(names: tuple[str, ...]) -> frozenset:
    return frozenset(Counter(names).items())


@lru_cache(maxsize=64)
def _table(phenotype_dir: str, gene: str) -> _Table | None:
    path = Path(phenotype_dir) / f"{gene.replace('-', '_')}.json"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = {frozenset((k, int(v)) for k, v in d["diplotypekey"].items()):
                (d.get("generesult") or d.get("phenotype") or "", d.get("activityScore"))
                for d in data.get("diplotypes") or ()}
        values = {k: float(v) for k, v in (data.get("activityValues") or {}).items()
                  if _is_number(v)}
        return _Table(rows, dict(data.get("haplotypes") or {}), values)
    from osler.resources import load_json
    supplement = load_json("genomics/phenotype_supplement.json", {"source", "genes"})["genes"]
    if gene not in supplement:
        return None
    entry = supplement[gene]
    rows = {_key(tuple(d.split("/"))): (p, None) for d, p in entry["diplotypes"].items()}
    return _Table(rows, dict(entry["functions"]), dict(entry["activity_values"]),
                  tuple(tuple(r) for r in entry["activity_phenotypes"]))


def phenotype_of(call: GeneCall, definitions: str | Path | None = None) -> Phenotype:
    """The phenotype of a gene call; ``Indeterminate`` when it is ambiguous or not in the table.

    A gene with no phenotype table at all (e.g. CYP4F2) gets an empty phenotype, as PharmCAT
    reports it.
    """
    table = _table(str(pharmcat_dir(definitions) / "phenotype"), call.gene)
    if table is None:
        return Phenotype("", None, ())
    if not call.diplotypes:
        return Phenotype(INDETERMINATE, None, ())
    if not table.diplotypes and not table.activity_values:  # functions only (IFNL3)
        return Phenotype("", None, tuple(table.functions.get(n) for n in call.diplotypes[0]))
    found = {table.lookup(d) for d in call.diplotypes}
    if len(found) != 1 or None in found:
        return Phenotype(INDETERMINATE, None, ())
    phenotype, score = found.pop()
    names = call.diplotypes[0]
    return Phenotype(phenotype, score, tuple(table.functions.get(n) for n in names))


def activity_values(gene: str, definitions: str | Path | None = None) -> dict[str, float]:
    """Allele activity values of an activity-score gene (empty for other genes)."""
    table = _table(str(pharmcat_dir(definitions) / "phenotype"), gene)
    return dict(table.activity_values) if table else {}


def _is_number(text: object) -> bool:
    try:
        float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True
