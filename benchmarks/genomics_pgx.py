"""Pharmacogene calling: agreement with PharmCAT and speed.

Run: ``.venv/bin/python benchmarks/genomics_pgx.py [--src DIR]`` (needs
../shared/data/pharmcat, cyvcf2). ``--src`` imports Osler from another source tree, e.g. an
older commit checked out with ``git worktree add``, to measure "before" with this same script.

1. PharmCAT's example: diplotype, phenotype and activity score per gene against
   ``examples/pharmcat.example.report.tsv`` (haplotype order ignored).
2. Every VCF in ``test-vcf/``: read and called without a crash (quarantines counted), and where
   the file name states two alleles (``s1s2.vcf``, ``SLCO1B1_s14_s19_t1.vcf``, ``s3ref.vcf``,
   ``-1639G-1639A.vcf``, ``rs12979860CT.vcf``), agreement per gene with that pair.
3. Against what PharmCAT's own tests assert for the same files (``pharmcat_assertions.py``):
   the set of diplotypes, top candidates (``top``) or every fitting pair (``all``).
4. Speed: a synthetic 30x-exome-sized VCF (PGx positions plus ~45,000 random exonic-like
   sites, seeded) read and called, against cyvcf2 alone iterating the same file.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SRC = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else str(ROOT / "src")
sys.path.insert(0, _SRC)
sys.path.insert(1, str(ROOT / "benchmarks"))

from osler.errors import IngestError  # noqa: E402
from osler.genomics.calling import call_genes, read_outside_calls  # noqa: E402
from osler.genomics.calling import sample_calls  # noqa: E402
from osler.genomics.definitions import load_definitions  # noqa: E402
from osler.genomics.matcher import (SampleCall, call_diplotypes,  # noqa: E402
                                    haplotype_sort_key)
from osler.ingest._vcf_reference import pgx_positions, pharmcat_dir  # noqa: E402
from osler.ingest.vcf import read_vcf  # noqa: E402
from osler.record import EventKind  # noqa: E402
from pharmcat_assertions import ASSERTIONS, Assertion  # noqa: E402

PHARMCAT = pharmcat_dir()


def _dip(text: str) -> tuple[str, ...]:
    return tuple(sorted(text.strip().split("/")))


def example_agreement() -> list[dict]:
    ex = PHARMCAT / "examples"
    record = next(read_vcf(ex / "pharmcat.example.vcf"))
    calls = {c.gene: c for c in call_genes(
        record, outside=read_outside_calls(ex / "pharmcat.example.outsideCall.tsv"))}
    lines = (ex / "pharmcat.example.report.tsv").read_text().splitlines()[1:]
    rows = []
    for r in csv.DictReader(lines, delimiter="\t"):
        c = calls.get(r["Gene"])
        ours = (c.call.diplotypes[0] if c and c.call.diplotypes else ())
        rows.append({
            "gene": r["Gene"],
            "diplotype": c is not None and tuple(sorted(ours)) == _dip(r["Source Diplotype"]),
            "phenotype": c is not None and c.phenotype.phenotype.strip() == r["Phenotype"].strip(),
            "activity_score": c is not None and (c.phenotype.activity_score or "")
            == r["Activity Score"].strip()})
    return rows


_NAMED = re.compile(r"^s(\d+[a-d]?|ref)_?s(\d+[a-d]?|ref)(?P<rest>.*)$")


def _star(token: str, names: set[str], reference: str) -> str | None:
    if token == "ref":
        return reference
    for candidate in (f"*{token[:-1]}{token[-1].upper()}" if token[-1].isalpha() else None,
                      f"*{token}", f"*{token.rstrip('abcdefgh')}"):
        if candidate and candidate in names:
            return candidate
    return None


def _core_names(gene: str) -> set[str]:
    data = json.loads((PHARMCAT / "definition" / "alleles" / f"{gene}_translation.json")
                      .read_text(encoding="utf-8"))
    return set((data.get("suballelesMap") or {}).values())


def expected_alleles(path: Path, gene: str) -> tuple[str, ...] | None:
    """The two alleles a test file's name states, or None when it states no clear pair."""
    definition = load_definitions()[gene]
    names = {a.name for a in definition.alleles}
    names |= _core_names(gene)  # a file named s45 means *45, matched as *45.001 or *45.002
    stem = path.name.split(".")[0]
    stem = re.sub(rf"^{gene}_", "", stem, flags=re.IGNORECASE)
    if gene in ("VKORC1", "IFNL3"):
        bases = re.findall(r"-1639([ACGT])", stem) if gene == "VKORC1" else \
            list(re.sub(r"^rs\d+", "", stem)) if re.fullmatch(r"rs\d+[ACGT]{2}", stem) else []
        if len(bases) != 2:
            return None
        if gene == "VKORC1":  # -1639 G>A is written on the coding (minus) strand
            bases = [{"G": "C", "A": "T", "C": "G", "T": "A"}[b] for b in bases]
        picked = [next((n for n in names if n.endswith(f"({b})")), None) for b in bases]
        return tuple(sorted(picked)) if None not in picked else None
    m = _NAMED.match(stem)
    if not m or re.search(r"(^|[^rR])s\d", m.group("rest")):
        return None
    pair = [_star(t, names, definition.reference.name) for t in m.group(1, 2)]
    return tuple(sorted(pair)) if None not in pair else None


