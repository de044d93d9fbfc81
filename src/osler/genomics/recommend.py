"""CPIC drug-gene recommendations: patient gene calls + a drug -> what the guideline says.

Rules are data: one JSON file per CPIC guideline under ``resources/cpic/``, each citing the
guideline, its version and year. A rule applies when every gene it names satisfies its
condition: a phenotype in a list, an activity score in a list, carrying one of some alleles, or
``any`` determinate call. The result says which:

* ``recommendation``: one or more rules apply; their text, strength and the genotype evidence;
* ``indeterminate genotype``: a gene the guideline needs is uncalled or Indeterminate;
* ``no recommendation``: the genotype is determinate but no rule of the guideline covers it;
* ``no guideline``: Osler holds no CPIC rule for this drug.

>>> sorted(drugs())[:3]
['atazanavir', 'atorvastatin', 'azathioprine']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as _res

from osler.errors import OslerError
from osler.genomics.calling import PgxCall
from osler.genomics.phenotype import INDETERMINATE

__all__ = ["Recommendation", "Rule", "drugs", "load_guidelines", "recommend"]

_GUIDELINE_KEYS = {"guideline", "citation", "version", "url", "genes", "rules", "note"}
_RULE_KEYS = {"id", "drugs", "when", "recommendation", "strength", "implication"}
_CONDITION_KEYS = {"phenotype", "activity_score", "carries", "any"}
_STRENGTHS = {"strong", "moderate", "optional", "see guideline"}


@dataclass(frozen=True)
class Rule:
    """One row of a guideline's recommendation table."""

    id: str
    drugs: tuple[str, ...]
    when: dict[str, dict]
    recommendation: str
    strength: str
    implication: str
    guideline: str
    version: str
    citation: str
    url: str


@dataclass(frozen=True)
class Recommendation:
    """What the guideline says for this patient and drug, and the genotype it rests on."""

    drug: str
    status: str
    rules: tuple[Rule, ...] = ()
    evidence: tuple[dict, ...] = ()
    genes: tuple[str, ...] = ()
    detail: str = ""

    def to_dict(self) -> dict:
        return {"drug": self.drug, "status": self.status, "detail": self.detail,
                "genes": list(self.genes),
                "recommendations": [{"id": r.id, "recommendation": r.recommendation,
                                     "strength": r.strength, "implication": r.implication,
                                     "guideline": r.guideline, "version": r.version,
                                     "citation": r.citation, "url": r.url} for r in self.rules],
                "evidence": list(self.evidence)}


def _check_keys(where: str, data: dict, allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise OslerError(f"CPIC rules {where}: unknown keys {sorted(unknown)}; allowed "
                         f"{sorted(allowed)}")


def _parse(name: str, data: dict) -> list[Rule]:
    _check_keys(name, data, _GUIDELINE_KEYS)
    rules = []
    for raw in data["rules"]:
        _check_keys(f"{name} rule {raw.get('id')!r}", raw, _RULE_KEYS)
        for gene, condition in raw["when"].items():
            _check_keys(f"{name} rule {raw['id']!r} gene {gene}", condition, _CONDITION_KEYS)
            if gene not in data["genes"]:
                raise OslerError(f"CPIC rules {name} rule {raw['id']!r}: gene {gene} is not one "
                                 f"of the guideline's genes {data['genes']}")
        if raw["strength"] not in _STRENGTHS:
            raise OslerError(f"CPIC rules {name} rule {raw['id']!r}: strength must be one of "
                             f"{sorted(_STRENGTHS)}; got {raw['strength']!r}")
        rules.append(Rule(raw["id"], tuple(raw["drugs"]), dict(raw["when"]),
                          raw["recommendation"], raw["strength"], raw["implication"],
                          data["guideline"], data["version"], data["citation"], data["url"]))
    return rules


@lru_cache(maxsize=1)
def load_guidelines() -> tuple[Rule, ...]:
    """Every rule of every bundled CPIC guideline file (validated: unknown keys are named)."""
    import json

    folder = _res.files("osler.resources").joinpath("cpic")
    rules: list[Rule] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            rules += _parse(entry.name, json.loads(entry.read_text(encoding="utf-8")))
    return tuple(rules)


def drugs() -> set[str]:
    """Drugs Osler holds CPIC rules for."""
    return {d for r in load_guidelines() for d in r.drugs}


def _determinate(call: PgxCall | None) -> bool:
    return (call is not None and call.call.callable and bool(call.call.diplotypes)
            and call.phenotype.phenotype != INDETERMINATE)


def _satisfies(call: PgxCall, condition: dict) -> bool:
    if condition.get("any"):
        return True
    if "phenotype" in condition and call.phenotype.phenotype in condition["phenotype"]:
        return True
    if "activity_score" in condition and call.phenotype.activity_score in condition["activity_score"]:
        return True
    if "carries" in condition:
        return any(name in condition["carries"] for d in call.call.diplotypes for name in d)
    return False


def _evidence(call: PgxCall) -> dict:
    return {"gene": call.gene, "diplotype": call.diplotype, "phenotype": call.phenotype.phenotype,
            "activity_score": call.phenotype.activity_score,
            "missing_positions": [p.label for p in call.call.missing], "source": call.source}


def recommend(calls: list[PgxCall], drug: str) -> Recommendation:
    """The CPIC recommendation for ``drug`` given a patient's gene calls.

    Parameters
    ----------
    calls : list of PgxCall
        From :func:`osler.genomics.calling.call_genes`.
    drug : str
        Generic drug name, any case ("Clopidogrel").
    """
    drug = drug.strip().lower()
    rules = [r for r in load_guidelines() if drug in r.drugs]
    if not rules:
        return Recommendation(drug, "no guideline",
                              detail=f"Osler holds no CPIC rule for {drug!r}; known: "
                                     f"{', '.join(sorted(drugs()))}")
    genes = tuple(sorted({g for r in rules for g in r.when}))
    by_gene = {c.gene: c for c in calls}
    evidence = tuple(_evidence(by_gene[g]) for g in genes if g in by_gene)
    unknown = [g for g in genes if not _determinate(by_gene.get(g))]
    matched = tuple(r for r in rules if all(
        g not in unknown and _satisfies(by_gene[g], cond) for g, cond in r.when.items()))
    if matched:
        return Recommendation(drug, "recommendation", matched, evidence, genes,
                              detail=_detail(unknown))
    if unknown:
        return Recommendation(drug, "indeterminate genotype", (), evidence, genes,
                              detail=f"no determinate call for {', '.join(unknown)}")
    return Recommendation(drug, "no recommendation", (), evidence, genes,
                          detail="the guideline gives no recommendation for this genotype")


def _detail(unknown: list[str]) -> str:
    return f"not determinate: {', '.join(unknown)}" if unknown else ""

