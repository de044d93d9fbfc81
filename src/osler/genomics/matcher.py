"""Diplotype calling from allele definitions, following PharmCAT's named-allele matcher.

The rules, as PharmCAT applies them by default (top candidates, no combinations), from its
"Named Allele Matcher 101/201" documents and its own tests:

* A position with no call (absent from the VCF, or ``./.``) is *missing*. Each named allele is
  cut down to the positions the sample has; an allele left with no defining position is
  dropped (the reference is kept). Its score is the number of positions it still defines, so
  two alleles that differ only at a missing position both fit and may tie (CYP2C19 ``*1`` and
  the reference ``*38`` without rs3758581): PharmCAT reports both, and so does Osler.
* Positions an allele leaves undefined are assumed to carry the reference allele.
* Definition alleles may be IUPAC codes (``Y`` = C or T).
* Unphased heterozygous calls: a pair of alleles fits when, at every position, one allele can
  take one called base and the other allele the other. Phased calls: one allele per strand.
* Diplotypes are scored by the sum of the two alleles' scores; by default only the top score
  is kept and ties are all reported (a gene's ``unphasedDiplotypePriorities`` exemption picks
  one). ``top_only=False`` keeps every fitting pair, best first, as PharmCAT's "all matches"
  mode does. A pair the definitions do not name on one strand (e.g. ``*2`` and ``*24``
  together) is not called: combination alleles are PharmCAT's research mode, not its default.
* A suballele (SLCO1B1 ``*45.001``) is matched as defined and reported by its core name
  (``*45``), which is the name the phenotype tables use.
* For genes where PharmCAT treats undocumented variation as reference (DPYD, TPMT, NUDT15,
  G6PD, RYR1, CACNA1S), a base no definition knows counts as the reference base.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from osler.genomics.definitions import GeneDefinition, NamedAllele, Position

__all__ = ["GeneCall", "SampleCall", "call_diplotypes", "haplotype_sort_key", "variant_haplotypes"]

UNDOCUMENTED_AS_REFERENCE = frozenset({"CACNA1S", "DPYD", "G6PD", "NUDT15", "RYR1", "TPMT"})
_IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG", "W": "AT",
          "K": "GT", "M": "AC", "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGT"}


@dataclass(frozen=True, slots=True)
class SampleCall:
    """A sample's alleles (VCF bases; ``None`` = no call) at one position, and its phasing."""

    alleles: tuple[str | None, ...]
    phased: bool = False


@dataclass(frozen=True)
class GeneCall:
    """The diplotype call for one gene.

    ``diplotypes`` holds the top-scoring pairs of allele names (several when tied; every
    fitting pair, best first, when called with ``top_only=False``); ``scores`` the match score
    of each; ``missing`` the positions without a call; ``score`` the top match score.
    """

    gene: str
    diplotypes: tuple[tuple[str, ...], ...]
    score: int
    missing: tuple[Position, ...]
    phased: bool
    callable: bool = True
    evidence: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    method: str = "match"       # 'match', 'lowest function' (unphased DPYD) or 'outside call'
    scores: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """``*1/*2``, several joined by `` or ``, or ``Unknown/Unknown`` when nothing fits."""
        if not self.diplotypes:
            return "Unknown/Unknown"
        return " or ".join("/".join(d) for d in self.diplotypes)


def haplotype_sort_key(name: str) -> tuple:
    """Order allele names as clinicians read them: *1 < *2 < *10 < *10B < other names."""
    m = re.match(r"^\*(\d+)(.*)$", name)
    return (0, int(m.group(1)), m.group(2)) if m else (1, 0, name)


def _allows(defined: str | None, base: str) -> bool:
    if defined is None or defined == base:
        return True
    return len(defined) == 1 and len(base) == 1 and base in _IUPAC.get(defined, "")


@dataclass(frozen=True, slots=True)
class _Hap:
    name: str
    alleles: tuple[str | None, ...]
    score: int
    reference: bool


def _haplotypes(definition: GeneDefinition, used: list[int]) -> list[_Hap]:
    """Alleles cut to the available positions, gaps filled with the reference (kept score)."""
    ref = definition.reference
    out = []
    for a in definition.alleles:
        cut = [a.alleles[i] for i in used]
        score = sum(x is not None for x in cut)
        if score == 0 and not a.reference:
            continue
        filled = tuple(x if x is not None else _reference_base(ref, definition, i)
                       for x, i in zip(cut, used, strict=True))
        out.append(_Hap(a.name, filled, score, a.reference))
    return out


def _reference_base(ref: NamedAllele, definition: GeneDefinition, i: int) -> str | None:
    base = ref.alleles[i]
    if base is not None and len(base) == 1 and len(_IUPAC.get(base, "")) > 1:
        return definition.positions[i].ref  # a wobble in the reference: use the genome base
    return base


def _sample_bases(definition: GeneDefinition, used: list[int],
                  calls: dict[int, SampleCall]) -> list[tuple[str, ...]]:
    bases = []
    as_reference = definition.gene in UNDOCUMENTED_AS_REFERENCE
    for i in used:
        p = definition.positions[i]
        call = tuple(calls[p.pos].alleles)
        if p.pos in definition.ignored_positions:  # exempted: matched as reference, still scored
            call = tuple(p.ref for _ in call)
        elif as_reference:
            known = {p.ref, *p.alts}
            call = tuple(b if b in known else p.ref for b in call)
        bases.append(call)
    return bases


