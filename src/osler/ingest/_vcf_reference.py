"""What a VCF is checked against: PharmCAT allele-definition positions and the genome build.

The allele definitions are shared data read at run time, never copied into Osler: their folder
is ``$OSLER_PHARMCAT_DIR``, else ``../shared/data/pharmcat`` next to the working tree or the
current directory. Genome builds are detected from the header (``##reference``, ``##contig``
``assembly=`` and ``length=``); a header that says nothing is not guessed at.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from osler.errors import OslerError

__all__ = ["PgxPosition", "detect_build", "pgx_positions", "pharmcat_dir"]

_ENV = "OSLER_PHARMCAT_DIR"
_OTHER_BUILDS = {"grch37": "GRCh37", "hg19": "GRCh37", "b37": "GRCh37", "hs37d5": "GRCh37",
                 "g1k_v37": "GRCh37", "assembly19": "GRCh37",
                 "ncbi36": "NCBI36", "hg18": "NCBI36", "b36": "NCBI36", "grch36": "NCBI36",
                 "t2t": "T2T-CHM13", "chm13": "T2T-CHM13", "hs1": "T2T-CHM13"}
_GRCH38 = ("grch38", "hg38", "b38", "hs38", "assembly38")


@dataclass(frozen=True, slots=True)
class PgxPosition:
    """A position some allele definition uses (or one of PharmCAT's positions of interest,
    which no allele uses but guidelines read, such as rs12777823 for warfarin), with the GRCh38
    reference allele it expects. ``gene`` is None for a position of interest."""

    chrom: str
    pos: int
    ref: str
    gene: str | None
    rsid: str | None


def pharmcat_dir(explicit: str | Path | None = None) -> Path:
    """The PharmCAT data folder (with ``definition/alleles`` and ``phenotype``).

    Order: ``explicit``, then ``$OSLER_PHARMCAT_DIR``, then ``../shared/data/pharmcat`` from the
    package's working tree or the current directory. Raises :class:`OslerError` when none holds
    allele definitions.
    """
    here = Path(__file__).resolve()
    candidates = [Path(explicit)] if explicit else []
    if not explicit and os.environ.get(_ENV):
        candidates.append(Path(os.environ[_ENV]))
    if not candidates:
        candidates += [p / "shared" / "data" / "pharmcat" for p in (here.parents[4], Path.cwd().parent)]
    for c in candidates:
        if (c / "definition" / "alleles").is_dir():
            return c
    raise OslerError(
        "PharmCAT allele definitions not found; looked in "
        f"{', '.join(str(c) for c in candidates)}. Set {_ENV} or pass --definitions DIR "
        "(a folder holding definition/alleles/*_translation.json and phenotype/*.json)")


@lru_cache(maxsize=4)
def _positions(alleles_dir: str) -> dict[tuple[str, int], PgxPosition]:
    out: dict[tuple[str, int], PgxPosition] = {}
    for f in sorted(Path(alleles_dir).glob("*_translation.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        for v in data.get("variants", []):
            key = (_bare(v["chromosome"]), int(v["position"]))
            out.setdefault(key, PgxPosition(key[0], key[1], v["ref"], data["gene"], v.get("rsid")))
    return out


def pgx_positions(definitions: str | Path | None = None) -> dict[tuple[str, int], PgxPosition]:
    """Every definition position, keyed by (chromosome without ``chr``, 1-based position), and
    the positions of interest that PharmCAT's ``pharmcat_positions.vcf`` flags ``POI``."""
    folder = pharmcat_dir(definitions)
    return {**_positions_of_interest(str(folder / "pharmcat_positions.vcf")),
            **_positions(str(folder / "definition" / "alleles"))}


@lru_cache(maxsize=4)
def _positions_of_interest(positions_vcf: str) -> dict[tuple[str, int], PgxPosition]:
    out: dict[tuple[str, int], PgxPosition] = {}
    path = Path(positions_vcf)
    if not path.is_file():
        return out
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            chrom, pos, rsid, ref, _alt, _qual, _filter, info = line.split("\t")[:8]
            if "POI" in info.split(";"):
                key = (_bare(chrom), int(pos))
                out[key] = PgxPosition(key[0], key[1], ref, None, rsid if rsid != "." else None)
    return out


def _bare(chrom: str) -> str:
    """Chromosome name without a ``chr`` prefix, ``MT`` for the mitochondrion."""
    c = chrom[3:] if chrom.lower().startswith("chr") else chrom
    return "MT" if c.upper() in {"M", "MT"} else c.upper() if c.lower() in {"x", "y"} else c


@lru_cache(maxsize=1)
def _contig_lengths() -> dict[str, dict[str, int]]:
    from osler.resources import load_tsv
    out: dict[str, dict[str, int]] = {}
    for row in load_tsv("genomics/contig_lengths.tsv", {"build", "chrom", "length"}):
        out.setdefault(row["build"], {})[row["chrom"]] = int(row["length"])
    return out


_CONTIG = re.compile(r"^##contig=<(.*)>", re.IGNORECASE)


def detect_build(header: str) -> str | None:
    """Genome build a VCF header declares: 'GRCh38', another build's name, or None if silent.

    Contig lengths decide when present; ``##reference`` and ``assembly=`` names otherwise.
    """
    lengths = _contig_lengths()
    names: list[str] = []
    for line in header.splitlines():
        if line.lower().startswith("##reference="):
            names.append(line.split("=", 1)[1].lower())
        m = _CONTIG.match(line)
        if not m:
            continue
        fields = dict(kv.split("=", 1) for kv in _split_fields(m.group(1)) if "=" in kv)
        chrom = _bare(fields.get("ID", ""))
        if "length" in fields and fields["length"].isdigit():
            for build, table in lengths.items():
                if table.get(chrom) == int(fields["length"]):
                    return build
        if "assembly" in fields:
            names.append(fields["assembly"].lower())
    for name in names:
        base = Path(name).name
        if any(tag in base for tag in _GRCH38):
            return "GRCh38"
        for tag, build in _OTHER_BUILDS.items():
            if tag in base:
                return build
    return None


def _split_fields(text: str) -> list[str]:
    """Split ``ID=chr1,length=1,desc="a,b"`` on commas outside quotes."""
    return [p.strip() for p in re.findall(r'(?:[^,"]|"[^"]*")+', text)]