def named_vcf_agreement() -> tuple[dict, int, int, list[str]]:
    per_gene: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    files = sorted(p for p in (PHARMCAT / "test-vcf").rglob("*")
                   if p.name.endswith((".vcf", ".vcf.bgz", ".vcf.gz")))
    genes = {g.lower(): g for g in load_definitions()}
    quarantined, misses = [], []
    for path in files:
        problems: list[IngestError] = []
        records = list(read_vcf(path, on_error=problems.append))
        records_unsorted = list(read_vcf(path, on_error=lambda e: None, allow_unsorted=True))
        quarantined += [f"{path.name}: {e.reason}" for e in problems]
        for record in records or records_unsorted:
            calls = {c.gene: c for c in call_genes(record)}  # must not crash
            gene = genes.get(path.parent.name.lower())
            expected = expected_alleles(path, gene) if gene else None
            if expected is None or record is not (records or records_unsorted)[0]:
                continue
            got = calls[gene].call.diplotypes
            ok = len(got) == 1 and tuple(sorted(got[0])) == expected
            per_gene[gene][0] += ok
            per_gene[gene][1] += 1
            if not ok:
                misses.append(f"{gene} {path.name}: expected {'/'.join(expected)}, "
                              f"called {calls[gene].call.label}")
    return dict(per_gene), len(files), len(quarantined), quarantined + misses


def _status(call) -> str:
    """'missing', 'ref', 'het' or 'hom' of a sample's call at one definition position."""
    if call is None or any(a is None for a in call[0].alleles):
        return "missing"
    alleles, ref = call[0].alleles, call[1]
    return "ref" if set(alleles) == {ref} else "hom" if len(set(alleles)) == 1 else "het"


def _twin_check(assertion: Assertion, calls: dict) -> tuple[bool, list]:
    """Does the file carry the genotype the test built, and which positions does it lack?"""
    extra_missing, same = [], True
    for p in load_definitions()[assertion.gene].positions:
        got = _status((calls[(p.chrom, p.pos)], p.ref) if (p.chrom, p.pos) in calls else None)
        want = (assertion.twin or {}).get(p.rsid, "ref")
        if got == "missing" and want == "ref":
            extra_missing.append(p)
        elif got != want:
            same = False
    return same, extra_missing


def _calls(calls: dict, gene: str, mode: str) -> tuple[str, ...] | None:
    """The diplotypes Osler calls from (chrom, pos) -> SampleCall, as sorted 'A/B' strings."""
    definition = load_definitions()[gene]
    chrom = definition.positions[0].chrom
    on_chrom = {pos: c for (c_chrom, pos), c in calls.items() if c_chrom == chrom}
    try:
        call = call_diplotypes(definition, on_chrom, top_only=(mode == "top"))
    except TypeError:  # an Osler from before the all-matches mode
        if mode == "all":
            return None
        call = call_diplotypes(definition, on_chrom)
    return tuple(sorted(_pair(d) for d in call.diplotypes))


def _pair(names) -> str:
    return "/".join(sorted(names, key=haplotype_sort_key))


def assertion_agreement() -> tuple[dict, list[str]]:
    """[agree, compared] per gene and per mode; notes on every disagreement and skip."""
    per_gene: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_mode: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    notes = []
    for a in ASSERTIONS:
        path = PHARMCAT / "test-vcf" / "haplotype" / a.file
        record = next(read_vcf(path, on_error=lambda e: None, allow_unsorted=True))
        calls = sample_calls(record.of_kind(EventKind.GENOTYPE))
        where = f"{a.gene} {a.file} ({a.mode}, {a.test}{', twin' if a.twin is not None else ''})"
        if a.twin is not None:
            same, lacking = _twin_check(a, calls)
            if not same:
                notes.append(f"{where}: file differs from the test's genotype; not compared")
                continue
            # the test's input: the file's calls, reference where the file has none
            raw = _calls(calls, a.gene, a.mode)
            calls = {**calls, **{(p.chrom, p.pos): SampleCall((p.ref, p.ref)) for p in lacking}}
        got = _calls(calls, a.gene, a.mode)
        lacks = ""
        if a.twin is not None and lacking and raw != got:
            lacks = (f"; on the file as it is (lacking {', '.join(p.rsid for p in lacking)}) "
                     f"{' or '.join(raw or ()) or 'no call'}")
        if got is None:
            notes.append(f"{where}: this Osler has no all-matches mode; not compared")
            continue
        want = tuple(sorted(_pair(d.split("/")) for d in a.expected))
        for tally in (per_gene[a.gene], per_mode[a.mode]):
            tally[0] += got == want
            tally[1] += 1
        if got != want or lacks:
            notes.append(f"{where}: PharmCAT {' or '.join(want) or 'no call'}, "
                         f"Osler {' or '.join(got) or 'no call'}{lacks}")
    return dict(per_gene), dict(per_mode), notes