def _fits_pair(h1: _Hap, h2: _Hap, bases: list[tuple[str, ...]], phased: bool) -> bool:
    if phased:
        return _fits_strands(h1, h2, bases, 0, 1) or _fits_strands(h1, h2, bases, 1, 0)
    for a1, a2, call in zip(h1.alleles, h2.alleles, bases, strict=True):
        x, y = call[0], call[-1]
        if not ((_allows(a1, x) and _allows(a2, y)) or (_allows(a1, y) and _allows(a2, x))):
            return False
    return True


def _fits_strands(h1: _Hap, h2: _Hap, bases: list[tuple[str, ...]], s1: int, s2: int) -> bool:
    return all(_allows(a1, call[s1]) and _allows(a2, call[s2])
               for a1, a2, call in zip(h1.alleles, h2.alleles, bases, strict=True))


def _fits_one(h: _Hap, bases: list[tuple[str, ...]]) -> bool:
    return all(any(_allows(a, b) for b in call) for a, call in zip(h.alleles, bases, strict=True))


def call_diplotypes(definition: GeneDefinition, calls: dict[int, SampleCall], *,
                    top_only: bool = True) -> GeneCall:
    """Call one gene's diplotype from the sample's calls keyed by GRCh38 position.

    Parameters
    ----------
    definition : GeneDefinition
    calls : dict of int to SampleCall
        Calls on the gene's chromosome; positions not in it count as missing.
    top_only : bool, default True
        Keep only the top-scoring diplotypes (PharmCAT's default). ``False`` keeps every pair
        that fits the sample, best score first.
    """
    used, missing = [], []
    for i, p in enumerate(definition.positions):
        call = calls.get(p.pos)
        if call is None or not call.alleles or any(a is None for a in call.alleles):
            missing.append(p)
        else:
            used.append(i)
    if not used:
        return GeneCall(definition.gene, (), 0, tuple(missing), False, callable=False)
    bases = _sample_bases(definition, used, calls)
    phased = all(calls[definition.positions[i].pos].phased or len(set(b)) == 1
                 for i, b in zip(used, bases, strict=True))
    evidence = {definition.positions[i].label: b for i, b in zip(used, bases, strict=True)}
    candidates = [h for h in _haplotypes(definition, used) if _fits_one(h, bases)]
    if all(len(b) == 1 for b in bases):  # haploid (e.g. chrX in a male sample)
        pairs = [((h.name,), h.score) for h in candidates]
    else:
        pairs = [((h1.name, h2.name), h1.score + h2.score)
                 for k, h1 in enumerate(candidates) for h2 in candidates[k:]
                 if _fits_pair(h1, h2, bases, phased)]
    ranked = _as_reported(definition, pairs)
    if not ranked:
        return GeneCall(definition.gene, (), 0, tuple(missing), phased, evidence=evidence)
    top = ranked[0][1]
    if top_only:
        best = _apply_priorities(definition, [d for d, score in ranked if score == top], phased)
        ranked = [(d, top) for d in best]
    return GeneCall(definition.gene, tuple(d for d, _ in ranked), top, tuple(missing), phased,
                    evidence=evidence, scores=tuple(score for _, score in ranked))


def _as_reported(definition: GeneDefinition,
                 pairs: list[tuple[tuple[str, ...], int]]) -> list[tuple[tuple[str, ...], int]]:
    """Pairs under the names PharmCAT reports (suballeles by core name), each once at its best
    score, ordered best score first and then as clinicians read allele names."""
    best: dict[tuple[str, ...], int] = {}
    for names, score in pairs:
        key = tuple(sorted((definition.core_name(n) for n in names), key=haplotype_sort_key))
        best[key] = max(score, best.get(key, score))
    return sorted(best.items(),
                  key=lambda item: (-item[1], [haplotype_sort_key(n) for n in item[0]]))


def _apply_priorities(definition: GeneDefinition, best: list[tuple[str, ...]],
                      phased: bool) -> list[tuple[str, ...]]:
    if phased or len(best) < 2:
        return best
    labels = {"/".join(d): d for d in best}
    for choices, pick in definition.unphased_priorities:
        if set(labels) == set(choices) and pick in labels:
            return [labels[pick]]
    return best


def variant_haplotypes(definition: GeneDefinition, calls: dict[int, SampleCall]) -> list[str]:
    """Non-reference alleles whose every defining base the sample carries, with copy number.

    An allele counts twice when the sample is homozygous at all its defining positions. This
    is the input of PharmCAT's unphased DPYD rule (the two lowest-function alleles decide).
    """
    out = []
    for a in definition.alleles:
        if a.reference:
            continue
        copies = 2
        for i, base in enumerate(a.alleles):
            if base is None:
                continue
            call = calls.get(definition.positions[i].pos)
            if call is None or any(b is None for b in call.alleles):
                copies = 0
                break
            copies = min(copies, sum(_allows(base, b) and b != definition.positions[i].ref
                                     for b in call.alleles))
        out += [a.name] * copies
    return out