def _write_exome_vcf(path: Path, n_background: int = 45_000, seed: int = 7) -> int:
    """A sample VCF the size of a 30x exome call set: PGx sites plus random background SNVs."""
    rng = random.Random(seed)
    sites = {(c, p): s.ref for (c, p), s in pgx_positions().items()}
    chroms = [str(i) for i in range(1, 23)] + ["X"]
    while len(sites) < n_background + len(pgx_positions()):
        sites.setdefault((rng.choice(chroms), rng.randrange(1_000_000, 150_000_000)),
                         rng.choice("ACGT"))
    order = {c: i for i, c in enumerate(chroms)}
    with path.open("w") as fh:
        fh.write("##fileformat=VCFv4.2\n##reference=GRCh38\n")
        for c in chroms:
            fh.write(f"##contig=<ID=chr{c}>\n")
        fh.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tEXOME1\n")
        for (c, p) in sorted(sites, key=lambda k: (order.get(k[0], 99), k[1])):
            ref = sites[(c, p)]
            alt = "T" if ref[0] != "T" else "C"
            gt = rng.choice(("0/0", "0/1", "1/1", "0/1"))
            fh.write(f"chr{c}\t{p}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT\t{gt}\n")
    return len(sites)


def speed(repeats: int = 5) -> dict:
    import cyvcf2

    load_definitions()
    pgx_positions()  # definitions are loaded once per process, like a service would
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exome.vcf"
        n = _write_exome_vcf(path)
        ours, peer = [], []
        for _ in range(repeats):
            t = time.perf_counter()
            for _v in cyvcf2.VCF(str(path)):
                pass
            peer.append(time.perf_counter() - t)
            t = time.perf_counter()
            record = next(read_vcf(path))
            call_genes(record)
            ours.append(time.perf_counter() - t)
    return {"records": n, "osler_s": min(ours), "cyvcf2_s": min(peer),
            "ratio": min(ours) / min(peer)}


def main() -> None:
    rows = example_agreement()
    for field in ("diplotype", "phenotype", "activity_score"):
        print(f"example {field}: {sum(r[field] for r in rows)}/{len(rows)} genes agree")
    for r in rows:
        if not all(r[f] for f in ("diplotype", "phenotype", "activity_score")):
            print("  differs:", r)
    per_gene, n_files, n_quarantined, notes = named_vcf_agreement()
    print(f"test-vcf: {n_files} files read and called without a crash; "
          f"{n_quarantined} quarantined by the strict reader (called again with allow_unsorted)")
    for gene, (ok, total) in sorted(per_gene.items()):
        print(f"  {gene}: {ok}/{total} named files agree ({ok / total:.0%})")
    total_ok = sum(v[0] for v in per_gene.values())
    total = sum(v[1] for v in per_gene.values())
    print(f"  all named files: {total_ok}/{total} ({total_ok / total:.0%})")
    for note in notes:
        print("   -", note)
    per_gene, per_mode, notes = assertion_agreement()
    print("PharmCAT's test assertions (same set of diplotypes, top or all matches):")
    for gene, (ok, total) in sorted(per_gene.items()):
        print(f"  {gene}: {ok}/{total} assertions agree ({ok / total:.0%})")
    total_ok = sum(v[0] for v in per_gene.values())
    total = sum(v[1] for v in per_gene.values())
    print(f"  all assertions: {total_ok}/{total} ({total_ok / total:.0%}); "
          + "; ".join(f"{mode} mode {ok}/{n}" for mode, (ok, n) in sorted(per_mode.items())))
    for note in notes:
        print("   -", note)
    s = speed()
    print(f"speed: {s['records']} records; read + call all genes {s['osler_s']:.3f} s; "
          f"cyvcf2 read alone {s['cyvcf2_s']:.3f} s; ratio {s['ratio']:.2f}x")


if __name__ == "__main__":
    main()
